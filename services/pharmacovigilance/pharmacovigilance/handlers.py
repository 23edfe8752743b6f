"""Pharmacovigilance use cases, one small function each, listed in HANDLERS at the bottom."""

from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal
from uuid import UUID, uuid4

import orjson
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.pharmacovigilance.messages import AdrReportAccepted, AdrReportForm
from contracts.rpc import Principal
from kit.errors import ProblemError, conflict, forbidden, not_found
from kit.eventstore import Metadata
from kit.idempotency import once
from kit.pagination import keyset, next_cursor
from kit.rpc import Reply, Request, ok
from pharmacovigilance import domain, e2b, inline, signals
from pharmacovigilance.adapters import sql
from pharmacovigilance.cases import case_of
from pharmacovigilance.deps import Deps, reporter_key, unseal
from pharmacovigilance.duplicate_check import likely_duplicates


class ReportRef(BaseModel):
    report_id: UUID


class _ReportOnly(BaseModel):
    """The report id of any request about one case; the rest of the body is its own."""

    report_id: UUID


class UpdateReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_id: UUID
    form: AdrReportForm


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class CaseFilter(Page):
    status: str | None = Field(default=None, max_length=40)
    serious: Literal["yes", "no", "unknown"] | None = None
    overdue: bool | None = None  # not yet with the regulator, and past its due date
    sort: Literal["received", "due"] = "received"  # due: the most urgent first


class ReadsQuery(Page):
    report_id: UUID


class SignalQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_count: int = Field(default=3, ge=1, le=10_000)


async def submit_report(deps: Deps, request: Request) -> Reply:
    """A patient (or someone on their behalf) reports a side effect; drafts are allowed."""
    principal = request.require()
    form = request.parse(AdrReportForm)
    async with deps.engine.begin() as conn:
        return await once(conn, sql.idempotency, request, partial(
            _save, conn, deps, uuid4(), principal.user_id, form, None, 0,
            request.event_metadata(), 201))


async def update_report(deps: Deps, request: Request) -> Reply:
    """Complete or correct a draft; once complete it becomes a case."""
    principal = request.require()
    body = request.parse(UpdateReport)
    async with deps.engine.begin() as conn:
        row = await _report(conn, body.report_id)
        if row.reporter_id != principal.user_id:
            raise forbidden("only the reporter can change a report")
        version = len(await sql.store.load(conn, domain.stream_id(body.report_id)))
        return await _save(conn, deps, body.report_id, principal.user_id, body.form,
                           row.status, version, request.event_metadata(), 200)


async def _save(conn: AsyncConnection, deps: Deps, report_id: UUID, reporter_id: UUID,
                form: AdrReportForm, status: str | None, version: int, meta: Metadata,
                created: int) -> Reply:
    _, personal = domain.split(form)
    key = await reporter_key(conn, deps, reporter_id)
    sealed = deps.personal.encrypt(key, reporter_id, "adr_report", orjson.dumps(personal).decode())
    try:
        events = domain.save(report_id, reporter_id, status, form, sealed)
    except domain.ReportError as error:
        raise ProblemError(409, "Conflict", str(error)) from None
    gaps = domain.missing(form)
    reference = None
    if not form.draft and not gaps:
        number = await conn.scalar(sa.select(sql.references.next_value()))
        reference = domain.reference(int(number), datetime.now(UTC).year)  # type: ignore[arg-type]
        events += domain.open_case(report_id, reporter_id, form, reference,
                                   datetime.now(UTC).date(), uuid4)
    envelopes = await sql.store.append(conn, domain.stream_id(report_id), version, events, meta)
    await inline.apply_all(conn, events, envelopes)
    return ok(AdrReportAccepted(report_id=report_id, reference=reference or "",
                                status=domain.RECEIVED if reference else domain.DRAFT,
                                missing=gaps), status=created)


async def get_report(deps: Deps, request: Request) -> Reply:
    """The reporter's own report, or any report for the PV roles (each read logged)."""
    principal = request.require()
    report_id = request.parse(ReportRef).report_id
    async with deps.engine.begin() as conn:
        row = await _report(conn, report_id)
        await _check_reader(conn, principal, row, "report")
        return ok(await view(conn, deps, row))


async def my_reports(deps: Deps, request: Request) -> Reply:
    """The caller's own reports and drafts, newest first, with their timelines."""
    principal = request.require()
    query = request.parse(Page)
    r = sql.reports
    statement = keyset(sa.select(r).where(r.c.reporter_id == principal.user_id),
                       r.c.created_at, r.c.report_id, query.cursor, query.limit,
                       newest_first=True)
    async with deps.engine.connect() as conn:
        rows = list((await conn.execute(statement)).all())
        items = [await view(conn, deps, row) for row in rows[:query.limit]]
    return ok({"items": items,
               "next_cursor": next_cursor(rows, query.limit, "created_at", "report_id")})


async def list_cases(deps: Deps, request: Request) -> Reply:
    """The officer's work list: by status, seriousness or lateness, oldest or most urgent first."""
    request.require("pv_officer")
    query = request.parse(CaseFilter)
    r = sql.reports
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
    async with deps.engine.connect() as conn:
        rows = list((await conn.execute(statement)).all())
    items = [_summary(row) for row in rows[:query.limit]]
    return ok({"items": items, "next_cursor": next_cursor(rows, query.limit, at, "report_id")})


