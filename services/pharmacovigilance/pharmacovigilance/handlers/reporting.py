"""The reporter's side: reporting a side effect, completing a draft, reading one's reports,
answering the officer's questions."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.pharmacovigilance.messages import (
    AdrReportAccepted,
    AdrReportForm,
    AnswerQuestions,
    Page,
    ReportPage,
    ReportRef,
    ReportView,
    UpdateReport,
)
from kit.pagination import PAGE_BYTES, keyset, page
from kit.usecases import Call, Caller
from pharmacovigilance import domain
from pharmacovigilance.adapters import sql
from pharmacovigilance.adapters.sealed import reporter_key
from pharmacovigilance.deps import Deps
from pharmacovigilance.handlers.views import log_read, report_row, shown, view


async def submit_report(call: Call[AdrReportForm], deps: Deps) -> AdrReportAccepted:
    """A patient (or someone on their behalf) reports a side effect; drafts are allowed."""
    return await _save(deps, uuid4(), call.caller, call.command, new=True)


async def update_report(call: Call[UpdateReport], deps: Deps) -> AdrReportAccepted:
    """Complete or correct a draft; once complete it becomes a case."""
    return await _save(deps, call.command.report_id, call.caller, call.command.form,
                       must_exist=True)


async def _save(deps: Deps, report_id: UUID, caller: Caller, form: AdrReportForm, *,
                must_exist: bool = False, new: bool = False) -> AdrReportAccepted:
    """`new`: a fresh id, whose stream is empty without reading it (an id that did exist
    would fail the append at version 0)."""
    reporter_id, stream = caller.user_id, domain.stream_id(report_id)
    async with deps.db.transaction() as conn:
        report, version = ((domain.initial(), 0) if new
                           else await deps.reports.get(conn, stream))
        if must_exist:
            domain.existing(report)
        domain.editable(report, reporter_id)
        events = domain.save(report, report_id, reporter_id, form,
                             await _sealed_form(conn, deps, reporter_id, form))
        gaps, reference = domain.missing(form), None
        if not form.draft and not gaps:
            await _within_daily_limit(conn, deps, caller)
            reference = await _next_reference(conn)
            events += domain.open_case(report_id, reporter_id, form, reference,
                                       datetime.now(UTC).date(), uuid4)
        await deps.reports.append(conn, stream, version, events, caller.metadata)
    return AdrReportAccepted(report_id=report_id, reference=reference or "",
                             status=domain.RECEIVED if reference else domain.DRAFT, missing=gaps)


async def _within_daily_limit(conn: AsyncConnection, deps: Deps, caller: Caller) -> None:
    """A reporter's complete reports of the last 24 hours, counted while holding a lock on
    the reporter (until the transaction ends): concurrent submissions by one account are
    counted one after the other. The PV roles are not limited."""
    if deps.reports_per_day == 0 or caller.has_any(*domain.PV_ROLES):
        return
    await sql.LOCK_REPORTER.execute(conn, reporter=f"pv-reporter:{caller.user_id}")
    now = datetime.now(UTC)
    sent, oldest = await sql.SENT_SINCE.row(  # type: ignore[misc]
        conn, reporter_id=caller.user_id, status=domain.RECEIVED, since=now - timedelta(days=1))
    domain.within_daily_limit(int(sent or 0), deps.reports_per_day,
                              oldest + timedelta(days=1) - now if oldest else timedelta(0))


async def _sealed_form(conn: AsyncConnection, deps: Deps, reporter_id: UUID,
                       form: AdrReportForm) -> str:
    _, personal = domain.split(form)
    key = await reporter_key(conn, deps, reporter_id)
    return deps.personal.encrypt(key, reporter_id, "adr_report", orjson.dumps(personal).decode())


async def _next_reference(conn: AsyncConnection) -> str:
    number = (await sql.NEXT_REFERENCE.row(conn))[0]  # type: ignore[index]
    return domain.reference(int(number), datetime.now(UTC).year)


async def get_report(call: Call[ReportRef], deps: Deps) -> ReportView:
    """The reporter's own report, or any report for the PV roles (each read logged)."""
    async with deps.db.transaction() as conn:
        row = await report_row(conn, call.command.report_id)
        await log_read(conn, call.caller, row, "report")
        return await view(conn, deps, row)


async def my_reports(call: Call[Page], deps: Deps) -> ReportPage:
    """The caller's own reports and drafts, newest first, with their timelines; a page of
    long reports ends early (its cursor after its last item) to fit a message."""
    query, r = call.command, sql.reports
    statement = keyset(sa.select(r).where(r.c.reporter_id == call.caller.user_id),
                       r.c.created_at, r.c.report_id, query.cursor, query.limit,
                       newest_first=True)
    async with deps.db.connect() as conn:
        rows = list((await conn.execute(statement)).all())
        shown = await _views_within_a_page(conn, deps, rows[:query.limit])
    return ReportPage.model_validate(page(rows, query.limit, "created_at", "report_id",
                                          lambda row: shown[row.report_id]))


async def _views_within_a_page(conn: AsyncConnection, deps: Deps,
                               rows: list[sa.Row]) -> dict[UUID, dict]:
    """The rows' views, up to the first that takes them past a page's bytes (where `page`
    ends the page): no more reports opened than a page can hold."""
    shown, size = {}, 0
    for row in rows:
        shown[row.report_id] = (await view(conn, deps, row)).model_dump(mode="json")
        size += len(orjson.dumps(shown[row.report_id]))
        if size > PAGE_BYTES:
            break
    return shown


async def answer_follow_up(call: Call[AnswerQuestions], deps: Deps) -> ReportView:
    """The reporter answers the officer's questions: a new version of the case."""
    report_id, reporter_id = call.command.report_id, call.caller.user_id
    stream = domain.stream_id(report_id)
    async with deps.db.transaction() as conn:
        case, version = await deps.reports.get(conn, stream)
        domain.answerable(case, reporter_id)
        key = await reporter_key(conn, deps, reporter_id)
        sealed = deps.personal.encrypt(key, reporter_id, "follow_up",
                                       orjson.dumps(call.command.answers.answers).decode())
        events = domain.answer_follow_up(case, reporter_id, sealed)
        await deps.reports.append(conn, stream, version, events, call.caller.metadata)
        return await shown(conn, deps, report_id)
