"""Answering: the open surveys of the caller's audience in their language, one survey with
the caller's draft, saving a draft, and the one response per person (README.md says how an
anonymous one is kept apart from who gave it)."""

from typing import Any
from uuid import UUID, uuid4

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.roles import ADMIN, SURVEY_MANAGER
from contracts.surveys.messages import (
    Definition,
    DraftSaved,
    OptionView,
    QuestionView,
    ResponseAccepted,
    SaveDraft,
    SubmitResponse,
    SurveyRef,
    SurveysPage,
    SurveysQuery,
    SurveySummary,
    SurveyView,
)
from contracts.text import has_contact_details
from kit.logging import get_logger
from kit.pagination import decode_cursor, next_cursor
from kit.personal import KeyShreddedError
from kit.usecases import Call, Caller
from surveys import domain
from surveys.adapters import ballots, sql
from surveys.deps import Deps

log = get_logger(__name__)
STAFF = (SURVEY_MANAGER, ADMIN)
CONTACT_DETAILS = "contact_details"
DRAFT_FIELD, TEXT_FIELD = "survey_draft", "survey_text"


async def _languages(conn: AsyncConnection, caller: Caller, asked: list[str]) -> list[str]:
    """The languages asked for, else the person's preferred one."""
    if asked:
        return asked
    preferred = await sql.language_of(conn, caller.user_id)
    return [preferred] if preferred else []


async def list_surveys(call: Call[SurveysQuery], deps: Deps) -> SurveysPage:
    query, caller = call.command, call.caller
    roles = caller.principal.roles if caller.principal else ()
    async with deps.db.connect() as conn:
        languages = await _languages(conn, caller, query.languages)
        communities = await sql.communities_of(conn, caller.user_id)
        rows = await sql.open_surveys(conn, deps.clock(), roles, communities,
                                      decode_cursor(query.cursor), query.limit)
        items = [_summary(row, languages).model_copy(update={"answered": await _answered_by(
            conn, deps, row.survey_id, row.definition["mode"], caller.user_id)})
            for row in rows[:query.limit]]
    return SurveysPage(items=items,
                       next_cursor=next_cursor(list(rows), query.limit, "published_at",
                                               "survey_id"))


def _summary(row: Any, languages: list[str]) -> SurveySummary:
    definition = Definition.model_validate(row.definition)
    title, language = domain.label(definition.title, languages, definition.default_language)
    return SurveySummary(survey_id=row.survey_id, version=row.published_version,
                         title=title or "", language=language, mode=definition.mode,
                         closes_at=definition.closes_at, questions=len(definition.questions))


async def _readable(conn: AsyncConnection, deps: Deps, caller: Caller,
                    survey_id: UUID) -> tuple[domain.Survey, Definition, bool]:
    """The survey and the version the caller reads: staff any, the audience the open one."""
    survey, _ = await deps.surveys.get(conn, domain.survey_stream(survey_id))
    staff = caller.has_any(*STAFF)
    if not survey.exists:
        raise domain.NoSuchSurveyError("no such survey")
    if staff:
        return survey, survey.current() or survey.versions[survey.working], True
    definition = survey.current()
    if definition is None:
        raise domain.NoSuchSurveyError("no such survey")
    await _in_audience(conn, caller, definition)
    return survey, definition, False


async def _in_audience(conn: AsyncConnection, caller: Caller, definition: Definition) -> list[str]:
    """The caller's communities, if the caller is in the audience."""
    communities = await sql.communities_of(conn, caller.user_id)
    roles = caller.principal.roles if caller.principal else ()
    if not domain.in_audience(definition, roles, communities):
        raise domain.NotInAudienceError("this survey is for another audience")
    return communities


async def get_survey(call: Call[SurveyRef], deps: Deps) -> SurveyView:
    command, caller = call.command, call.caller
    async with deps.db.connect() as conn:
        survey, definition, staff = await _readable(conn, deps, caller, command.survey_id)
        languages = await _languages(conn, caller, command.languages)
        answered = await _answered(conn, deps, survey, definition, caller.user_id)
        draft = await _draft(conn, deps, command.survey_id, caller.user_id)
    view = localised(survey, definition, languages)
    if staff:
        working = survey.versions[survey.working]
        view = view.model_copy(update={
            "definition": working.model_dump(mode="json", by_alias=True),
            "working_version": survey.working})
    return view.model_copy(update={"answered": answered, "draft": draft})


def localised(survey: domain.Survey, definition: Definition,
              languages: list[str]) -> SurveyView:
    """The version in the first language it has of those asked, label by label."""
    default = definition.default_language
    title, language = domain.label(definition.title, languages, default)
    description, _ = domain.label(definition.description, languages, default)
    questions = [QuestionView(
        id=q.id, type=q.type, label=domain.label(q.label, languages, default)[0] or "",
        label_language=domain.label(q.label, languages, default)[1],
        hint=domain.label(q.hint, languages, default)[0], required=q.required,
        options=[OptionView(value=o.value, label=domain.label(o.label, languages, default)[0]
                            or o.value) for o in q.options],
        dont_know=q.dont_know, min=q.min, max=q.max, max_length=q.max_length,
        show_if=q.show_if.model_dump(by_alias=True, exclude_none=True) if q.show_if else None)
        for q in definition.questions]
    assert survey.survey_id is not None
    return SurveyView(survey_id=survey.survey_id, version=survey.published or survey.working,
                      status="published" if survey.published else "draft",
                      language=language, title=title or "", description=description,
                      mode=definition.mode, opens_at=definition.opens_at,
                      closes_at=definition.closes_at, questions=questions)


