"""The assistance service tier: its use cases on a real Postgres, no NATS, no gateway; the
feed's schemes written as the `schemes` projection writes them, the documents kept in a
local media store in the test's folder."""

import os
from base64 import b64encode
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from assistance import handlers, projections
from assistance.adapters import sql
from assistance.bootstrap import deps_for
from assistance.settings import AssistanceSettings
from contracts.envelope import Envelope
from contracts.feed.events import SchemeListed
from contracts.rpc import Principal
from kit import personal
from kit.usecases import Database, serve
from tests.service_tier import Tier, person, service_engine

MASTER_KEY = b64encode(os.urandom(32)).decode()
PERSONAL = personal.PersonalData(personal.master_key_from(MASTER_KEY))
SCHEMES = [("pm-jay", ["hospitalisation"], ["all"]),
           ("rashtriya-arogya-nidhi", ["serious_illness", "hospitalisation"], ["all"]),
           ("mahatma-phule", ["hospitalisation"], ["Maharashtra"])]


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata) as engine:
        async with engine.begin() as conn:
            for slug, needs, states in SCHEMES:
                await projections.scheme(conn, SchemeListed(
                    scheme_id=uuid4(), slug=slug, name={"en": slug.upper()}, details={},
                    helpline="104", link="https://example.gov.in", needs=needs,
                    states=states), envelope())
        yield engine


def envelope() -> Envelope:
    return Envelope(event_id=uuid4(), event_type="test", schema_version=1, stream_id="test",
                    stream_version=1, position=1, occurred_at=datetime.now(UTC), data={})


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture
def assistance(engine: AsyncEngine, database_url: str, media_dir: Path) -> Tier:
    settings = AssistanceSettings(database_url=database_url,
                                  personal_data_master_key=MASTER_KEY,
                                  assistance_media_dir=str(media_dir))
    db = Database(engine)
    return Tier("assistance", serve(handlers.HANDLERS, deps_for(db, settings),
                                    errors=handlers.ERRORS, db=db, idempotency=sql.idempotency))


async def member(engine: AsyncEngine, *roles: str) -> Principal:
    """An account with the data key identity makes for it at registration."""
    user_id: UUID = uuid4()
    async with engine.begin() as conn:
        await PERSONAL.create_key(conn, user_id)
    return person(*roles, user_id=user_id)
