"""Writing surveys: a new one, an edit (of the working version, or the next version after a
published one), publication; and the two ready surveys, seeded at start-up."""

from typing import Literal
from uuid import uuid4

from contracts.events import Event
from contracts.surveys.messages import Definition, ReviseSurvey, SurveyAccepted, SurveyRef
from kit.eventstore import ConcurrencyError, Metadata
from kit.usecases import Call
from surveys import domain, ready
from surveys.deps import Deps

SEEDER = Metadata(actor="surveys")


def _accepted(survey: domain.Survey) -> SurveyAccepted:
    assert survey.survey_id is not None
    status: Literal["draft", "published"] = (
        "published" if survey.working == survey.published else "draft")
    return SurveyAccepted(survey_id=survey.survey_id, version=survey.working, status=status)


async def create_survey(call: Call[Definition], deps: Deps) -> SurveyAccepted:
    survey_id = uuid4()
    stream = domain.survey_stream(survey_id)
    async with deps.db.transaction() as conn:
        survey, version = await deps.surveys.get(conn, stream)
        events = domain.draft(survey, survey_id, call.command, call.caller.user_id)
        await deps.surveys.append(conn, stream, version, events, call.caller.metadata)
    return _accepted(_folded(survey, events))


async def revise_survey(call: Call[ReviseSurvey], deps: Deps) -> SurveyAccepted:
    command = call.command
    definition = Definition.model_validate(command.model_dump(exclude={"survey_id"}))
    stream = domain.survey_stream(command.survey_id)
    async with deps.db.transaction() as conn:
        survey, version = await deps.surveys.get(conn, stream)
        events = domain.revise(survey, definition, call.caller.user_id)
        await deps.surveys.append(conn, stream, version, events, call.caller.metadata)
    return _accepted(_folded(survey, events))


async def publish_survey(call: Call[SurveyRef], deps: Deps) -> SurveyAccepted:
    stream = domain.survey_stream(call.command.survey_id)
    async with deps.db.transaction() as conn:
        survey, version = await deps.surveys.get(conn, stream)
        events = domain.publish(survey, call.caller.user_id)
        await deps.surveys.append(conn, stream, version, events, call.caller.metadata)
    return _accepted(_folded(survey, events))


def _folded(survey: domain.Survey, events: list[Event]) -> domain.Survey:
    for event in events:
        survey = domain.evolve(survey, event)
    return survey


async def seed_ready_surveys(deps: Deps) -> None:
    """Draft each ready survey once (a second process starting at once moves on)."""
    for survey_id, definition in ready.READY:
        stream = domain.survey_stream(survey_id)
        try:
            async with deps.db.transaction() as conn:
                survey, version = await deps.surveys.get(conn, stream)
                if not survey.exists:
                    await deps.surveys.append(conn, stream, version, domain.draft(
                        survey, survey_id, definition, None), SEEDER)
        except ConcurrencyError:
            continue
