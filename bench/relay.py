"""(a) The outbox relay against raw JetStream `publish_async` of same-sized messages."""

import asyncio
import time
from uuid import uuid4

import asyncpg
import sqlalchemy as sa
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import events
from bench.infra import Servers
from bench.report import Figure, Report
from kit import bus
from kit.db import asyncpg_dsn, create_schema, make_engine
from kit.eventstore import EventStore
from kit.outbox import FETCH, OutboxRelay, message

SCHEMA = "benchrelay"
RAW_STREAM, RAW_SUBJECT = "BENCH_RAW", "benchraw.post.created"
EVENTS_PER_TRANSACTION = 1000
TARGET = 0.60
TRIALS = 3


async def bench(servers: Servers, report: Report, n: int) -> None:
    """Fill an outbox with TRIALS x `n` events, then alternate raw publishing and the relay."""
    engine = make_engine(servers.database_url, 2)
    nc_raw = await bus.connect(servers.nats_url, "bench-raw")
    nc_relay = await bus.connect(servers.nats_url, "bench-relay")
    js = nc_raw.jetstream()
    try:
        await bus.ensure_streams(js)
        await js.add_stream(StreamConfig(  # what kit.bus gives every stream, on its own subject
            name=RAW_STREAM, subjects=[RAW_SUBJECT], storage=StorageType.FILE,
            duplicate_window=bus.DUPLICATE_WINDOW_S))
        store = EventStore(sa.MetaData(schema=SCHEMA), "bench")
        await create_schema(engine, store.events.metadata)
        async with engine.begin() as conn:
            await store.prepare(conn)
        report.add(await append_events(engine, store, n * TRIALS))
        payload, headers = await sample_message(servers.database_url)
        await raw_publish(js, 1000, payload)  # warm-up
        relay = Relay(servers.database_url, nc_relay)
        raws, with_ids, relayed = [], [], []
        try:
            for _ in range(TRIALS):  # interleaved, so that drifts hit both sides alike
                raws.append(await raw_publish(js, n, payload))
                with_ids.append(await raw_publish(js, n, payload, headers))
                relayed.append(await relay.drain(n))
        finally:
            await relay.close()
        raw, ours = median(raws), median(relayed)
        report.add(raw, median(with_ids), ours)
        report.compare("(a) outbox relay / raw publish_async", ours, raw, TARGET)
        report.notes.append(f"(a) median of {TRIALS} interleaved trials; messages of "
                            f"{len(payload)} bytes; the relay adds {len(headers)} headers "
                            "(Nats-Msg-Id, event type, traceparent)")
    finally:
        await js.delete_stream(RAW_STREAM)
        await nc_raw.close()
        await nc_relay.close()
        await engine.dispose()


def median(figures: list[Figure]) -> Figure:
    return sorted(figures, key=lambda f: f.rate)[len(figures) // 2]


async def append_events(engine: AsyncEngine, store: EventStore, n: int) -> Figure:
    started = time.perf_counter()
    for first in range(0, n, EVENTS_PER_TRANSACTION):
        batch = [events.post() for _ in range(min(EVENTS_PER_TRANSACTION, n - first))]
        async with engine.begin() as conn:
            await store.append(conn, f"bench-{first}", 0, batch, events.metadata())
    return Figure(f"event store append ({EVENTS_PER_TRANSACTION}/transaction)", n,
                  time.perf_counter() - started, "evt/s")


async def sample_message(database_url: str) -> tuple[bytes, dict[str, str]]:
    """The payload and headers the relay will send for the oldest outbox row."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        (row,) = await conn.fetch(FETCH.format(schema=SCHEMA), 1, [])
    finally:
        await conn.close()
    return message(row)


async def raw_publish(js: JetStreamContext, n: int, payload: bytes,
                      headers: dict[str, str] | None = None) -> Figure:
    """`n` pipelined publishes, all acknowledged; with `headers`, each has its own msg id."""
    # Built before the clock starts: the relay reads its ids from the database.
    each = [{**headers, "Nats-Msg-Id": str(uuid4())} if headers else None for _ in range(n)]
    started = time.perf_counter()
    futures = []
    for extra in each:
        futures.append(await js.publish_async(RAW_SUBJECT, payload, headers=extra))
    await asyncio.gather(*futures)
    name = "raw js.publish_async" + (" + relay headers" if headers else "")
    return Figure(name, n, time.perf_counter() - started, "msg/s")


class Relay:
    """The relay's own rounds (`drain`, as `OutboxRelay.run` calls it)."""

    def __init__(self, database_url: str, nc: Client) -> None:
        self.relay = OutboxRelay(asyncpg_dsn(database_url), SCHEMA, nc, "bench")
        self.conn: asyncpg.Connection | None = None

    async def drain(self, n: int) -> Figure:
        """Publish at least `n` events (whole batches) from the outbox."""
        if self.conn is None:
            self.conn = await asyncpg.connect(
                self.relay.dsn, server_settings={"application_name": "pu-relay"})
        published = 0
        started = time.perf_counter()
        while published < n:
            batch = await self.relay.drain(self.conn, limit=n - published)
            if not batch:
                raise RuntimeError(f"the outbox ran dry after {published} of {n} events")
            published += batch
        return Figure(f"outbox relay (batch {self.relay.batch_size})", published,
                      time.perf_counter() - started, "msg/s")

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
