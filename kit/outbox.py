"""The outbox relay: committed events to JetStream, in order, at least once.

One relay per service publishes at a time (a Postgres advisory lock held on the relay's own
connection; a standby waits for it). Each round reads the oldest outbox rows, publishes
them pipelined with `Nats-Msg-Id` = event id, and deletes only the rows whose publish
JetStream acknowledged, so a crash or an outage means a re-send that JetStream's
de-duplication absorbs, never a loss. Rows are deleted one by one rather than passed by a
"position" checkpoint: a row that commits late with a smaller position is still sent.
"""

import asyncio
import collections
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import orjson
from nats.aio.client import Client

from kit.eventstore import outbox_channel
from kit.jetstream import AckedPublisher
from kit.logging import get_logger
from kit.metrics import OUTBOX_FAILURES, OUTBOX_LEADER, OUTBOX_PENDING, OUTBOX_PUBLISHED

log = get_logger(__name__)

FETCH = """
SELECT o.position, o.subject, e.event_id, e.event_type, e.schema_version, e.stream_id,
       e.version, e.occurred_at, e.actor, e.correlation_id, e.causation_id,
       e.trace::text AS trace, e.data::text AS data
FROM {schema}.outbox o JOIN {schema}.events e USING (position)
WHERE o.position <> ALL($2::bigint[])
ORDER BY o.position LIMIT $1
"""
# Batches published before the oldest one's acknowledgements are awaited.
IN_FLIGHT = 3


def message(row: asyncpg.Record) -> tuple[bytes, dict[str, str]]:
    """The published envelope and headers of one outbox row, without re-parsing its data."""
    payload = orjson.dumps({
        "event_id": str(row["event_id"]), "event_type": row["event_type"],
        "schema_version": row["schema_version"], "stream_id": row["stream_id"],
        "stream_version": row["version"], "position": row["position"],
        "occurred_at": row["occurred_at"], "actor": row["actor"],
        "correlation_id": row["correlation_id"], "causation_id": row["causation_id"],
        "trace": orjson.Fragment(row["trace"]), "data": orjson.Fragment(row["data"]),
    })
    trace = orjson.loads(row["trace"])
    headers = {"Nats-Msg-Id": str(row["event_id"]), "Pu-Event-Type": row["event_type"], **trace}
    return payload, headers


class OutboxRelay:
    """Publishes one service's outbox to JetStream."""

    def __init__(self, dsn: str, schema: str, nc: Client, service: str, *,
                 batch_size: int = 1000, poll_interval: float = 1.0,
                 ack_timeout: float = 10.0) -> None:
        self.dsn, self.schema, self.service = dsn, schema, service
        self.publisher = AckedPublisher(nc)
        self.batch_size, self.poll_interval, self.ack_timeout = (
            batch_size, poll_interval, ack_timeout)
        self._fetch = FETCH.format(schema=schema)
        self._wake = asyncio.Event()
        self.is_leader = False

    async def run(self) -> None:
        """Relay until cancelled, surviving database and NATS outages."""
        backoff = 0.2
        while True:
            try:
                async with self._leadership() as conn:
                    backoff = 0.2
                    await self._pump(conn)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                OUTBOX_FAILURES.labels(self.service).inc()
                log.warning("relay_round_failed", service=self.service,
                            error=type(error).__name__, detail=str(error)[:200])
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    @contextlib.asynccontextmanager
    async def _leadership(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(self.dsn, server_settings={"application_name": "pu-relay"})
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))",
                                          f"pu-relay-{self.schema}"):
                await asyncio.sleep(self.poll_interval)  # another relay leads: stand by
            self.is_leader = True
            OUTBOX_LEADER.labels(self.service).set(1)
            await conn.add_listener(outbox_channel(self.schema), self._notified)
            log.info("relay_leading", service=self.service)
            yield conn
        finally:
            self.is_leader = False
            OUTBOX_LEADER.labels(self.service).set(0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)
            conn.terminate()

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _pump(self, conn: asyncpg.Connection) -> None:
        while True:
            self._wake.clear()
            if not await self.drain(conn):
                OUTBOX_PENDING.labels(self.service).set(0)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def drain(self, conn: asyncpg.Connection, limit: int | None = None) -> int:
        """Publish what the outbox holds, oldest first, with up to IN_FLIGHT batches on the
        wire: the next batch is read and sent while the previous one's acks come back.

        Each read takes the oldest rows not on the wire, never "rows after the last one
        sent": a row that commits late with a smaller position still goes out before any
        later event of its stream (which cannot have been written before it committed).
        """
        in_flight: collections.deque[tuple[list[asyncpg.Record], list[asyncio.Future]]] = (
            collections.deque())
        published = 0
        try:
            while True:
                sending = [row["position"] for rows, _ in in_flight for row in rows]
                room = self.batch_size if limit is None else min(
                    self.batch_size, limit - published - len(sending))
                rows = await conn.fetch(self._fetch, room, sending) if room > 0 else []
                if rows:
                    in_flight.append((rows, await self._publish(rows)))
                if in_flight and (len(in_flight) >= IN_FLIGHT or not rows):
                    published += await self._settle(conn, *in_flight.popleft())
                if not in_flight and not rows:
                    return published
        finally:
            # A failed round leaves batches on the wire: their outcome no longer matters
            # (the next round sends their rows again), and is not left unheard.
            for _, futures in in_flight:
                _forget(futures)

    async def _publish(self, rows: list[asyncpg.Record]) -> list[asyncio.Future]:
        futures = []
        for row in rows:
            payload, headers = message(row)
            futures.append(await self.publisher.publish(row["subject"], payload, headers))
        return futures

    async def _settle(self, conn: asyncpg.Connection, rows: list[asyncpg.Record],
                      futures: list[asyncio.Future]) -> int:
        """Delete the rows JetStream acknowledged; fail the round if any was not."""
        done = await self._acknowledged(futures)
        if done:
            await conn.execute(f"DELETE FROM {self.schema}.outbox WHERE position = ANY($1)",
                               [row["position"] for row in rows[:done]])
            OUTBOX_PUBLISHED.labels(self.service).inc(done)
        if done < len(rows):
            # The round restarts from the oldest row left; re-sends are de-duplicated.
            raise ConnectionError(f"{len(rows) - done} publishes not acknowledged")
        return done

    async def _acknowledged(self, futures: list[asyncio.Future[int]]) -> int:
        """How many publishes, from the first, JetStream acknowledged (order is kept)."""
        finished, _ = await asyncio.wait(futures, timeout=self.ack_timeout)
        _forget(futures)
        count = 0
        for future in futures:
            if future not in finished or future.cancelled() or future.exception() is not None:
                break
            count += 1
        return count


def _forget(futures: list[asyncio.Future[int]]) -> None:
    """Cancel the publishes not acknowledged yet, and mark the failures as seen."""
    for future in futures:
        if not future.done():
            future.cancel()
        elif not future.cancelled():
            future.exception()
