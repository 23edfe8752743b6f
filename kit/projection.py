"""The projection runner: durable JetStream pull consumers feeding read models.

Each projection records every handled event id in the same transaction as its read-model
change (a redelivery changes nothing); how far it got is the consumer's ack floor (what
`wait_for` watches) and the `pu_projection_checkpoint` gauge. Messages are handled in
batches, one transaction per batch; when a batch fails, its messages are retried one by
one so that a poison message alone is redelivered and, after `max_deliver` tries, sent to
the dead-letter subject.
"""

import asyncio
import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from contracts.subjects import context_of, dead_letter, stream_name
from kit.db import unavailable
from kit.jetstream import ContinuousPull
from kit.logging import get_logger
from kit.metrics import PROJECTION_EVENTS, PROJECTION_LAG
from kit.readmodels import Handler, OneHandler, ReadModel, one_by_one, reshaped
from kit.sql import Statement
from kit.telemetry import context_from, tracer

__all__ = ["Handler", "OneHandler", "Projection", "ProjectionRunner", "one_by_one",
           "tracking_table", "wait_for"]
TRACER = tracer(__name__)

log = get_logger(__name__)


# How long a fetched message may stay unacknowledged (a crashed consumer's batch comes
# back after this). A batch takes well under a second; ten leaves a wide margin.
ACK_WAIT_S = 10.0

def tracking_table(metadata: sa.MetaData) -> sa.Table:
    """The handled-event table, in a service's schema: one row per (projection, event)."""
    return sa.Table(
        "projection_handled", metadata,
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Uuid, primary_key=True),
    )


@dataclass(frozen=True)
class Projection(ReadModel):
    """A read model fed by events from the streams, in any service."""

    service: str = ""

    @property
    def durable(self) -> str:
        return f"{self.service}-{self.name}"

    @property
    def streams(self) -> list[str]:
        return sorted({stream_name(context_of(e.subject)) for e in self.handlers})

    def subjects(self, stream: str) -> list[str]:
        """The subjects of `stream` this projection handles, every stored version of each
        handled event included: its consumer is given only those (a projection of a few
        events of a busy stream need not be woken, nor track, for every other event)."""
        handled = {e.event_type for e in self.handlers}
        kinds = [*self.handlers, *(e for e in self.registry.classes if e.event_type in handled)]
        return sorted({e.subject for e in kinds if stream_name(context_of(e.subject)) == stream})


