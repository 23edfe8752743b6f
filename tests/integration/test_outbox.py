"""The outbox relay against real NATS and Postgres: order, gaps, outages, leadership."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import sqlalchemy as sa
from nats.aio.client import Client
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope
from contracts.feed.events import PostCreated
from kit.db import asyncpg_dsn, create_schema
from kit.embedded import EmbeddedNats
from kit.eventstore import EventStore
from kit.metrics import OUTBOX_FAILURES
from kit.outbox import OutboxRelay
from tests.platform import eventually

SCHEMA = "relay_test"


def post(n: int) -> PostCreated:
    return PostCreated(post_id=uuid4(), author_id=uuid4(), community="diabetes",
                       kind="discussion", body=f"post {n}", language="en")


@pytest.fixture
async def store(engine: AsyncEngine) -> EventStore:
    store = EventStore(sa.MetaData(schema=SCHEMA), "test")
    await create_schema(engine, store.events.metadata)
    async with engine.begin() as conn:
        await store.prepare(conn)
    return store


@contextlib.asynccontextmanager
async def relaying(relay: OutboxRelay) -> AsyncIterator[OutboxRelay]:
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def relay_for(database_url: str, nc: Client, **options: float) -> OutboxRelay:
    return OutboxRelay(asyncpg_dsn(database_url), SCHEMA, nc, "test",
                       **options)  # type: ignore[arg-type]


async def published(nc: Client) -> list[Envelope]:
    """Every message on the feed stream, in stream order."""
    js = nc.jetstream()
    info = await js.stream_info("PU_FEED")
    messages = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        raw = await js.get_msg("PU_FEED", seq)
        messages.append(Envelope.model_validate_json(raw.data or b""))
    return messages


async def outbox_size(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.text(f"SELECT count(*) FROM {SCHEMA}.outbox")) or 0)


async def append(engine: AsyncEngine, store: EventStore, stream: str, count: int) -> None:
    async with engine.begin() as conn:
        await store.append(conn, stream, 0, [post(n) for n in range(count)])


async def test_many_concurrent_writers_lose_nothing_and_keep_each_stream_in_order(
        engine: AsyncEngine, store: EventStore, database_url: str, nc: Client) -> None:
    async def writer(w: int) -> None:
        for version in range(20):
            async with engine.begin() as conn:
                await store.append(conn, f"post-{w}", version, [post(version)])

    async with relaying(relay_for(database_url, nc, batch_size=50, poll_interval=0.05)):
        await asyncio.gather(*(writer(w) for w in range(15)))
        await eventually(lambda: _drained(engine))
    messages = await published(nc)
    assert len(messages) == 300 == len({m.event_id for m in messages})
    for w in range(15):
        versions = [m.stream_version for m in messages if m.stream_id == f"post-{w}"]
        assert versions == list(range(1, 21))


async def _drained(engine: AsyncEngine) -> bool:
    return await outbox_size(engine) == 0


async def test_events_committed_while_nats_is_down_flow_in_order_when_it_returns(
        engine: AsyncEngine, store: EventStore, database_url: str, nc: Client,
        nats_server: EmbeddedNats) -> None:
    async with relaying(relay_for(database_url, nc, poll_interval=0.05, ack_timeout=1.0)):
        await append(engine, store, "post-a", 3)
        await eventually(lambda: _drained(engine))
        nats_server.kill()
        failures = OUTBOX_FAILURES.labels("test")._value.get()
        await append(engine, store, "post-b", 50)
        await eventually(lambda: _failed_since(failures))  # the relay tries, and fails
        assert await outbox_size(engine) == 50
        nats_server.start()
        await eventually(lambda: _drained(engine))
    messages = await published(nc)
    assert [m.stream_id for m in messages] == ["post-a"] * 3 + ["post-b"] * 50
    assert [m.stream_version for m in messages if m.stream_id == "post-b"] == list(range(1, 51))
    assert [m.position for m in messages] == sorted(m.position for m in messages)


async def test_a_resent_batch_is_absorbed_by_jetstream_deduplication(
        engine: AsyncEngine, store: EventStore, database_url: str, nc: Client) -> None:
    await append(engine, store, "post-c", 10)
    async with engine.connect() as conn:
        outbox_rows = (await conn.execute(sa.text(f"SELECT * FROM {SCHEMA}.outbox"))).all()
    async with relaying(relay_for(database_url, nc, poll_interval=0.05)):
        await eventually(lambda: _drained(engine))
    # A crash after publishing but before deleting: the same rows come back.
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"INSERT INTO {SCHEMA}.outbox VALUES (:position, :subject)"),
                           [r._asdict() for r in outbox_rows])
    async with relaying(relay_for(database_url, nc, poll_interval=0.05)):
        await eventually(lambda: _drained(engine))
    assert len(await published(nc)) == 10


async def test_only_one_relay_publishes_at_a_time(
        engine: AsyncEngine, store: EventStore, database_url: str, nc: Client) -> None:
    first = relay_for(database_url, nc, poll_interval=0.05)
    second = relay_for(database_url, nc, poll_interval=0.05)
    async with relaying(first):
        await eventually(lambda: _leads(first))
        async with relaying(second):
            await eventually(lambda: _relay_connections(engine, 2))  # the second stands by
            assert first.is_leader and not second.is_leader
            await append(engine, store, "post-d", 5)
            await eventually(lambda: _drained(engine))
    async with relaying(second):
        await eventually(lambda: _leads(second))
        await append(engine, store, "post-e", 5)
        await eventually(lambda: _drained(engine))
    assert len(await published(nc)) == 10


async def _leads(relay: OutboxRelay) -> bool:
    return relay.is_leader


async def _failed_since(before: float) -> bool:
    return OUTBOX_FAILURES.labels("test")._value.get() > before


async def _relay_connections(engine: AsyncEngine, count: int) -> bool:
    async with engine.connect() as conn:
        found = await conn.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pu-relay'"
            " AND datname = current_database()"))
    return found == count
