"""The voices' tables: its event store, idempotency keys, the inline read model `stories`
(what the gallery, the curators' queue and every read serve from), the projection
`people`'s names from identity's events, and the queries. SQLAlchemy Core throughout."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.pagination import keyset
from kit.projection import tracking_table

metadata = sa.MetaData(schema="voices")
store = EventStore(metadata, "voices")
idempotency = idempotency_table(metadata)
tracking = tracking_table(metadata)
TZ = sa.DateTime(timezone=True)

# Inline "stories": every story as its events left it, the personal fields in plain text
# (emptied when it is withdrawn; its storyteller's erasure withdraws it).
stories = sa.Table(
    "stories", metadata,
    sa.Column("story_id", sa.Uuid, primary_key=True),
    sa.Column("storyteller_id", sa.Uuid, nullable=False),
    sa.Column("storyteller_role", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("title", sa.Text), sa.Column("summary", sa.Text), sa.Column("text", sa.Text),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("communities", ARRAY(sa.Text), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("about_someone_else", sa.Boolean, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("previewed", sa.Integer, nullable=False, server_default="-1"),
    sa.Column("media_key", sa.Text), sa.Column("content_type", sa.Text),
    sa.Column("duration_s", sa.Float), sa.Column("size", sa.Integer),
    sa.Column("sound_key", sa.Text), sa.Column("sound_type", sa.Text),  # a video's sound
    sa.Column("sound_size", sa.Integer),
    sa.Column("silenced_key", sa.Text), sa.Column("silenced_type", sa.Text),  # redactions
    sa.Column("silenced_size", sa.Integer),
    sa.Column("segments", JSONB),  # [{start, end, text, redacted}]
    sa.Column("transcript_origin", sa.Text),
    sa.Column("machine_made", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("transcript_model", sa.Text),
    sa.Column("consents", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("visibility", sa.Text), sa.Column("embargo_until", TZ),
    sa.Column("anonymous", sa.Boolean), sa.Column("variant", sa.Text),
    sa.Column("policy_use", sa.Boolean),
    sa.Column("review_note", sa.Text),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("submitted_at", TZ),
    sa.Column("published_at", TZ),
    sa.Index("stories_gallery", "status", "published_at", "story_id"),
    sa.Index("stories_by_storyteller", "storyteller_id", "created_at"),
)
# Inline "stories" too: readers' flags of published stories, open until a curator decides.
story_flags = sa.Table(
    "story_flags", metadata,
    sa.Column("flag_id", sa.Uuid, primary_key=True),
    sa.Column("story_id", sa.Uuid, nullable=False),
    sa.Column("flagger_id", sa.Uuid, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("flagged_at", TZ, nullable=False),
    sa.Column("open", sa.Boolean, nullable=False),
    sa.Index("story_flags_open", "open", "flagged_at"),
)
# Projection "people": the names of the storytellers who tell a story with their name.
people = sa.Table(
    "people", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("display_name", sa.Text),
)


async def story(conn: AsyncConnection, story_id: UUID) -> Any:
    return (await conn.execute(_with_names().where(stories.c.story_id == story_id))).first()


def _with_names() -> sa.Select[Any]:
    return (sa.select(stories, people.c.display_name)
            .select_from(stories.outerjoin(people, people.c.user_id == stories.c.storyteller_id)))


async def gallery(conn: AsyncConnection, community: str | None, language: str | None,
                  kind: str | None, audiences: Sequence[str], now: datetime,
                  cursor: str | None, limit: int) -> Sequence[Any]:
    """Published stories the caller's `audiences` may see, newest first; an embargoed one
    from its embargo's end (it is public then)."""
    seen = sa.or_(stories.c.visibility.in_(audiences),
                  sa.and_(stories.c.visibility == "embargoed", stories.c.embargo_until <= now))
    statement = _with_names().where(stories.c.status == "published", seen)
    if community:
        statement = statement.where(sa.literal(community) == sa.any_(stories.c.communities))
    for column, value in ((stories.c.language, language), (stories.c.kind, kind)):
        if value:
            statement = statement.where(column == value)
    return (await conn.execute(keyset(statement, stories.c.published_at, stories.c.story_id,
                                      cursor, limit, newest_first=True))).all()