@dataclass
class ProjectionRunner:
    """Runs one projection: one consumer loop per stream it reads."""

    projection: Projection
    engine: AsyncEngine
    nc: Client
    handled: sa.Table
    batch_size: int = 256
    max_deliver: int = 5
    retry_delay: float = 0.5
    _tasks: list[asyncio.Task] = field(default_factory=list)
    _running: bool = False

    def __post_init__(self) -> None:
        self.js = self.nc.jetstream()
        # One statement for a whole batch: the ids that were not handled before come back.
        table = f'"{self.handled.schema}"."{self.handled.name}"'
        # Every batch of every projection makes it: compiled once (kit.sql).
        self._track = Statement(sa.text(
            f"INSERT INTO {table} (projection, event_id) SELECT :projection, unnest(:ids)"
            " ON CONFLICT DO NOTHING RETURNING event_id").bindparams(
                sa.bindparam("projection", type_=sa.Text),
                sa.bindparam("ids", type_=ARRAY(sa.Uuid))))

    async def start(self) -> None:
        """Consume from where the projection got to; from the start of its streams when its
        tables changed shape since it last ran (dropped and made again, kit.readmodels)."""
        name = self.projection.name

        async def forget(conn: AsyncConnection) -> int:
            result = await conn.execute(self.handled.delete().where(
                self.handled.c.projection == name))
            return result.rowcount
        if self.projection.tables and await reshaped(self.engine, self.projection.durable,
                                                     self.projection.tables, forget):
            for stream in self.projection.streams:
                with contextlib.suppress(NotFoundError):
                    await self.js.delete_consumer(stream, self.projection.durable)
        self._running = True
        for stream in self.projection.streams:
            pull = await self._subscribe(stream)
            self._tasks.append(asyncio.create_task(self._consume(stream, pull)))

    async def stop(self) -> None:
        # A flag as well as cancel(): nats-py's fetch can turn a cancellation into a timeout.
        self._running = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def rebuild(self) -> None:
        """Drop the read model and replay every event from the streams."""
        await self.stop()
        for stream in self.projection.streams:
            with contextlib.suppress(NotFoundError):
                await self.js.delete_consumer(stream, self.projection.durable)
        async with self.engine.begin() as conn:
            for table in self.projection.tables:
                await conn.execute(table.delete())
            name = self.projection.name
            await conn.execute(self.handled.delete().where(self.handled.c.projection == name))
        log.info("projection_rebuilding", projection=self.projection.durable)
        await self.start()

    async def _subscribe(self, stream: str) -> ContinuousPull:
        # A durable made before its projection handled these events (or others) is updated
        # in place: it keeps its position, and the tracking table makes any replay harmless.
        config = ConsumerConfig(
            durable_name=self.projection.durable, ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL, ack_wait=ACK_WAIT_S, max_ack_pending=10_000,
            filter_subjects=self.projection.subjects(stream))
        await self.js.add_consumer(stream, config)
        pull = ContinuousPull(self.nc, stream, self.projection.durable, self.batch_size)
        await pull.start()
        return pull

    async def _consume(self, stream: str, pull: ContinuousPull) -> None:
        """Batches of what has arrived: the next messages travel while one is handled."""
        try:
            while self._running:
                messages = await pull.next_batch(timeout=1.0)
                if messages:
                    await self._handle_safely(stream, messages)
        finally:
            await pull.stop()

    async def _handle_safely(self, stream: str, messages: list[Msg]) -> None:
        try:
            await self.handle_batch(stream, messages)
        except Exception as error:  # the database is away: let the messages come back
            log.warning("projection_batch_failed", projection=self.projection.durable,
                        error=type(error).__name__, detail=str(error)[:200])
            await asyncio.sleep(self.retry_delay)

    async def handle_batch(self, stream: str, messages: Sequence[Msg]) -> None:
        decoded: list[tuple[Msg, Envelope]] = []
        for msg in messages:
            try:
                decoded.append((msg, Envelope.model_validate_json(msg.data)))
            except ValueError as error:
                await self._dead_letter(stream, msg, error)
        try:
            async with self.engine.begin() as conn:
                await self._apply(conn, stream, decoded)
        except Exception:
            await self._one_by_one(stream, decoded)
            return
        for msg, _ in decoded:
            await msg.ack()

    async def _one_by_one(self, stream: str, decoded: list[tuple[Msg, Envelope]]) -> None:
        for msg, envelope in decoded:
            try:
                async with self.engine.begin() as conn:
                    await self._apply(conn, stream, [(msg, envelope)])
            except Exception as error:
                # The database away (down, restarting, the connection lost: SQLAlchemy's
                # wrapping seen through) is no message's fault: every one comes back, none
                # counts a try towards the dead letters.
                if unavailable(error):
                    for pending, _ in decoded:
                        await pending.nak(delay=self.retry_delay)
                    raise
                await self._failed(stream, msg, error)
            else:
                await msg.ack()

    async def _apply(self, conn: AsyncConnection, stream: str,
                     batch: list[tuple[Msg, Envelope]]) -> None:
        if not batch:
            return
        inserted = await self._track.rows(conn, projection=self.projection.name,
                                          ids=[env.event_id for _, env in batch])
        new = {event_id for (event_id,) in inserted}
        fresh = [envelope for _, envelope in batch if envelope.event_id in new]
        for event_type, run in itertools.groupby(fresh, key=lambda e: e.event_type):
            await self._handle(conn, event_type, list(run))
        seq = batch[-1][0].metadata.sequence.stream  # a batch comes in stream order
        PROJECTION_LAG.labels(self.projection.durable, stream).set(seq)
        PROJECTION_EVENTS.labels(self.projection.durable, "handled").inc(len(new))
        PROJECTION_EVENTS.labels(self.projection.durable, "duplicate").inc(len(batch) - len(new))

    async def _handle(self, conn: AsyncConnection, event_type: str,
                      envelopes: list[Envelope]) -> None:
        """One run of consecutive events of one type, in one span that continues the first
        event's trace (under live traffic a run is mostly one event)."""
        handler = self.projection.handler_for(event_type)
        if handler is None:
            return  # a tolerant reader: other events of the stream pass by
        run = [(self.projection.registry.decode(e), e) for e in envelopes]
        with TRACER.start_as_current_span(f"project {event_type}",
                                          context=context_from(envelopes[0].trace),
                                          attributes={"events": len(run)}):
            await handler(conn, run)

    async def _failed(self, stream: str, msg: Msg, error: Exception) -> None:
        tries = msg.metadata.num_delivered or 1
        log.warning("projection_event_failed", projection=self.projection.durable,
                    tries=tries, error=type(error).__name__, detail=str(error)[:200])
        if tries >= self.max_deliver:
            await self._dead_letter(stream, msg, error)
        else:
            await msg.nak(delay=self.retry_delay * tries)

    async def _dead_letter(self, stream: str, msg: Msg, error: Exception) -> None:
        """Park the message on the dead-letter subject and let the stream flow on."""
        headers = {**(msg.headers or {}), "Pu-Error": f"{type(error).__name__}: {error}"[:500],
                   "Pu-Source-Stream": stream,
                   "Pu-Source-Seq": str(msg.metadata.sequence.stream)}
        msg_id = (msg.headers or {}).get("Nats-Msg-Id")
        if msg_id:
            headers["Nats-Msg-Id"] = f"{self.projection.durable}:{msg_id}"
        await self.js.publish(dead_letter(self.projection.service, self.projection.name),
                              msg.data, headers=headers)
        PROJECTION_LAG.labels(self.projection.durable, stream).set(msg.metadata.sequence.stream)
        await msg.ack()
        PROJECTION_EVENTS.labels(self.projection.durable, "dead_lettered").inc()
        log.error("projection_dead_lettered", projection=self.projection.durable,
                  stream=stream, seq=msg.metadata.sequence.stream)


