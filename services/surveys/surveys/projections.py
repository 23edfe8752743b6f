"""The surveys' read models: the inline `surveys` (definitions, for listing and reading)
and `results` (responses, the counts per option and community, free texts), written with
the events and rebuilt from them; and the projection `members`, fed from the feed's and
identity's streams: who follows which community, and the language each person prefers."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.feed.events import CommunityFollowed, CommunityUnfollowed
from contracts.identity.events import AccountRegistered, PersonErased
from contracts.registry import ALL
from contracts.surveys.events import SurveyDrafted, SurveyPublished
from contracts.surveys.messages import Definition
from kit.projection import Projection, one_by_one
from kit.readmodels import InlineModel
from surveys import figures
from surveys.adapters import sql
from surveys.events import REGISTRY, ResponseSubmitted

ALL_RESPONSES = ""  # the community of the overall counts


async def drafted(conn: AsyncConnection, event: SurveyDrafted, envelope: Envelope) -> None:
    statement = insert(sql.versions).values(
        survey_id=event.survey_id, version=event.survey_version, definition=event.definition)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["survey_id", "version"],
        set_={"definition": statement.excluded.definition}))
    survey = insert(sql.surveys).values(survey_id=event.survey_id,
                                        working_version=event.survey_version,
                                        drafted_at=envelope.occurred_at)
    await conn.execute(survey.on_conflict_do_update(
        index_elements=["survey_id"], set_={"working_version": event.survey_version}))


async def published(conn: AsyncConnection, event: SurveyPublished, envelope: Envelope) -> None:
    definition = Definition.model_validate(await sql.definition(conn, event.survey_id,
                                                                event.survey_version))
    audience = definition.audience
    await conn.execute(sql.surveys.update().where(sql.surveys.c.survey_id == event.survey_id)
                       .values(published_version=event.survey_version,
                               everyone=audience.everyone,
                               communities=audience.communities, roles=audience.roles,
                               opens_at=definition.opens_at, closes_at=definition.closes_at,
                               published_at=sa.func.coalesce(sql.surveys.c.published_at,
                                                             envelope.occurred_at)))


SURVEYS = InlineModel(name="surveys", tables=[sql.surveys, sql.versions], registry=REGISTRY,
                      store=sql.store,
                      handlers={SurveyDrafted: one_by_one(drafted),
                                SurveyPublished: one_by_one(published)})


async def submitted(conn: AsyncConnection, event: ResponseSubmitted, _: Envelope) -> None:
    """The response, and one more in each count it falls in: overall and per community."""
    await conn.execute(insert(sql.responses).values(
        response_id=event.response_id, survey_id=event.survey_id, version=event.survey_version,
        answers=event.answers, communities=event.communities, language=event.language,
        answered_on=event.answered_on, respondent_id=event.respondent_id))
    definition = Definition.model_validate(await sql.definition(conn, event.survey_id,
                                                                event.survey_version))
    groups = [ALL_RESPONSES, *event.communities]
    cells = [("*", str(event.survey_version))]
    for question in definition.questions:
        answer = event.answers.get(question.id)
        if answer is None:
            continue
        cells += [(question.id, figures.ANSWERED),
                  *((question.id, option) for option in figures.cells(question, answer))]
        if question.type == "number":
            await _add_number(conn, event.survey_id, groups, question.id, float(answer))
        if question.type == "text":
            await conn.execute(insert(sql.texts).values(
                response_id=event.response_id, question=question.id,
                survey_id=event.survey_id, text=answer, respondent_id=event.respondent_id,
                held=event.held.get(question.id, [])))
    await _count(conn, event.survey_id, groups, cells)


async def _count(conn: AsyncConnection, survey_id: UUID, groups: list[str],
                 cells: list[tuple[str, str]]) -> None:
    rows = [{"survey_id": survey_id, "community": group, "question": question,
             "option": option, "count": 1} for group in groups for question, option in cells]
    statement = insert(sql.tallies).values(rows)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["survey_id", "community", "question", "option"],
        set_={"count": sql.tallies.c.count + 1}))


async def _add_number(conn: AsyncConnection, survey_id: UUID, groups: list[str],
                      question: str, value: float) -> None:
    statement = insert(sql.numbers).values([
        {"survey_id": survey_id, "community": group, "question": question, "n": 1,
         "total": value} for group in groups])
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["survey_id", "community", "question"],
        set_={"n": sql.numbers.c.n + 1, "total": sql.numbers.c.total + value}))


RESULTS = InlineModel(name="results",
                      tables=[sql.responses, sql.tallies, sql.numbers, sql.texts],
                      registry=REGISTRY, store=sql.store,
                      handlers={ResponseSubmitted: one_by_one(submitted)})


async def followed(conn: AsyncConnection, event: CommunityFollowed, _: Envelope) -> None:
    await conn.execute(insert(sql.members).values(user_id=event.user_id,
                                                  community=event.community)
                       .on_conflict_do_nothing())


async def unfollowed(conn: AsyncConnection, event: CommunityUnfollowed, _: Envelope) -> None:
    await conn.execute(sql.members.delete().where(sql.members.c.user_id == event.user_id,
                                                  sql.members.c.community == event.community))


async def registered(conn: AsyncConnection, event: AccountRegistered, _: Envelope) -> None:
    statement = insert(sql.people).values(user_id=event.user_id,
                                          language=event.preferred_language)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"language": statement.excluded.language}))


async def erased(conn: AsyncConnection, event: PersonErased, _: Envelope) -> None:
    """An erased person: neither their communities nor their language are kept."""
    for table in (sql.members, sql.people):
        await conn.execute(table.delete().where(table.c.user_id == event.user_id))


def members() -> Projection:
    return Projection(service="surveys", name="members", registry=ALL,
                      handlers={CommunityFollowed: one_by_one(followed),
                                CommunityUnfollowed: one_by_one(unfollowed),
                                AccountRegistered: one_by_one(registered),
                                PersonErased: one_by_one(erased)},
                      tables=[sql.members, sql.people])
