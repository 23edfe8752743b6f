"""What the PV roles read: the work list, a case (each read logged), its ICSR, its access
log, the relay queue and the signals."""

from datetime import UTC, datetime

import sqlalchemy as sa

from contracts.pharmacovigilance.messages import (
    CaseFilter,
    CasePage,
    CaseRead,
    CaseReads,
    CaseView,
    PossibleDuplicate,
    QueuedVersion,
    ReadsQuery,
    RelayFilter,
    RelayQueue,
    ReportRef,
    Signal,
    SignalQuery,
    Signals,
)
from kit.pagination import keyset, page
from kit.usecases import Binary, Call
from pharmacovigilance import domain, e2b
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.candidates import likely_duplicates
from pharmacovigilance.adapters.cases import case_of
from pharmacovigilance.deps import Deps
from pharmacovigilance.domain import signals
from pharmacovigilance.handlers.views import case_row, log_read, summary, view


class UnwritableCaseError(domain.ReportError):
    """What is stored of the case makes no ICSR."""


async def list_cases(call: Call[CaseFilter], deps: Deps) -> CasePage:
    """The officer's work list: by status, seriousness or lateness, oldest or most urgent first."""
    query, r = call.command, sql.reports
    at = "due_at" if query.sort == "due" else "created_at"
    statement = keyset(sa.select(r).where(r.c.status != domain.DRAFT), r.c[at], r.c.report_id,
                       query.cursor, query.limit)
    if query.status:
        statement = statement.where(r.c.status == query.status)
    if query.serious:
        serious = {"yes": r.c.serious.is_(True), "no": r.c.serious.is_(False),
                   "unknown": r.c.serious.is_(None)}
        statement = statement.where(serious[query.serious])
    if query.overdue is not None:
        late = sa.and_(r.c.due_at < sa.func.now(), r.c.status.not_in(domain.WITH_REGULATOR))
        statement = statement.where(late if query.overdue else sa.not_(late))
    async with deps.db.connect() as conn:
        rows = list((await conn.execute(statement)).all())
    return CasePage.model_validate(page(rows, query.limit, at, "report_id",
                                        lambda row: summary(row).model_dump(mode="json")))


async def get_case(call: Call[ReportRef], deps: Deps) -> CaseView:
    """The case for the PV roles, with its likely duplicates (each read logged)."""
    async with deps.db.transaction() as conn:
        row = await case_row(conn, call.command.report_id)
        await log_read(conn, call.caller, row, "case")
        found = await likely_duplicates(conn, deps, row)
        shown = await view(conn, deps, row)
    return CaseView(**dict(shown), possible_duplicates=[
        PossibleDuplicate(report_id=other, score=score, decision=row.duplicates.get(str(other)))
        for other, score in found])


async def case_e2b(call: Call[ReportRef], deps: Deps) -> Binary:
    """The case as an ICH E2B(R3) ICSR, inside a batch of one (the read logged)."""
    async with deps.db.transaction() as conn:
        row = await case_row(conn, call.command.report_id)
        await log_read(conn, call.caller, row, "e2b")
        try:
            case = await case_of(conn, deps, row)
            xml = e2b.batch_xml([case], batch_id=f"{case.safety_report_id}-B",
                                sender_id=deps.sender_id, receiver_id=deps.receiver_id,
                                created_at=datetime.now(UTC))
        except e2b.E2BError as error:
            raise UnwritableCaseError(
                f"the case cannot be written as an ICSR: {error}") from error
    return Binary(xml, "application/xml")


async def case_reads(call: Call[ReadsQuery], deps: Deps) -> CaseReads:
    """The case's access log: which member of staff read what of it, and when, newest first."""
    query, log = call.command, sql.case_reads
    statement = keyset(sa.select(log).where(log.c.case_id == query.report_id), log.c.at,
                       log.c.reader_id, query.cursor, query.limit, newest_first=True)
    async with deps.db.connect() as conn:
        await case_row(conn, query.report_id)
        rows = list((await conn.execute(statement)).all())
    return CaseReads.model_validate(page(rows, query.limit, "at", "reader_id", lambda r: CaseRead(
        reader_id=r.reader_id, what=r.what, at=r.at).model_dump(mode="json")))


async def signal_list(call: Call[SignalQuery], deps: Deps) -> Signals:
    """Disproportionality of every (medicine, reaction) pair seen at least min_count times."""
    async with deps.db.connect() as conn:
        rows = (await conn.execute(sql.SIGNAL_TOTALS)).all()
    counts = signals.Counts()
    for row in rows:
        counts.add_pair(row.medicine, row.reaction, row.pairs)
    return Signals(items=[Signal.model_validate(signals.as_reply(s))
                          for s in signals.signals(counts, call.command.min_count)])


async def relay_queue(call: Call[RelayFilter], deps: Deps) -> RelayQueue:
    """Case versions in the order they were queued for the regulator, filtered by state."""
    query, q = call.command, sql.relay_queue
    statement = keyset(sa.select(q), q.c.queued_at, q.c.report_id, query.cursor, query.limit)
    if query.state:
        statement = statement.where(q.c.state == query.state)
    async with deps.db.connect() as conn:
        rows = list((await conn.execute(statement)).all())
    return RelayQueue.model_validate(page(rows, query.limit, "queued_at", "report_id",
                                          _queued))


def _queued(r: sa.Row) -> dict:
    return QueuedVersion(
        safety_report_id=r.safety_report_id, report_id=r.report_id, version=r.case_version,
        state=r.state, attempts=r.attempts, last_error=r.last_error, queued_at=r.queued_at,
        updated_at=r.updated_at).model_dump(mode="json")
