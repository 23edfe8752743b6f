"""The surveys' tables: the event store, the inline read models (surveys and their
versions, responses, the results' counts and free texts), the members projection (who
follows which community, in which language they read), and two tables that are not read
models: the "who answered" set of anonymous surveys and the respondents' drafts (README.md
says why neither is an event). SQLAlchemy Core throughout."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.projection import tracking_table

metadata = sa.MetaData(schema="surveys")
store = EventStore(metadata, "surveys")
idempotency = idempotency_table(metadata)
tracking = tracking_table(metadata)
TZ = sa.DateTime(timezone=True)
Texts = ARRAY(sa.Text)

# Inline "surveys": each survey's working and published versions, for listing.
surveys = sa.Table(
    "surveys", metadata,
    sa.Column("survey_id", sa.Uuid, primary_key=True),
    sa.Column("working_version", sa.Integer, nullable=False),
    sa.Column("published_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("everyone", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("communities", Texts, nullable=False, server_default="{}"),
    sa.Column("roles", Texts, nullable=False, server_default="{}"),
    sa.Column("opens_at", TZ), sa.Column("closes_at", TZ),
    sa.Column("published_at", TZ),
    sa.Column("drafted_at", TZ, nullable=False),
)
versions = sa.Table(
    "versions", metadata,
    sa.Column("survey_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("definition", JSONB, nullable=False),
)
# Inline "results": every response, and what the figures are made of.
responses = sa.Table(
    "responses", metadata,
    sa.Column("response_id", sa.Uuid, primary_key=True),
    sa.Column("survey_id", sa.Uuid, nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("answers", JSONB, nullable=False),
    sa.Column("communities", Texts, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("answered_on", sa.Date, nullable=False),
    sa.Column("respondent_id", sa.Uuid),  # identified surveys only
)
# community "" is every response; question "*" counts responses, by version as option.
tallies = sa.Table(
    "tallies", metadata,
    sa.Column("survey_id", sa.Uuid, primary_key=True),
    sa.Column("community", sa.Text, primary_key=True),
    sa.Column("question", sa.Text, primary_key=True),
    sa.Column("option", sa.Text, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
numbers = sa.Table(
    "numbers", metadata,
    sa.Column("survey_id", sa.Uuid, primary_key=True),
    sa.Column("community", sa.Text, primary_key=True),
    sa.Column("question", sa.Text, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("total", sa.Float, nullable=False),
)
texts = sa.Table(
    "texts", metadata,
    sa.Column("response_id", sa.Uuid, primary_key=True),
    sa.Column("question", sa.Text, primary_key=True),
    sa.Column("survey_id", sa.Uuid, nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),  # sealed with the respondent's key if known
    sa.Column("respondent_id", sa.Uuid),
    sa.Column("held", Texts, nullable=False),  # why it is held; empty: staff read it
)
# Projection "members": what the audience rule and the language fallback read.
members = sa.Table(
    "members", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("community", sa.Text, primary_key=True),
)
people = sa.Table(
    "people", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("language", sa.Text, nullable=False),
)
# Not read models. The "who answered" set of anonymous surveys: an HMAC of the survey and
# the person, no time, no link to the response. Drafts: answers saved to resume, sealed
# with the person's key, gone on submission.
participants = sa.Table(
    "participants", metadata,
    sa.Column("survey_id", sa.Uuid, primary_key=True),
    sa.Column("token", sa.LargeBinary, primary_key=True),
)
drafts = sa.Table(
    "drafts", metadata,
    sa.Column("survey_id", sa.Uuid, primary_key=True),
    sa.Column("token", sa.LargeBinary, primary_key=True),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("saved_on", sa.Date, nullable=False),
)


async def open_surveys(conn: AsyncConnection, now: datetime, roles: Sequence[str],
                       communities: Sequence[str], after: tuple[datetime, UUID] | None,
                       limit: int) -> Sequence[Any]:
    """The open published surveys whose audience holds the caller, oldest first."""
    s = surveys.c
    statement = sa.select(surveys, versions.c.definition).join(versions, sa.and_(
        versions.c.survey_id == s.survey_id, versions.c.version == s.published_version)
    ).where(s.published_version > 0,
            sa.or_(s.opens_at.is_(None), s.opens_at <= now),
            sa.or_(s.closes_at.is_(None), s.closes_at > now),
            sa.or_(s.everyone, s.roles.overlap(list(roles) or [""]),
                   s.communities.overlap(list(communities) or [""])))
    if after is not None:
        statement = statement.where(sa.tuple_(s.published_at, s.survey_id) > after)
    return (await conn.execute(statement.order_by(s.published_at, s.survey_id)
                               .limit(limit + 1))).all()


async def communities_of(conn: AsyncConnection, user_id: UUID) -> list[str]:
    return list((await conn.scalars(sa.select(members.c.community).where(
        members.c.user_id == user_id).order_by(members.c.community))).all())


async def language_of(conn: AsyncConnection, user_id: UUID) -> str | None:
    return await conn.scalar(sa.select(people.c.language).where(people.c.user_id == user_id))


async def definition(conn: AsyncConnection, survey_id: UUID, version: int) -> Any:
    return await conn.scalar(sa.select(versions.c.definition).where(
        versions.c.survey_id == survey_id, versions.c.version == version))


async def took_part(conn: AsyncConnection, survey_id: UUID, token: bytes) -> bool:
    """Add the token to the survey's "who answered" set; False if it was there already
    (a concurrent first one waits for the other's commit, then finds it)."""
    added = await conn.execute(insert(participants).values(survey_id=survey_id, token=token)
                               .on_conflict_do_nothing().returning(participants.c.token))
    return added.first() is not None


async def has_taken_part(conn: AsyncConnection, survey_id: UUID, token: bytes) -> bool:
    return await conn.scalar(sa.select(sa.literal(True)).where(
        participants.c.survey_id == survey_id, participants.c.token == token)) is not None


async def save_draft(conn: AsyncConnection, survey_id: UUID, token: bytes, sealed: str,
                     today: date) -> None:
    statement = insert(drafts).values(survey_id=survey_id, token=token, answers=sealed,
                                      saved_on=today)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["survey_id", "token"],
        set_={"answers": statement.excluded.answers, "saved_on": statement.excluded.saved_on}))


