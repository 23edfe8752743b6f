"""The relay to the regulator: submitted case versions, in order, each until acknowledged.

One relay leads at a time (an advisory lock on a connection of its own, released on every
way out by closing that connection, and checked on every pass). While the regulator is
unreachable the whole queue waits with back-off, so cases reach it in the order submitted.
A case version that fails on its own never holds up the others: one whose ICSR cannot be
written goes back to the officer with the reason at once, one whose sending fails in
another way is retried with its own back-off and goes back after `MAX_FAILURES`; versions
of one case still go in order. A batch and its message carry ids fixed by the case version
(C.1.1), so a re-send after a crash between sending and recording is recognised by the
regulator, never accepted twice.
"""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import ConcurrencyError, Metadata
from kit.logging import get_logger
from pharmacovigilance import domain, e2b, metrics
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.cases import case_of
from pharmacovigilance.deps import Deps
from pharmacovigilance.regulator import Regulator, RegulatorRefused, RegulatorUnavailable

log = get_logger(__name__)
LOCK = "pu-regulator-relay"
SYSTEM = Metadata(actor="system:regulator-relay")
BATCH_SUFFIX = "-B"  # one case version a batch: its id is the message id and this
MAX_FAILURES = 5  # sendings of one case version that fail on their own, before it goes back
# Faults of the database or the network: the relay's, not the case's (the pass is retried).
INFRASTRUCTURE = (sa.exc.DBAPIError, OSError, asyncio.TimeoutError)