async def for_policy(conn: AsyncConnection, community: str | None, cursor: str | None,
                     limit: int) -> Sequence[Any]:
    """Published stories their storytellers released for the union's policy work."""
    statement = _with_names().where(stories.c.status == "published",
                                    stories.c.policy_use.is_(True))
    if community:
        statement = statement.where(sa.literal(community) == sa.any_(stories.c.communities))
    return (await conn.execute(keyset(statement, stories.c.published_at, stories.c.story_id,
                                      cursor, limit, newest_first=True))).all()


async def mine(conn: AsyncConnection, storyteller_id: UUID, cursor: str | None,
               limit: int) -> Sequence[Any]:
    statement = _with_names().where(stories.c.storyteller_id == storyteller_id,
                                    stories.c.status != "withdrawn")
    return (await conn.execute(keyset(statement, stories.c.created_at, stories.c.story_id,
                                      cursor, limit, newest_first=True))).all()


async def submitted(conn: AsyncConnection, limit: int) -> Sequence[Any]:
    """The released stories awaiting a curator, the longest waiting first."""
    return (await conn.execute(_with_names().where(stories.c.status == "submitted")
                               .order_by(stories.c.submitted_at, stories.c.story_id)
                               .limit(limit))).all()


async def embargo_ended(conn: AsyncConnection, now: datetime, limit: int) -> Sequence[UUID]:
    """Published stories whose embargo is over but not yet published to everyone."""
    return (await conn.scalars(
        sa.select(stories.c.story_id)
        .where(stories.c.status == "published", stories.c.visibility == "embargoed",
               stories.c.embargo_until <= now)
        .order_by(stories.c.embargo_until, stories.c.story_id).limit(limit))).all()


async def awaiting_machine(conn: AsyncConnection, limit: int) -> Sequence[Any]:
    """Recorded stories without a transcript yet, for the machine transcriber."""
    return (await conn.execute(
        sa.select(stories.c.story_id, stories.c.media_key, stories.c.language)
        .where(stories.c.status.in_(("draft", "submitted", "changes_requested")),
               stories.c.media_key.isnot(None), stories.c.segments.is_(None))
        .order_by(stories.c.created_at).limit(limit))).all()


async def of_storyteller(conn: AsyncConnection, storyteller_id: UUID) -> list[UUID]:
    return list((await conn.execute(sa.select(stories.c.story_id).where(
        stories.c.storyteller_id == storyteller_id,
        stories.c.status != "withdrawn"))).scalars())


async def open_flags(conn: AsyncConnection, limit: int) -> list[tuple[Any, list[Any]]]:
    """Stories with open flags, the longest flagged first, each with its open flags."""
    flags = (await conn.execute(sa.select(story_flags).where(story_flags.c.open)
                                .order_by(story_flags.c.flagged_at))).all()
    by_story: dict[UUID, list[Any]] = {}
    for flag in flags:
        by_story.setdefault(flag.story_id, []).append(flag)
    wanted = list(by_story)[:limit]
    rows = {row.story_id: row for row in (await conn.execute(
        _with_names().where(stories.c.story_id.in_(wanted)))).all()}
    return [(rows[story_id], by_story[story_id]) for story_id in wanted if story_id in rows]


async def overdue_flags(conn: AsyncConnection, before: datetime) -> int:
    """Stories flagged before `before` whose flags are still open."""
    return int(await conn.scalar(sa.select(sa.func.count(sa.distinct(story_flags.c.story_id)))
                                 .where(story_flags.c.open,
                                        story_flags.c.flagged_at < before)) or 0)