async def draft_of(conn: AsyncConnection, survey_id: UUID, token: bytes) -> str | None:
    return await conn.scalar(sa.select(drafts.c.answers).where(
        drafts.c.survey_id == survey_id, drafts.c.token == token))


async def drop_draft(conn: AsyncConnection, survey_id: UUID, token: bytes) -> None:
    await conn.execute(drafts.delete().where(drafts.c.survey_id == survey_id,
                                             drafts.c.token == token))


async def counts(conn: AsyncConnection, survey_id: UUID) -> Sequence[Any]:
    return (await conn.execute(sa.select(tallies).where(tallies.c.survey_id == survey_id))).all()


async def sums(conn: AsyncConnection, survey_id: UUID) -> Sequence[Any]:
    return (await conn.execute(sa.select(numbers).where(numbers.c.survey_id == survey_id))).all()


async def free_texts(conn: AsyncConnection, survey_id: UUID) -> Sequence[Any]:
    return (await conn.execute(sa.select(texts).where(texts.c.survey_id == survey_id)
                               .order_by(texts.c.question, texts.c.response_id))).all()


async def all_responses(conn: AsyncConnection, survey_id: UUID) -> Sequence[Any]:
    """Every response of a survey, in the order of their random ids (not of arrival)."""
    return (await conn.execute(sa.select(responses).where(responses.c.survey_id == survey_id)
                               .order_by(responses.c.response_id))).all()


def _status(now: datetime) -> Any:
    s = surveys.c
    return sa.case((s.published_version == 0, "draft"),
                   (sa.and_(s.closes_at.is_not(None), s.closes_at <= now), "closed"),
                   else_="published")


async def all_surveys(conn: AsyncConnection, now: datetime, status: str | None,
                      after: tuple[datetime, UUID] | None, limit: int) -> Sequence[Any]:
    """Every survey, newest first, with its current definition (the published version, else
    the draft), its status and how many people answered it (identified responses and spent
    tokens: an anonymous answer still waiting for its batch counts)."""
    s = surveys.c
    current = sa.case((s.published_version > 0, s.published_version), else_=s.working_version)
    identified = sa.select(sa.func.count()).where(
        responses.c.survey_id == s.survey_id, responses.c.respondent_id.is_not(None))
    anonymous = sa.select(sa.func.count()).where(participants.c.survey_id == s.survey_id)
    statement = sa.select(
        surveys, versions.c.definition, _status(now).label("status"),
        (identified.scalar_subquery() + anonymous.scalar_subquery()).label("answered"),
    ).join(versions, sa.and_(versions.c.survey_id == s.survey_id, versions.c.version == current))
    if status is not None:
        statement = statement.where(_status(now) == status)
    if after is not None:
        statement = statement.where(sa.tuple_(s.drafted_at, s.survey_id) < after)
    return (await conn.execute(statement.order_by(s.drafted_at.desc(), s.survey_id.desc())
                               .limit(limit + 1))).all()
