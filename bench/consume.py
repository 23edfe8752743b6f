"""(b) The projection runner against a raw pull consumer, both reading all of PU_FEED."""

import asyncio
import contextlib
import dataclasses
import time

from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench import events
from bench.infra import Servers
from bench.report import Figure, Report
from contracts.envelope import Envelope
from contracts.events import Event
from contracts.feed.events import PostCreated
from contracts.registry import ALL
from feed import projections
from feed.adapters import sql as feed_sql
from kit import bus, personal
from kit.db import create_schema, make_engine
from kit.projection import ACK_WAIT_S, Projection, ProjectionRunner, wait_for

STREAM = "PU_FEED"
BATCH = 256
TARGET = 0.50
TIMEOUT_S = 120.0


async def bench(servers: Servers, report: Report, n: int) -> None:
    """Time a raw consumer, then the feed's projections, over the same `n` messages."""
    nc = await bus.connect(servers.nats_url, "bench-consume")
    js = nc.jetstream()
    engine = make_engine(servers.database_url, 5)  # the feed worker's pool
    try:
        await bus.ensure_streams(js)
        last = await fill_stream(js, n)
        raw = await raw_consume(js, last)
        await create_schema(engine, personal.metadata, feed_sql.metadata)
        data = personal.PersonalData(personal.master_key_from(personal.new_master_key()))
        idle = await project(engine, nc, no_op(), last)
        stats = await project(engine, nc, projections.community_stats(), last)
        timeline = await project(engine, nc, projections.timeline(data), last)
        report.add(raw, idle, stats, timeline)
        report.compare("(b) projection community-stats / raw pull", stats, raw, TARGET)
        report.compare("(b) projection timeline / raw pull", timeline, raw, TARGET)
    finally:
        # The platform started in (c) must not replay the bench's events.
        with contextlib.suppress(Exception):
            await js.purge_stream(STREAM)
        await nc.close()
        await engine.dispose()


def no_op() -> Projection:
    """The runner's own cost: decoding, tracking and acks, with nothing to do."""

    async def ignore(conn: AsyncConnection, run: list[tuple[Event, Envelope]]) -> None:
        return None

    return Projection(service="bench", name="no-op", handlers={PostCreated: ignore},
                      tables=[], registry=ALL)


async def fill_stream(js: JetStreamContext, n: int) -> int:
    """Exactly `n` PostCreated envelopes, as the relay publishes them, on the emptied stream."""
    await js.purge_stream(STREAM)
    futures = []
    for i in range(n):
        subject, payload, headers = events.published(position=i + 1)
        futures.append(await js.publish_async(subject, payload, headers=headers))
    await asyncio.gather(*futures)
    return (await js.stream_info(STREAM)).state.last_seq


def consumer_config(durable: str) -> ConsumerConfig:
    """The projection runner's consumer settings (kit/projection.py), for a fair baseline."""
    return ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT,
                          deliver_policy=DeliverPolicy.ALL, ack_wait=ACK_WAIT_S,
                          max_ack_pending=10_000)


async def raw_consume(js: JetStreamContext, last: int) -> Figure:
    """Fetch batches of 256 and ack each message, up to stream sequence `last`."""
    durable, count, seq = "bench-raw-pull", 0, 0
    started = time.perf_counter()
    await js.add_consumer(STREAM, consumer_config(durable))
    sub = await js.pull_subscribe_bind(durable, stream=STREAM)
    async with asyncio.timeout(TIMEOUT_S):
        while seq < last:
            try:
                messages = await sub.fetch(BATCH, timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                continue
            for msg in messages:
                await msg.ack()
                count, seq = count + 1, msg.metadata.sequence.stream
    seconds = time.perf_counter() - started
    await sub.unsubscribe()
    await js.delete_consumer(STREAM, durable)
    return Figure(f"raw pull consumer (fetch {BATCH}, ack each)", count, seconds, "msg/s")


async def project(engine: AsyncEngine, nc: Client, projection: Projection,
                  last: int) -> Figure:
    """Run a fresh ProjectionRunner until it has handled the stream up to `last`."""
    # A durable of the bench's own, so that no platform's consumer is disturbed.
    projection = dataclasses.replace(projection, service="bench")
    js = nc.jetstream()
    runner = ProjectionRunner([projection], engine, nc, feed_sql.tracking)
    first = (await js.stream_info(STREAM)).state.first_seq
    started = time.perf_counter()
    await runner.start()
    try:
        await wait_for(js, projection.durable, STREAM, last, timeout=TIMEOUT_S)
        seconds = time.perf_counter() - started
    finally:
        await runner.stop()
    for stream in projection.streams:
        await js.delete_consumer(stream, projection.durable)
    return Figure(f"projection runner, {projection.name} (batch {runner.batch_size})",
                  last - first + 1, seconds, "msg/s")
