"""The officer's review of a case: coding and causality, follow-up with the reporter,
submission for relay to the regulator."""

from typing import Any, Literal
from uuid import UUID

import orjson
import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.events import Event
from contracts.pharmacovigilance.messages import (
    Assessment,
    FollowUpAnswers,
    FollowUpRequest,
    RelayState,
)
from kit.errors import ProblemError, forbidden
from kit.pagination import keyset, next_cursor
from kit.rpc import Reply, Request, ok
from pharmacovigilance import domain
from pharmacovigilance.adapters import sql
from pharmacovigilance.duplicate_check import likely_duplicates
from pharmacovigilance.handlers import Deps, Page, case_row, reporter_key, view
from pharmacovigilance.inline import apply_all
from pharmacovigilance.terminology import UnknownTermError


class _On(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_id: UUID


class AssessCase(_On):
    """Body of rpc.pharmacovigilance.assess_case."""

    assessment: Assessment


class AskReporter(_On):
    request: FollowUpRequest


class RelayFilter(Page):
    state: RelayState | None = None


class AnswerQuestions(_On):
    answers: FollowUpAnswers


async def assess(deps: Deps, request: Request) -> Reply:
    """Coding, causality, confirmed seriousness and narrative: what is given replaces what was."""
    request.require("pv_officer")
    a = request.parse(AssessCase).assessment
    try:
        coding = {str(c.reaction_id): deps.terminology.confirm(c.meddra.code, c.meddra.term,
                                                          c.meddra.version)
                  for c in a.reactions}
    except UnknownTermError as error:
        raise ProblemError(422, "Invalid request", str(error)) from None
    seriousness = {str(c.reaction_id): c.seriousness.model_dump(exclude_none=True)
                   for c in a.reactions if c.seriousness is not None}
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        narrative = row.narrative
        if a.narrative is not None:  # it may name people: sealed like the reporter's words
            key = await reporter_key(conn, deps, row.reporter_id)
            narrative = deps.personal.encrypt(key, row.reporter_id, "narrative", a.narrative)
        assessed = domain.CaseAssessed(
            report_id=row.report_id, coding={**row.coding, **coding},
            causality=[c.model_dump(mode="json") for c in a.causality] or row.causality,
            seriousness_confirmed=a.seriousness_confirmed,
            seriousness={**row.seriousness, **seriousness}, narrative=narrative)
        return await _append(conn, deps, request, row, lambda r: domain.assess(
            r.status, {str(i) for i in r.reaction_ids or []},
            {str(i) for i in r.medicine_ids or []}, assessed))


async def ask_reporter(deps: Deps, request: Request) -> Reply:
    request.require("pv_officer")
    body = request.parse(AskReporter)
    return await _decide(deps, request, lambda row: domain.request_follow_up(
        row.status, row.report_id, body.request.questions))


async def answer(deps: Deps, request: Request) -> Reply:
    """The reporter answers the officer's questions: a new version of the case."""
    principal = request.require()
    body = request.parse(AnswerQuestions)
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        if row.reporter_id != principal.user_id:
            raise forbidden("only the reporter answers follow-up questions")
        key = await reporter_key(conn, deps, row.reporter_id)
        sealed = deps.personal.encrypt(key, row.reporter_id, "follow_up",
                                       orjson.dumps(body.answers.answers).decode())
        return await _append(conn, deps, request, row, lambda r: domain.answer_follow_up(
            r.status, r.report_id, sealed, r.version))


async def submit(deps: Deps, request: Request) -> Reply:
    """Queue this version of the case for the regulator."""
    request.require("pv_officer")
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        found = await likely_duplicates(conn, deps, row)
        unresolved = [other for other, _ in found if str(other) not in row.duplicates]
        linked = "link" in row.duplicates.values()
        relayed = await conn.scalar(sa.select(sql.relay_queue.c.state).where(
            sql.relay_queue.c.safety_report_id == row.safety_report_id))
        last_sent = None if relayed in (None, "returned") else row.safety_report_id

        def decide(row: sa.Row) -> list[Event]:
            coded = bool(row.reaction_ids) and all(
                str(i) in row.coding for i in row.reaction_ids)
            return domain.submit(row.status, coded, row.report_id, row.version,
                                 f"IN-PU-{row.reference}", unresolved, linked, last_sent)

        return await _append(conn, deps, request, row, decide)


class ResolveDuplicate(_On):
    other_report_id: UUID
    decision: Literal["link", "separate"]


async def resolve_duplicate(deps: Deps, request: Request) -> Reply:
    """The officer says whether a likely duplicate is the same case (link) or not."""
    request.require("pv_officer")
    body = request.parse(ResolveDuplicate)
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        candidates = {other for other, _ in await likely_duplicates(conn, deps, row)}
        return await _append(conn, deps, request, row, lambda r: domain.resolve_duplicate(
            r.status, r.report_id, body.other_report_id, candidates, body.decision))


async def relay_queue(deps: Deps, request: Request) -> Reply:
    """Case versions in the order they were queued for the regulator, filtered by state."""
    request.require(*domain.PV_ROLES)
    query = request.parse(RelayFilter)
    q = sql.relay_queue
    statement = keyset(sa.select(q), q.c.queued_at, q.c.report_id, query.cursor, query.limit)
    if query.state:
        statement = statement.where(q.c.state == query.state)
    async with deps.engine.connect() as conn:
        rows = list((await conn.execute(statement)).all())
    return ok({"items": [{
        "safety_report_id": r.safety_report_id, "report_id": str(r.report_id),
        "version": r.case_version, "state": r.state, "attempts": r.attempts,
        "last_error": r.last_error, "queued_at": r.queued_at.isoformat(),
        "updated_at": r.updated_at.isoformat()} for r in rows[:query.limit]],
        "next_cursor": next_cursor(rows, query.limit, "queued_at", "report_id")})


async def _decide(deps: Deps, request: Request, decide: Any) -> Reply:
    async with deps.engine.begin() as conn:
        row = await case_row(conn, request)
        return await _append(conn, deps, request, row, decide)


async def _append(conn: AsyncConnection, deps: Deps, request: Request, row: sa.Row,
                  decide: Any) -> Reply:
    try:
        events = decide(row)
    except domain.ReportError as error:
        raise ProblemError(409, "Conflict", str(error)) from None
    stream = domain.stream_id(row.report_id)
    version = len(await sql.store.load(conn, stream))
    envelopes = await sql.store.append(conn, stream, version, events, request.event_metadata())
    await apply_all(conn, events, envelopes)
    fresh = (await conn.execute(sa.select(sql.reports).where(
        sql.reports.c.report_id == row.report_id))).one()
    return ok(await view(conn, deps, fresh))