class RegulatorRelay:
    def __init__(self, deps: Deps, regulator: Regulator, *, poll_s: float = 1.0,
                 max_backoff_s: float = 60.0) -> None:
        self.deps, self.regulator = deps, regulator
        self.poll_s, self.max_backoff_s = poll_s, max_backoff_s
        self._observed_at = 0.0
        self._paused_until = datetime.min.replace(tzinfo=UTC)  # the regulator unreachable

    async def run(self) -> None:
        failures = 0
        while True:
            try:
                async with self.deps.db.engine.connect() as lock:
                    try:
                        await self._lead(lock)
                    finally:
                        metrics.LEADING.set(0)
                        await lock.invalidate()  # the session ends: its advisory lock with it
            except asyncio.CancelledError:
                raise
            except Exception as error:
                failures += 1
                metrics.RELAY_ERRORS.inc()
                log.warning("regulator_relay_failed", error=type(error).__name__,
                            failures=failures)
                await asyncio.sleep(min(self.poll_s * 2 ** min(failures, 6), self.max_backoff_s))

    async def _lead(self, lock: AsyncConnection) -> None:
        while not await lock.scalar(sa.text("SELECT pg_try_advisory_lock(hashtext(:k))"),
                                    {"k": LOCK}):
            await lock.rollback()
            await asyncio.sleep(self.poll_s)
        await lock.commit()
        metrics.LEADING.set(1)
        log.info("regulator_relay_leading")
        while True:
            await lock.execute(sa.text("SELECT 1"))  # still our session, and so our lock
            await lock.rollback()
            metrics.HEARTBEAT.set_to_current_time()
            await self.collect_acknowledgements()
            await self.observe_queue()
            if not await self.send_next():
                await asyncio.sleep(self.poll_s)

    async def send_next(self) -> bool:
        """Offer the next case version due to the regulator; False when none is due."""
        now = datetime.now(UTC)
        if now < self._paused_until:
            return False
        head = await self._next_due(now)
        if head is None:
            return False
        try:
            xml = await self._batch(head)
        except e2b.E2BError as error:
            metrics.SENDS.labels("unwritable").inc()
            await self._return(head, f"its ICSR cannot be written: {error}")
            return True
        except INFRASTRUCTURE:
            raise
        except Exception as error:
            await self._failed(head, error, now)
            return True
        try:
            ack = await self.regulator.send(f"{head.safety_report_id}{BATCH_SUFFIX}", xml)
        except RegulatorUnavailable as error:
            metrics.SENDS.labels("unavailable").inc()
            self._paused_until = await self._retry_later(head, str(error), now)
            return False
        except RegulatorRefused as error:
            metrics.SENDS.labels("refused").inc()
            await self._outcome(head.report_id, head.safety_report_id, domain.REJECTED,
                                str(error))
            return True
        except INFRASTRUCTURE:
            raise
        except Exception as error:
            await self._failed(head, error, now)
            return True
        metrics.SENDS.labels("sent").inc()
        await self._outcome(head.report_id, head.safety_report_id, domain.SENT, None)
        if ack is not None:
            await self._apply(ack)
        return True

    async def _next_due(self, now: datetime) -> sa.Row | None:
        """The oldest pending version not waiting out a back-off of its own, unless an
        older version of the same case is still pending."""
        q, older = sql.relay_queue, sql.relay_queue.alias("older")
        statement = sa.select(q).where(
            q.c.state == "pending",
            sa.or_(q.c.next_attempt_at.is_(None), q.c.next_attempt_at <= now),
            ~sa.exists().where(older.c.report_id == q.c.report_id,
                               older.c.state == "pending", older.c.queued_at < q.c.queued_at),
        ).order_by(q.c.queued_at).limit(1)
        async with self.deps.db.engine.connect() as conn:
            return (await conn.execute(statement)).one_or_none()

    async def collect_acknowledgements(self) -> None:
        for ack in await self.regulator.acknowledgements():
            await self._apply(ack)

    async def _apply(self, ack: e2b.Acknowledgement) -> None:
        if not ack.messages:  # the batch refused as a whole (AR): its one case with it
            ack = e2b.Acknowledgement(ack.ack_id, ack.batch_id, ack.code, (
                e2b.MessageAcknowledgement(ack.batch_id.removesuffix(BATCH_SUFFIX), "CR",
                                           ack.detail or "batch rejected"),))
        for message in ack.messages:
            metrics.ACKNOWLEDGEMENTS.labels(message.code).inc()
            async with self.deps.db.engine.connect() as conn:
                report_id = await conn.scalar(sa.select(sql.relay_queue.c.report_id).where(
                    sql.relay_queue.c.safety_report_id == message.message_id))
            if report_id is None:
                log.warning("acknowledgement_for_unknown_message")
                continue
            accepted = message.code == "CA"
            await self._outcome(report_id, message.message_id,
                                domain.ACKNOWLEDGED if accepted else domain.REJECTED,
                                None if accepted else message.detail or "rejected")

    async def observe_queue(self, every_s: float = 1.0) -> None:
        """The queue's size by state and the oldest wait, for the dashboards (once a second)."""
        if time.monotonic() - self._observed_at < every_s:
            return
        self._observed_at = time.monotonic()
        q = sql.relay_queue
        async with self.deps.db.engine.connect() as conn:
            counts: dict[str, int] = dict((await conn.execute(
                sa.select(q.c.state, sa.func.count()).group_by(q.c.state))).all())
            oldest = await conn.scalar(sa.select(sa.func.min(q.c.queued_at)).where(
                q.c.state == "pending"))
        for state in metrics.QUEUE_STATES:
            metrics.QUEUE.labels(state).set(counts.get(state, 0))
        waited = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        metrics.OLDEST_PENDING.set(waited)

    async def _batch(self, head: sa.Row) -> bytes:
        async with self.deps.db.engine.connect() as conn:
            row = (await conn.execute(sa.select(sql.reports).where(
                sql.reports.c.report_id == head.report_id))).one()
            case = await case_of(conn, self.deps, row)
        return e2b.batch_xml([case], batch_id=f"{head.safety_report_id}{BATCH_SUFFIX}",
                             sender_id=self.deps.sender_id, receiver_id=self.deps.receiver_id,
                             created_at=head.queued_at)

    async def _retry_later(self, head: sa.Row, error: str, now: datetime) -> datetime:
        """Record a failed attempt; when the version is due again."""
        delay = min(2.0 ** head.attempts, self.max_backoff_s)
        due = now + timedelta(seconds=delay)
        async with self.deps.db.engine.begin() as conn:
            await conn.execute(sql.relay_queue.update().where(
                sql.relay_queue.c.safety_report_id == head.safety_report_id).values(
                    attempts=head.attempts + 1, last_error=error[:500], updated_at=now,
                    next_attempt_at=due))
        log.info("regulator_unavailable", retry_in_s=delay, attempts=head.attempts + 1)
        return due

    async def _failed(self, head: sa.Row, error: Exception, now: datetime) -> None:
        """A fault of this sending alone: retried on its own back-off, then returned."""
        metrics.SENDS.labels("failed").inc()
        log.error("regulator_send_failed", error=type(error).__name__,
                  attempts=head.attempts + 1, exc_info=True)
        reason = f"sending failed: {type(error).__name__}: {error}"[:500]
        if head.attempts + 1 >= MAX_FAILURES:
            await self._return(head, f"{reason} ({MAX_FAILURES} attempts)")
        else:
            await self._retry_later(head, reason, now)

    async def _return(self, head: sa.Row, reason: str) -> None:
        log.warning("case_returned_to_officer", attempts=head.attempts)
        await self._outcome(head.report_id, head.safety_report_id, domain.RETURNED, reason)

    async def _outcome(self, report_id: UUID, message_id: str, outcome: str,
                       detail: str | None) -> None:
        """Record what became of a sending, decided on the case as its events left it; an
        officer's write in between makes us decide once more."""
        try:
            await self._record(report_id, message_id, outcome, detail)
        except ConcurrencyError:
            await self._record(report_id, message_id, outcome, detail)
        log.info("case_relayed", outcome=outcome)

    async def _record(self, report_id: UUID, message_id: str, outcome: str,
                      detail: str | None) -> None:
        stream = domain.stream_id(report_id)
        async with self.deps.db.transaction() as conn:
            case, version = await self.deps.reports.get(conn, stream)
            events = domain.relay_outcome(case, message_id, outcome, detail)
            await self.deps.reports.append(conn, stream, version, events, SYSTEM)