async def _answered(conn: AsyncConnection, deps: Deps, survey: domain.Survey,
                    definition: Definition, user_id: UUID) -> bool:
    assert survey.survey_id is not None
    return await _answered_by(conn, deps, survey.survey_id, definition.mode, user_id)


async def _answered_by(conn: AsyncConnection, deps: Deps, survey_id: UUID, mode: str,
                       user_id: UUID) -> bool:
    if mode == "anonymous":
        return await sql.has_taken_part(conn, survey_id, deps.token(survey_id, user_id))
    answered, _ = await deps.responses.get(conn, domain.response_stream(survey_id, user_id))
    return answered


async def _draft(conn: AsyncConnection, deps: Deps, survey_id: UUID,
                 user_id: UUID) -> dict[str, Any] | None:
    sealed = await sql.draft_of(conn, survey_id, deps.token(survey_id, user_id))
    opened = await deps.personal.reveal(conn, user_id, DRAFT_FIELD, sealed)
    return orjson.loads(opened) if opened else None


async def _key(conn: AsyncConnection, deps: Deps, user_id: UUID) -> bytes:
    try:
        return await deps.personal.key(conn, user_id)
    except KeyShreddedError:
        raise domain.NotInAudienceError("this account was erased") from None


async def save_draft(call: Call[SaveDraft], deps: Deps) -> DraftSaved:
    """Answers so far, to resume later: checked as far as they go, sealed with the person's
    key, one draft per person per survey."""
    command, user_id, today = call.command, call.caller.user_id, deps.clock().date()
    async with deps.db.transaction() as conn:
        survey, _ = await deps.surveys.get(conn, domain.survey_stream(command.survey_id))
        if not survey.exists:
            raise domain.NoSuchSurveyError("no such survey")
        definition = domain.check_open(survey, deps.clock())
        await _in_audience(conn, call.caller, definition)
        if await _answered(conn, deps, survey, definition, user_id):
            raise domain.AlreadyAnsweredError("you have answered this survey already")
        answers = domain.check_answers(definition, command.answers, complete=False)
        key = await _key(conn, deps, user_id)
        sealed = deps.personal.encrypt(key, user_id, DRAFT_FIELD,
                                       orjson.dumps(answers).decode())
        await sql.save_draft(conn, command.survey_id, deps.token(command.survey_id, user_id),
                             sealed, today)
    return DraftSaved(survey_id=command.survey_id, saved_on=today)


async def submit_response(call: Call[SubmitResponse], deps: Deps) -> ResponseAccepted:
    command, user_id, now = call.command, call.caller.user_id, deps.clock()
    async with deps.db.transaction() as conn:
        survey, _ = await deps.surveys.get(conn, domain.survey_stream(command.survey_id))
        if not survey.exists:
            raise domain.NoSuchSurveyError("no such survey")
        definition = domain.check_open(survey, now)
        communities = await _in_audience(conn, call.caller, definition)
        answers = domain.check_answers(definition, command.answers, complete=True)
        held = {q.id: [CONTACT_DETAILS] for q in definition.questions
                if q.type == "text" and q.id in answers and has_contact_details(answers[q.id])}
        language = command.language or definition.default_language
        token = deps.token(command.survey_id, user_id)
        if definition.mode == "anonymous":
            await _anonymous(conn, deps, survey, definition, answers, communities, language,
                             held, token, now.date())
        else:
            await _identified(conn, deps, call, survey, definition, answers, communities,
                              language, held)
        await sql.drop_draft(conn, command.survey_id, token)
    log.info("survey_answered", survey_id=str(command.survey_id), held=len(held))
    return ResponseAccepted(survey_id=command.survey_id, version=survey.published,
                            status="submitted")


async def _anonymous(conn: AsyncConnection, deps: Deps, survey: domain.Survey,
                     definition: Definition, answers: dict[str, Any], communities: list[str],
                     language: str, held: dict[str, list[str]], token: bytes,
                     today: Any) -> None:
    """The token into the "who answered" set and the answers into the ballot box, with no
    respondent and the day only; a later batch writes them as a response (handlers/
    batches.py), apart from this transaction."""
    assert survey.survey_id is not None
    await ballots.lock(conn, survey.survey_id, shared=True)
    if not await sql.took_part(conn, survey.survey_id, token):
        raise domain.AlreadyAnsweredError("you have answered this survey already")
    event = domain.respond(survey, definition, uuid4(), answers, communities, language,
                           today, None)
    await ballots.cast(conn, survey.survey_id, event.model_copy(update={"held": held})
                       .model_dump(mode="json", exclude={"response_id"}))


async def _identified(conn: AsyncConnection, deps: Deps, call: Call[SubmitResponse],
                      survey: domain.Survey, definition: Definition, answers: dict[str, Any],
                      communities: list[str], language: str,
                      held: dict[str, list[str]]) -> None:
    """The response on the person's own stream for the survey: a second one finds it."""
    assert survey.survey_id is not None
    user_id = call.caller.user_id
    stream = domain.response_stream(survey.survey_id, user_id)
    answered, version = await deps.responses.get(conn, stream)
    if answered:
        raise domain.AlreadyAnsweredError("you have answered this survey already")
    key = await _key(conn, deps, user_id)
    sealed = {qid: deps.personal.encrypt(key, user_id, TEXT_FIELD, value)
              if _is_text(definition, qid) else value for qid, value in answers.items()}
    event = domain.respond(survey, definition, uuid4(), sealed, communities, language,
                           deps.clock().date(), user_id)
    await deps.responses.append(conn, stream, version, [event.model_copy(update={"held": held})],
                                call.caller.metadata)


def _is_text(definition: Definition, question_id: str) -> bool:
    return any(q.id == question_id and q.type == "text" for q in definition.questions)
