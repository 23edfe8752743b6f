"""The voices' service tier: its use cases on a real Postgres, no NATS, no gateway; the
media store in the test's folder, the storytellers' data keys made as identity makes them."""

import dataclasses
import os
from base64 import b64encode
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal
from kit import personal
from kit.usecases import Database, serve
from tests.service_tier import Tier, person, service_engine
from voices import handlers
from voices.adapters import sql
from voices.bootstrap import deps_for
from voices.deps import Deps
from voices.settings import VoicesSettings

MASTER_KEY = b64encode(os.urandom(32)).decode()
PERSONAL = personal.PersonalData(personal.master_key_from(MASTER_KEY))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata) as engine:
        yield engine


@pytest.fixture
def deps(engine: AsyncEngine, database_url: str, tmp_path: Path) -> Deps:
    settings = VoicesSettings(database_url=database_url, media_dir=str(tmp_path / "media"),
                              personal_data_master_key=MASTER_KEY,
                              voices_max_media_bytes=400_000, voices_max_media_seconds=20,
                              voices_transcriber_model="")
    return deps_for(Database(engine), settings)


@pytest.fixture
def voices(deps: Deps) -> Tier:
    return tier(deps)


def tier(deps: Deps) -> Tier:
    return Tier("voices", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=deps.db,
                                idempotency=sql.idempotency))


def with_(deps: Deps, **changes: object) -> Deps:
    return dataclasses.replace(deps, **changes)  # type: ignore[arg-type]


async def storyteller(engine: AsyncEngine, *roles: str, user_id: UUID | None = None
                      ) -> Principal:
    """A person with a data key, as identity makes one at registration."""
    user_id = user_id or uuid4()
    async with engine.begin() as conn:
        await PERSONAL.create_key(conn, user_id)
    return person(*(roles or ("patient",)), user_id=user_id)
