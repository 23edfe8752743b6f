"""What the use cases show of a report: read from the inline model, sealed parts opened."""

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.pharmacovigilance.messages import ReportSummary, ReportView
from kit.usecases import Caller
from pharmacovigilance import domain
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.sealed import unseal
from pharmacovigilance.deps import Deps


async def report_row(conn: AsyncConnection, report_id: UUID) -> sa.Row:
    row = (await conn.execute(sa.select(sql.reports).where(
        sql.reports.c.report_id == report_id))).one_or_none()
    if row is None:
        raise domain.NoSuchReportError()
    return row


async def case_row(conn: AsyncConnection, report_id: UUID) -> sa.Row:
    row = await report_row(conn, report_id)
    if row.status == domain.DRAFT:
        raise domain.NoSuchCaseError()
    return row


async def log_read(conn: AsyncConnection, caller: Caller, row: sa.Row, what: str) -> None:
    """The reporter reads their own report; the PV roles may read any, and each of their
    reads is logged."""
    if row.reporter_id == caller.user_id:
        return
    if not caller.has_any(*domain.PV_ROLES):
        raise domain.NotAllowedError(
            "only the reporter and the pharmacovigilance team can read a report")
    await conn.execute(sql.case_reads.insert().values(
        case_id=row.report_id, reader_id=caller.user_id, what=what, at=datetime.now(UTC)))


async def shown(conn: AsyncConnection, deps: Deps, report_id: UUID) -> ReportView:
    """The report as it stands now (after this transaction's writes)."""
    return await view(conn, deps, await report_row(conn, report_id))


async def view(conn: AsyncConnection, deps: Deps, row: sa.Row) -> ReportView:
    unsealed = await unseal(conn, deps, row)
    form = domain.join(row.clear, unsealed.personal).model_dump(mode="json")
    for items, ids, name in ((form["reactions"], row.reaction_ids, "reaction_id"),
                             (form["medicines"], row.medicine_ids, "medicine_id")):
        for item, item_id in zip(items, ids or [], strict=False):
            item[name] = str(item_id)
    history = (await conn.execute(sa.select(sql.timeline).where(
        sql.timeline.c.report_id == row.report_id).order_by(sql.timeline.c.at))).all()
    form.pop("history")  # the reporter's medical history: the timeline takes its name
    return ReportView.model_validate({
        **summary(row).model_dump(), **form, "missing": list(row.missing),
        "history": [{"status": h.status, "at": h.at} for h in history],
        "coding": row.coding, "causality": row.causality,
        "seriousness_confirmed": row.seriousness_confirmed,
        "confirmed_seriousness": row.seriousness, "narrative": unsealed.narrative,
        "follow_ups": [{**asked, "answers": answers} for asked, answers
                       in zip(row.follow_ups, unsealed.answers, strict=True)],
        "relay": {"safety_report_id": row.safety_report_id, "detail": row.relay_detail}})


def summary(row: sa.Row) -> ReportSummary:
    due = row.due_at
    return ReportSummary(
        report_id=row.report_id, reference=row.reference, status=row.status,
        version=row.version, created_at=row.created_at, updated_at=row.updated_at,
        serious=row.serious, due_at=due,
        overdue=bool(due and due < datetime.now(UTC) and row.status not in domain.WITH_REGULATOR))
