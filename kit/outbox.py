"""The outbox relay: committed events to JetStream, in order, at least once.

One relay per service publishes at a time (a Postgres advisory lock held on the relay's own
connection; a standby waits for it). Each round reads the oldest outbox rows, publishes
them pipelined with `Nats-Msg-Id` = event id, and deletes only the rows whose publish
JetStream acknowledged, so a crash or an outage means a re-send that JetStream's
de-duplication absorbs, never a loss. Rows are deleted one by one rather than passed by a
"position" checkpoint: a row that commits late with a smaller position is still sent.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
import orjson
from nats.js import JetStreamContext

from kit.eventstore import outbox_channel
from kit.logging import get_logger
from kit.metrics import OUTBOX_FAILURES, OUTBOX_PENDING, OUTBOX_PUBLISHED

log = get_logger(__name__)

FETCH = """
SELECT o.position, o.subject, e.event_id, e.event_type, e.schema_version, e.stream_id,
       e.version, e.occurred_at, e.actor, e.correlation_id, e.causation_id,
       e.trace::text AS trace, e.data::text AS data
FROM {schema}.outbox o JOIN {schema}.events e USING (position)
ORDER BY o.position LIMIT $1
"""


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

    def __init__(self, dsn: str, schema: str, js: JetStreamContext, service: str, *,
                 batch_size: int = 1000, poll_interval: float = 1.0,
                 ack_timeout: float = 10.0) -> None:
        self.dsn, self.schema, self.js, self.service = dsn, schema, js, service
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
            await conn.add_listener(outbox_channel(self.schema), self._notified)
            log.info("relay_leading", service=self.service)
            yield conn
        finally:
            self.is_leader = False
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)
            conn.terminate()

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _pump(self, conn: asyncpg.Connection) -> None:
        while True:
            self._wake.clear()
            if await self.publish_batch(conn) < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def publish_batch(self, conn: asyncpg.Connection) -> int:
        """Publish the oldest outbox rows; return how many were published."""
        rows = await conn.fetch(self._fetch, self.batch_size)
        if not rows:
            OUTBOX_PENDING.labels(self.service).set(0)
            return 0
        futures = []
        for row in rows:
            payload, headers = message(row)
            futures.append(await self.js.publish_async(row["subject"], payload, headers=headers))
        done = await self._acknowledged(futures)
        if done:
            await conn.execute(f"DELETE FROM {self.schema}.outbox WHERE position = ANY($1)",
                               [row["position"] for row in rows[:done]])
            OUTBOX_PUBLISHED.labels(self.service).inc(done)
        if done < len(rows):
            raise ConnectionError(f"{len(rows) - done} publishes not acknowledged")
        return done

    async def _acknowledged(self, futures: list[asyncio.Future]) -> int:
        """How many publishes, from the first, JetStream acknowledged (order is kept)."""
        finished, pending = await asyncio.wait(futures, timeout=self.ack_timeout)
        for future in pending:
            future.cancel()
        count = 0
        for future in futures:
            if future not in finished or future.cancelled() or future.exception() is not None:
                break
            count += 1
        return count
