"""The projection runner: durable JetStream pull consumers feeding read models.

Each projection records every handled event id in the same transaction as its read-model
change (a redelivery changes nothing); how far it got is the consumer's ack floor (what
`wait_for` watches) and the `pu_projection_checkpoint` gauge. A process's projections share
one consumer per stream, and messages are handled in batches, one transaction per batch
for all of them; when a batch fails, its messages are retried one by one so that a poison
message alone is redelivered and, after `max_deliver` tries, sent to the dead-letter
subject of the projection that could not handle it.
"""

import asyncio
import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from nats.aio.client import Client
from nats.aio.msg import Msg
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
from kit.progress import handled_up_to, wait_for
from kit.readmodels import Handler, OneHandler, ReadModel, one_by_one, reshaped
from kit.sql import Statement
from kit.telemetry import context_from, tracer

__all__ = ["Handler", "OneHandler", "Projection", "ProjectionRunner", "handled_up_to",
           "one_by_one", "tracking_table", "wait_for"]
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
    """Runs a process's projections on one durable consumer per stream they read: each
    batch is applied to every projection in one transaction (one BEGIN, one statement of
    tracking rows, one COMMIT and one acknowledgement per message, however many
    projections), and a message is given once to the process, not once per projection.

    A projection that fails on a message does not hold the others back: retried one by one,
    each projection applies the message in a savepoint of its own, those that succeed
    commit (their tracking rows make the redelivery harmless to them), and the message
    comes back for the one that failed, until it is dead-lettered on that projection's
    subject after `max_deliver` tries."""

    projections: Sequence[Projection]
    engine: AsyncEngine
    nc: Client
    handled: sa.Table
    durable: str = ""  # the consumer, shared by the process's replicas; one projection's own
    batch_size: int = 256
    max_deliver: int = 5
    retry_delay: float = 0.5
    _tasks: list[asyncio.Task] = field(default_factory=list)
    _running: bool = False

    def __post_init__(self) -> None:
        if not self.durable:
            if len(self.projections) != 1:
                raise ValueError("projections sharing a consumer need its name")
            self.durable = self.projections[0].durable
        self.js = self.nc.jetstream()
        self.streams = sorted({s for p in self.projections for s in p.streams})
        # One statement for a whole batch: the (projection, event) pairs not handled before
        # come back. Every batch makes it: compiled once (kit.sql).
        table = f'"{self.handled.schema}"."{self.handled.name}"'
        self._track = Statement(sa.text(
            f"INSERT INTO {table} (projection, event_id) SELECT * FROM unnest(:projections, "
            ":ids) ON CONFLICT DO NOTHING RETURNING projection, event_id").bindparams(
                sa.bindparam("projections", type_=ARRAY(sa.Text)),
                sa.bindparam("ids", type_=ARRAY(sa.Uuid))))

    async def start(self) -> None:
        """Consume from where the projections got to; from the start of the streams when one
        of them was made again (its tables changed shape since it last ran, kit.readmodels):
        the others' tracking rows make the replay harmless to them."""
        replay = False
        for projection in self.projections:
            replay |= await self._reshaped(projection)
        if replay:
            await self._delete_consumers()
        for projection in self.projections:  # consumers of an earlier release, one each
            if projection.durable != self.durable:
                await self._delete_consumers(projection.durable, projection.streams)
        self._running = True
        for stream in self.streams:
            pull = await self._subscribe(stream)
            self._tasks.append(asyncio.create_task(self._consume(stream, pull)))

    async def _reshaped(self, projection: Projection) -> bool:
        async def forget(conn: AsyncConnection) -> int:
            result = await conn.execute(self.handled.delete().where(
                self.handled.c.projection == projection.name))
            return result.rowcount
        return bool(projection.tables) and await reshaped(
            self.engine, projection.durable, projection.tables, forget)

    async def _delete_consumers(self, durable: str | None = None,
                                streams: Sequence[str] | None = None) -> None:
        for stream in streams or self.streams:
            with contextlib.suppress(NotFoundError):
                await self.js.delete_consumer(stream, durable or self.durable)

    async def stop(self) -> None:
        # A flag as well as cancel(): nats-py's fetch can turn a cancellation into a timeout.
        self._running = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def rebuild(self, name: str) -> None:
        """Drop projection `name`'s read model and replay every event from the streams (the
        other projections of the consumer see the replay as redeliveries)."""
        projection = next(p for p in self.projections if p.name == name)
        await self.stop()
        await self._delete_consumers()
        async with self.engine.begin() as conn:
            for table in projection.tables:
                await conn.execute(table.delete())
            await conn.execute(self.handled.delete().where(self.handled.c.projection == name))
        log.info("projection_rebuilding", projection=projection.durable)
        await self.start()

    async def _subscribe(self, stream: str) -> ContinuousPull:
        # A durable made before its projections handled these events (or others) is updated
        # in place: it keeps its position, and the tracking table makes any replay harmless.
        subjects = sorted({s for p in self.projections for s in p.subjects(stream)})
        config = ConsumerConfig(
            durable_name=self.durable, ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL, ack_wait=ACK_WAIT_S, max_ack_pending=10_000,
            filter_subjects=subjects)
        await self.js.add_consumer(stream, config)
        pull = ContinuousPull(self.nc, stream, self.durable, self.batch_size)
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
            log.warning("projection_batch_failed", projection=self.durable,
                        error=type(error).__name__, detail=str(error)[:200])
            await asyncio.sleep(self.retry_delay)

    async def handle_batch(self, stream: str, messages: Sequence[Msg]) -> None:
        decoded: list[tuple[Msg, Envelope]] = []
        for msg in messages:
            try:
                decoded.append((msg, Envelope.model_validate_json(msg.data)))
            except ValueError as error:
                await self._dead_letter(stream, msg, error, [
                    p for p in self.projections if msg.subject in p.subjects(stream)])
                await msg.ack()
        try:
            async with self.engine.begin() as conn:
                await self._apply(conn, stream, decoded, self.projections)
        except Exception:
            await self._one_by_one(stream, decoded)
            return
        for msg, _ in decoded:
            await msg.ack()

    async def _one_by_one(self, stream: str, decoded: list[tuple[Msg, Envelope]]) -> None:
        for msg, envelope in decoded:
            try:
                async with self.engine.begin() as conn:
                    failed = await self._apply_apart(conn, stream, msg, envelope)
            except Exception as error:
                # The database away (down, restarting, the connection lost: SQLAlchemy's
                # wrapping seen through) is no message's fault: every one comes back, none
                # counts a try towards the dead letters.
                if unavailable(error):
                    for pending, _ in decoded:
                        await pending.nak(delay=self.retry_delay)
                    raise
                failed = [(p, error) for p in self._interested(envelope)]
            if failed:
                await self._failed(stream, msg, failed)
            else:
                await msg.ack()

    async def _apply_apart(self, conn: AsyncConnection, stream: str, msg: Msg,
                           envelope: Envelope) -> list[tuple[Projection, Exception]]:
        """The message applied to each projection in a savepoint of its own: the ones that
        failed, with why."""
        failed: list[tuple[Projection, Exception]] = []
        for projection in self._interested(envelope):
            try:
                async with conn.begin_nested():
                    await self._apply(conn, stream, [(msg, envelope)], [projection])
            except Exception as error:
                if unavailable(error):
                    raise
                failed.append((projection, error))
        return failed

    def _interested(self, envelope: Envelope) -> list[Projection]:
        return [p for p in self.projections if p.handler_for(envelope.event_type) is not None]

    async def _apply(self, conn: AsyncConnection, stream: str,
                     batch: list[tuple[Msg, Envelope]],
                     projections: Sequence[Projection]) -> None:
        if not batch:
            return
        pairs = [(p, envelope) for _, envelope in batch for p in projections
                 if p.handler_for(envelope.event_type) is not None]
        inserted = await self._track.rows(conn, projections=[p.name for p, _ in pairs],
                                          ids=[envelope.event_id for _, envelope in pairs])
        new = {(name, event_id) for name, event_id in inserted}
        seq = batch[-1][0].metadata.sequence.stream  # a batch comes in stream order
        for projection in projections:
            mine = [e for p, e in pairs if p is projection]
            fresh = [e for e in mine if (projection.name, e.event_id) in new]
            for event_type, run in itertools.groupby(fresh, key=lambda e: e.event_type):
                await self._handle(conn, projection, event_type, list(run))
            PROJECTION_LAG.labels(projection.durable, stream).set(seq)
            PROJECTION_EVENTS.labels(projection.durable, "handled").inc(len(fresh))
            PROJECTION_EVENTS.labels(projection.durable, "duplicate").inc(len(mine) - len(fresh))

    @staticmethod
    async def _handle(conn: AsyncConnection, projection: Projection, event_type: str,
                      envelopes: list[Envelope]) -> None:
        """One run of consecutive events of one type, in one span that continues the first
        event's trace (under live traffic a run is mostly one event)."""
        handler = projection.handler_for(event_type)
        assert handler is not None  # the consumer is given only handled subjects
        run = [(projection.registry.decode(e), e) for e in envelopes]
        with TRACER.start_as_current_span(f"project {event_type}",
                                          context=context_from(envelopes[0].trace),
                                          attributes={"events": len(run),
                                                      "projection": projection.name}):
            await handler(conn, run)

    async def _failed(self, stream: str, msg: Msg,
                      failed: list[tuple[Projection, Exception]]) -> None:
        tries = msg.metadata.num_delivered or 1
        for projection, error in failed:
            log.warning("projection_event_failed", projection=projection.durable,
                        tries=tries, error=type(error).__name__, detail=str(error)[:200])
        if tries < self.max_deliver:
            await msg.nak(delay=self.retry_delay * tries)
            return
        for projection, error in failed:
            await self._dead_letter(stream, msg, error, [projection])
        await msg.ack()

    async def _dead_letter(self, stream: str, msg: Msg, error: Exception,
                           projections: Sequence[Projection]) -> None:
        """Park the message on the dead-letter subject of each projection and let the
        stream flow on."""
        for projection in projections:
            headers = {**(msg.headers or {}),
                       "Pu-Error": f"{type(error).__name__}: {error}"[:500],
                       "Pu-Source-Stream": stream,
                       "Pu-Source-Seq": str(msg.metadata.sequence.stream)}
            msg_id = (msg.headers or {}).get("Nats-Msg-Id")
            if msg_id:
                headers["Nats-Msg-Id"] = f"{projection.durable}:{msg_id}"
            await self.js.publish(dead_letter(projection.service, projection.name),
                                  msg.data, headers=headers)
            PROJECTION_LAG.labels(projection.durable, stream).set(msg.metadata.sequence.stream)
            PROJECTION_EVENTS.labels(projection.durable, "dead_lettered").inc()
            log.error("projection_dead_lettered", projection=projection.durable,
                      stream=stream, seq=msg.metadata.sequence.stream)