async def handled_up_to(js: JetStreamContext, durable: str, stream: str) -> int:
    """The stream sequence up to which the projection has handled every message it is
    given (its consumer takes only the subjects it handles).

    The consumer's ack floor, not the highest sequence handled: messages are acknowledged
    only after their transaction commits, and a batch lost in a crash is redelivered later
    than the batches after it. The ack floor stops at the last message of the projection's
    subjects; when nothing is left to deliver or to acknowledge and nothing delivered lies
    above the floor, every message the stream held when asked is behind the projection,
    those of other subjects included.
    """
    try:
        last = (await js.stream_info(stream)).state.last_seq  # before the consumer's state
        info = await js.consumer_info(stream, durable)
    except NotFoundError:
        return 0
    floor = info.ack_floor.stream_seq if info.ack_floor else 0
    delivered = info.delivered.stream_seq if info.delivered else 0
    # Nothing left to deliver, nothing unacknowledged, and nothing given back to come again
    # (a message handed back stays above the ack floor): every message is behind it.
    if not info.num_pending and not info.num_ack_pending and delivered <= floor:
        return max(floor, last)
    return floor


async def wait_for(js: JetStreamContext, durable: str, stream: str, seq: int,
                   timeout: float = 30.0) -> None:
    """Wait until projection `durable` has handled `stream` up to `seq` (tests use this)."""
    async with asyncio.timeout(timeout):
        while await handled_up_to(js, durable, stream) < seq:
            await asyncio.sleep(0.02)
