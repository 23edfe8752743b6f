"""Drug-information queries: asked by anyone signed in, answered by the pharmacist
reviewers, oldest first, overdue past the team's time to answer."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from contracts.feed.messages import (
    AnswerDrugQuery,
    AskDrugQuery,
    DrugAnswer,
    DrugQueries,
    DrugQueriesQuery,
    DrugQuery,
    DrugQueryAccepted,
    DrugQueryRef,
    Notice,
)
from contracts.roles import PHARMACIST_REVIEWER
from feed import domain, moderation
from feed.adapters import sql
from feed.deps import Deps
from feed.handlers.offers import offers
from kit.pagination import decode_cursor, encode_cursor
from kit.usecases import Call

TEAM = "verified drug-information team"


async def ask_drug_query(call: Call[AskDrugQuery], deps: Deps) -> DrugQueryAccepted:
    command, query_id = call.command, uuid4()
    screening = moderation.screen(f"{command.medicine}\n{command.question}", deps.keywords)
    events = domain.ask_drug_query(query_id, call.caller.user_id, command.medicine,
                                   command.question, command.language, screening)
    async with deps.db.transaction() as conn:
        await deps.drug_queries.append(conn, domain.drug_query_stream(query_id), 0, events,
                                       call.caller.metadata)
    return DrugQueryAccepted(query_id=query_id, notices=[
        Notice(kind="helpline", message=moderation.message(notice, call.caller.language))
        for notice in screening.notices if notice == moderation.SELF_HARM],
        offers=offers(f"{command.medicine}\n{command.question}", command.language,
                      call.caller.language))


async def answer_drug_query(call: Call[AnswerDrugQuery], deps: Deps) -> DrugQuery:
    """Only a pharmacist reviewer answers (the table's roles); one answer per query."""
    command = call.command
    async with deps.db.transaction() as conn:
        await deps.drug_queries.change(
            conn, domain.drug_query_stream(command.query_id),
            lambda query: domain.answer_drug_query(query, command.query_id,
                                                   call.caller.user_id, command.body,
                                                   command.references),
            call.caller.metadata)
        row = await sql.drug_query(conn, command.query_id)
    return _view(row, deps)


async def get_drug_query(call: Call[DrugQueryRef], deps: Deps) -> DrugQuery:
    """The asker's own query, or any to the reviewers; to anyone else there is none."""
    async with deps.db.connect() as conn:
        row = await sql.drug_query(conn, call.command.query_id)
    if row is None or not (row.asker_id == call.caller.user_id
                           or call.caller.has_any(PHARMACIST_REVIEWER)):
        raise domain.NoSuchDrugQueryError()
    return _view(row, deps)


async def drug_query_queue(call: Call[DrugQueriesQuery], deps: Deps) -> DrugQueries:
    """The reviewers' queue: oldest first, with each query's age and whether overdue."""
    return await _page(call.command, deps, asker=None)


async def my_drug_queries(call: Call[DrugQueriesQuery], deps: Deps) -> DrugQueries:
    return await _page(call.command, deps, asker=call.caller.user_id)


async def _page(query: DrugQueriesQuery, deps: Deps, asker: Any) -> DrugQueries:
    after = decode_cursor(query.cursor)
    async with deps.db.connect() as conn:
        rows = await sql.drug_query_page(conn, query.status, asker, query.limit + 1, after)
    more, rows = len(rows) > query.limit, rows[:query.limit]
    return DrugQueries(items=[_view(row, deps) for row in rows],
                       next_cursor=encode_cursor(rows[-1].asked_at, rows[-1].query_id)
                       if more else None)


def _view(row: Any, deps: Deps) -> DrugQuery:
    until = row.answered_at or datetime.now(UTC)
    answer = (DrugAnswer(body=row.answer, references=row.answer_references or [],
                         answered_at=row.answered_at, by=TEAM)
              if row.answered_at is not None else None)
    return DrugQuery(query_id=row.query_id, medicine=row.medicine, question=row.question,
                     language=row.language, asked_at=row.asked_at,
                     status="answered" if answer else "open",
                     age_hours=round((until - row.asked_at).total_seconds() / 3600, 2),
                     overdue=answer is None and until - row.asked_at > deps.drug_query_sla,
                     answer=answer)
