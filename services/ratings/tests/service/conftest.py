"""The ratings' service tier: its use cases on a real Postgres, no NATS, no gateway; the
service's clock in the test's hands, identity's facts written as the directory projection
would write them, and the scores projection fed the service's own events before each call,
as its consumer would once caught up (the tier refreshes the scores at start, as the
service does, and when a test says the periodic refresh ran)."""

import dataclasses
import os
from base64 import b64encode
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope
from contracts.identity.events import ProfessionalVerified
from contracts.rpc import Reply
from kit import personal
from kit.projection import Projection
from kit.usecases import Database, serve
from ratings import handlers, projections, score_models
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


class RatingsTier(Tier):
    """The ratings' handlers, with the scores projection caught up before every call."""

    def __init__(self, engine: AsyncEngine, clock: Clock, routes: dict) -> None:
        super().__init__("ratings", routes)
        self.engine, self.clock = engine, clock
        self.scores: Projection = projections.scores()
        self.projected = 0  # the store's position the projection has handled

    async def call(self, *args: Any, **options: Any) -> Reply:
        await self.project()
        return await super().call(*args, **options)

    async def project(self) -> None:
        """Hand the projection the events it has not seen, in the store's order."""
        async with self.engine.begin() as conn:
            while batch := await sql.store.read_all(conn, self.projected):
                await self.scores.apply(conn, [self.scores.registry.decode(e) for e in batch],
                                        batch)
                self.projected = batch[-1].position

    async def refresh(self) -> None:
        """The periodic refresh, at the test's clock."""
        await self.project()
        await score_models.refresh_now(self.engine, self.clock)

    async def rebuild_scores(self) -> None:
        """What a rebuild of the projection does: empty its tables, replay every event."""
        async with self.engine.begin() as conn:
            for table in self.scores.tables:
                await conn.execute(table.delete())
        self.projected = 0
        await self.project()


@pytest.fixture
async def ratings(engine: AsyncEngine, database_url: str, clock: Clock) -> RatingsTier:
    settings = RatingsSettings(database_url=database_url, ratings_young_burst_per_hour=3,
                               personal_data_master_key=MASTER_KEY)
    db = Database(engine)
    deps = dataclasses.replace(deps_for(db, settings), clock=clock)
    tier = RatingsTier(engine, clock, serve(handlers.HANDLERS, deps, errors=handlers.ERRORS,
                                            db=db, idempotency=sql.idempotency))
    await tier.refresh()  # as the service does at start
    return tier


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
