"""The ratings' service tier: its use cases on a real Postgres, no NATS, no gateway; the
service's clock in the test's hands, and identity's facts written as the directory
projection would write them."""

import dataclasses
import os
from base64 import b64encode
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope
from contracts.identity.events import ProfessionalVerified
from kit import personal
from kit.usecases import Database, serve
from ratings import handlers, projections
from ratings.adapters import sql
from ratings.bootstrap import deps_for
from ratings.settings import RatingsSettings
from tests.service_tier import Tier, service_engine

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MASTER_KEY = b64encode(os.urandom(32)).decode()
PERSONAL = personal.PersonalData(personal.master_key_from(MASTER_KEY))


class Clock:
    """The service's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    async with service_engine(database_url, sql.metadata) as engine:
        yield engine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ratings(engine: AsyncEngine, database_url: str, clock: Clock) -> Tier:
    settings = RatingsSettings(database_url=database_url, ratings_young_burst_per_hour=3,
                               personal_data_master_key=MASTER_KEY)
    db = Database(engine)
    deps = dataclasses.replace(deps_for(db, settings), clock=clock)
    return Tier("ratings", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                                 idempotency=sql.idempotency))


def envelope(at: datetime) -> Envelope:
    return Envelope(event_id=uuid4(), event_type="test", schema_version=1, stream_id="test",
                    stream_version=1, position=1, occurred_at=at, data={})


async def account(engine: AsyncEngine, *, age: timedelta = timedelta(days=30),
                  sandbox_until: datetime | None = None, profession: str | None = None,
                  user_id: UUID | None = None) -> UUID:
    """An account as identity's events make it known; a doctor is also a provider."""
    user_id = user_id or uuid4()
    async with engine.begin() as conn:
        await PERSONAL.create_key(conn, user_id)  # identity makes it at registration
        await projections.upsert_account(conn, user_id, registered_at=START - age,
                                         display_name="Dr. Test" if profession else "Member",
                                         sandbox_until=sandbox_until)
        if profession:
            await projections.verified(conn, ProfessionalVerified(
                user_id=user_id, profession=profession), envelope(START - age))
    return user_id


async def data_key(engine: AsyncEngine, user_id: UUID) -> None:
    """A person identity made a data key for, but whose account events the ratings have not
    seen yet."""
    async with engine.begin() as conn:
        await PERSONAL.create_key(conn, user_id)