async def get_case(deps: Deps, request: Request) -> Reply:
    """The case for the PV roles, with its likely duplicates (each read logged)."""
    principal = request.require(*domain.PV_ROLES)
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        await _check_reader(conn, principal, row, "case")
        found = await likely_duplicates(conn, deps, row)
        return ok({**await view(conn, deps, row), "possible_duplicates": [
            {"report_id": str(other), "score": score,
             "decision": row.duplicates.get(str(other))} for other, score in found]})


async def case_e2b(deps: Deps, request: Request) -> Reply:
    """The case as an ICH E2B(R3) ICSR, inside a batch of one."""
    principal = request.require(*domain.PV_ROLES)
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        await _check_reader(conn, principal, row, "e2b")
        try:
            case = await case_of(conn, deps, row)
            xml = e2b.batch_xml([case], batch_id=f"{case.safety_report_id}-B",
                                sender_id=deps.sender_id, receiver_id=deps.receiver_id,
                                created_at=datetime.now(UTC))
        except e2b.E2BError as error:
            raise conflict(f"the case cannot be written as an ICSR: {error}") from error
    return Reply(status=200, body=xml, content_type="application/xml")


async def case_reads(deps: Deps, request: Request) -> Reply:
    """The case's access log: which member of staff read what of it, and when, newest first."""
    request.require("pv_officer", "admin")
    query = request.parse(ReadsQuery)
    log = sql.case_reads
    statement = keyset(sa.select(log).where(log.c.case_id == query.report_id), log.c.at,
                       log.c.reader_id, query.cursor, query.limit, newest_first=True)
    async with deps.engine.connect() as conn:
        await case_row(conn, request)
        rows = list((await conn.execute(statement)).all())
    return ok({"items": [{"reader_id": str(r.reader_id), "what": r.what, "at": r.at.isoformat()}
                         for r in rows[:query.limit]],
               "next_cursor": next_cursor(rows, query.limit, "at", "reader_id")})


async def signal_list(deps: Deps, request: Request) -> Reply:
    """Disproportionality of every (medicine, reaction) pair seen at least min_count times."""
    request.require(*domain.PV_ROLES)
    min_count = request.parse(SignalQuery).min_count
    async with deps.engine.connect() as conn:
        rows = (await conn.execute(sa.select(sql.signal_pairs))).all()
    counts = signals.Counts()
    for row in rows:
        counts.add_pair(row.medicine, row.reaction, row.pairs)
    return ok({"items": [signals.as_reply(s) for s in signals.signals(counts, min_count)]})


async def case_row(conn: AsyncConnection, request: Request) -> sa.Row:
    row = await _report(conn, request.parse(_ReportOnly).report_id)
    if row.status == domain.DRAFT:
        raise not_found("the case")
    return row


async def _report(conn: AsyncConnection, report_id: UUID) -> sa.Row:
    row = (await conn.execute(sa.select(sql.reports).where(
        sql.reports.c.report_id == report_id))).one_or_none()
    if row is None:
        raise not_found("the report")
    return row


async def _check_reader(conn: AsyncConnection, principal: Principal, row: sa.Row,
                        what: str) -> None:
    if row.reporter_id == principal.user_id:
        return
    if not principal.has_any(*domain.PV_ROLES):
        raise forbidden("only the reporter and the pharmacovigilance team can read a report")
    await conn.execute(sql.case_reads.insert().values(
        case_id=row.report_id, reader_id=principal.user_id, what=what,
        at=datetime.now(UTC)))


async def view(conn: AsyncConnection, deps: Deps, row: sa.Row) -> dict[str, Any]:
    unsealed = await unseal(conn, deps, row)
    form = domain.join(row.clear, unsealed.personal).model_dump(mode="json")
    for items, ids, name in ((form["reactions"], row.reaction_ids, "reaction_id"),
                             (form["medicines"], row.medicine_ids, "medicine_id")):
        for item, item_id in zip(items, ids or [], strict=False):
            item[name] = str(item_id)
    history = (await conn.execute(sa.select(sql.timeline).where(
        sql.timeline.c.report_id == row.report_id).order_by(sql.timeline.c.at))).all()
    return {**_summary(row), **form, "missing": list(row.missing),
            "history": [{"status": h.status, "at": h.at.isoformat()} for h in history],
            "coding": row.coding, "causality": row.causality,
            "seriousness_confirmed": row.seriousness_confirmed,
            "confirmed_seriousness": row.seriousness, "narrative": unsealed.narrative,
            "follow_ups": [{**asked, "answers": answers} for asked, answers
                           in zip(row.follow_ups, unsealed.answers, strict=True)],
            "relay": {"safety_report_id": row.safety_report_id, "detail": row.relay_detail}}


def _summary(row: sa.Row) -> dict[str, Any]:
    due = row.due_at
    return {"report_id": str(row.report_id), "reference": row.reference, "status": row.status,
            "version": row.version, "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(), "serious": row.serious,
            "due_at": due.isoformat() if due else None,
            "overdue": bool(due and due < datetime.now(UTC)
                            and row.status not in domain.WITH_REGULATOR)}

