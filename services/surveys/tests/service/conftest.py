"""The surveys' service tier: its use cases on a real Postgres, no NATS, no gateway; the
members projection's facts written as it would write them, and data keys as identity makes
them."""

import os
from base64 import b64encode
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope
from contracts.feed.events import CommunityFollowed
from contracts.identity.events import AccountRegistered
from contracts.roles import PATIENT
from contracts.rpc import Principal
from kit import personal
from kit.usecases import Database, serve
from surveys import handlers, projections
from surveys.adapters import sql
from surveys.bootstrap import deps_for
from surveys.deps import Deps
from surveys.handlers.authoring import seed_ready_surveys
from surveys.settings import SurveysSettings
from tests.service_tier import Tier, person, service_engine

MASTER_KEY = b64encode(os.urandom(32)).decode()
PERSONAL = personal.PersonalData(personal.master_key_from(MASTER_KEY))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata) as engine:
        yield engine


@pytest.fixture
async def deps(engine: AsyncEngine, database_url: str) -> Deps:
    settings = SurveysSettings(database_url=database_url, personal_data_master_key=MASTER_KEY)
    deps = deps_for(Database(engine), settings)
    await seed_ready_surveys(deps)
    return deps


@pytest.fixture
async def surveys(deps: Deps) -> Tier:
    return Tier("surveys", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS,
                                 db=deps.db, idempotency=sql.idempotency))


def envelope() -> Envelope:
    return Envelope(event_id=uuid4(), event_type="test", schema_version=1, stream_id="test",
                    stream_version=1, position=1, occurred_at="2026-12-01T09:00:00Z", data={})


async def member(engine: AsyncEngine, *communities: str, language: str = "en",
                 role: str = PATIENT) -> Principal:
    """A person as the members projection knows them, with the data key identity made."""
    user_id: UUID = uuid4()
    async with engine.begin() as conn:
        await PERSONAL.create_key(conn, user_id)
        await projections.registered(conn, AccountRegistered(
            user_id=user_id, role=role, preferred_language=language, display_name="x"),
            envelope())
        for community in communities:
            await projections.followed(conn, CommunityFollowed(user_id=user_id,
                                                               community=community), envelope())
    return person(role, user_id=user_id)
