"""Feed's tables: its event store, the inline posts model and the projections' models, and
the queries the use cases make of them."""

import functools
import operator
import unicodedata
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.projection import tracking_table
from kit.sql import Statement

metadata = sa.MetaData(schema="feed")
store = EventStore(metadata, "feed")
idempotency = idempotency_table(metadata)
tracking = tracking_table(metadata)
TZ = sa.DateTime(timezone=True)


class FeedTable(SQLModel, registry=registry(metadata=metadata)):
    """A read-model table of the feed, declared once: the table, and the typed row."""


class PostRow(FeedTable):
    """A post as the feed keeps it."""

    post_id: UUID = Field(primary_key=True)
    community: str = Field(sa_type=sa.Text)
    kind: str = Field(sa_type=sa.Text)
    title: str | None = Field(default=None, sa_type=sa.Text)
    body: str = Field(sa_type=sa.Text)
    language: str = Field(sa_type=sa.Text)
    author_id: UUID
    created_at: datetime = Field(sa_type=TZ)


def searchable(*columns: str) -> sa.Computed:
    """The words of a row for full-text search, stemmed by its language where Postgres has
    a dictionary for it (English, Hindi, Tamil, Nepali), word for word otherwise."""
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return sa.Computed(
        "to_tsvector(CASE language WHEN 'en' THEN 'english'::regconfig "
        "WHEN 'hi' THEN 'hindi'::regconfig WHEN 'ta' THEN 'tamil'::regconfig "
        f"ELSE 'simple'::regconfig END, {text})", persisted=True)


class Post(PostRow, table=True):
    """Inline read model: written in the same transaction as the event (read-your-writes),
    what the first-day limits count, and where each post stands with the moderators."""

    __tablename__ = "posts"
    __table_args__ = (sa.Index("posts_by_author", "author_id", "created_at"),)
    status: str = Field(default="published", sa_type=sa.Text)  # published, held, hidden, deleted
    edited_at: datetime | None = Field(default=None, sa_type=TZ)


posts: sa.Table = Post.__table__  # type: ignore[attr-defined]

class TimelinePost(PostRow, table=True):
    """Projection "timeline": the feed pages (with the authors below).

    Queried with SQLAlchemy Core rather than read as model objects: a feed page is the read
    path's hottest query, and building objects for its rows costs more than the query
    itself (bench: GET /v1/feed, no cache)."""

    __tablename__ = "timeline"
    __table_args__ = (sa.Index("timeline_page", "community", sa.text("created_at DESC"),
                               sa.text("post_id DESC")),
                      sa.Index("timeline_stories", "story_id"))
    # A voices story shown as a post (feed.stories): which, and whether for members only.
    story_id: UUID | None = Field(default=None)
    members_only: bool = Field(default=False,
                               sa_column_kwargs={"server_default": sa.false()})


timeline: sa.Table = TimelinePost.__table__  # type: ignore[attr-defined]


class SearchedPost(PostRow, table=True):
    """Projection "search": the published posts with their words for full-text search,
    kept apart from the timeline (stemming and the GIN index cost what feed pages need not
    pay) and off the write path."""

    __tablename__ = "searched_posts"
    __table_args__ = (sa.Index("searched_posts_words", "search", postgresql_using="gin"),)
    search: Any = Field(default=None, sa_column=sa.Column(
        TSVECTOR, searchable("title", "body")))


searched_posts: sa.Table = SearchedPost.__table__  # type: ignore[attr-defined]
# Projection "search" too: the voices' published stories (feed.stories) by their title and
# summary, those for members only found by signed-in members only.
searched_stories = sa.Table(
    "searched_stories", metadata,
    sa.Column("story_id", sa.Uuid, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("members_only", sa.Boolean, nullable=False),
    sa.Column("search", TSVECTOR, searchable("title", "body")),
    sa.Index("searched_stories_words", "search", postgresql_using="gin"),
)

# pg_trgm, for the words the stemmers miss: an extension of the whole database, created
# with the first table that needs it, once (IF NOT EXISTS), and tolerant of a concurrent
# creator (whose row in pg_extension makes ours a unique violation: nothing to do then).
TRIGRAMS = sa.DDL(
    "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; "
    "EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$")


def trigram_text(table: sa.Table) -> sa.ColumnElement[str]:
    """A row's words as trigrams are taken of them, the same expression in the index and
    in the query (constants inlined, never parameters: the planner matches them)."""
    if "title" not in table.c:
        return table.c.body
    return (sa.func.coalesce(table.c.title, sa.literal_column("''"))
            .op("||")(sa.literal_column("' '")).op("||")(table.c.body))


sa.event.listen(searched_posts, "before_create", TRIGRAMS)
sa.Index("searched_posts_trigrams", trigram_text(searched_posts).label("words"),
         postgresql_using="gin", postgresql_ops={"words": "gin_trgm_ops"})
authors = sa.Table(
    "authors", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("profession", sa.Text),
    # The first-day limits identity published for the account (SandboxApplied).
    sa.Column("sandbox_until", TZ),
    sa.Column("sandbox_posts_per_hour", sa.Integer),
    sa.Column("sandbox_links_allowed", sa.Boolean),
)

# Projection "community-stats", run by the feed worker process.
community_counts = sa.Table(
    "community_counts", metadata,
    sa.Column("community", sa.Text, primary_key=True),
    sa.Column("post_count", sa.BigInteger, nullable=False),
)
community_members = sa.Table(
    "community_members", metadata,
    sa.Column("community", sa.Text, primary_key=True),
    sa.Column("member_count", sa.BigInteger, nullable=False),
)
# Inline read model "follows": who follows which community, written with the events (a
# follower's next page already has the community's posts).
follows = sa.Table(
    "follows", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("community", sa.Text, primary_key=True),
)


def _shown(table: sa.Table) -> sa.Select:
    """A table's posts with what the feed shows of their authors."""
    return (sa.select(table, authors.c.display_name, authors.c.verified, authors.c.profession)
            .outerjoin(authors, authors.c.user_id == table.c.author_id))


# The statements every post and every page makes, compiled once (kit.sql).
_PAGE = _shown(timeline).where(timeline.c.community == sa.bindparam("community"),
                               timeline.c.members_only.is_(False)).order_by(
    timeline.c.created_at.desc(), timeline.c.post_id.desc()).limit(sa.bindparam("limit"))
FEED_PAGE = Statement(_PAGE)
FEED_PAGE_AFTER = Statement(_PAGE.where(sa.tuple_(timeline.c.created_at, timeline.c.post_id)
                                        < sa.tuple_(sa.bindparam("at", type_=TZ),
                                                    sa.bindparam("id", type_=sa.Uuid))))
SHOWN_POST = Statement(_shown(posts).where(posts.c.post_id == sa.bindparam("post_id")))
def restored(table: sa.Table) -> sa.TextClause:
    """A published post copied back from the inline model into a projection of posts."""
    columns = "post_id, community, kind, title, body, language, author_id, created_at"
    return sa.text(f'INSERT INTO "{table.schema}"."{table.name}" ({columns}) SELECT {columns} '
                   "FROM feed.posts WHERE post_id = :post_id ON CONFLICT DO NOTHING"
                   ).bindparams(sa.bindparam("post_id", type_=sa.Uuid))
# The author, and their posts of the last hour only when first-day limits may apply to
# them (a sandbox still running, or no author known yet): one round trip, and no count
# for everyone else.
_asked = sa.select(sa.bindparam("user_id", type_=sa.Uuid).label("user_id")).subquery("asked")
_recent = (sa.select(sa.func.count()).select_from(posts)
           .where(posts.c.author_id == _asked.c.user_id,
                  posts.c.created_at >= sa.bindparam("since", type_=TZ))
           .scalar_subquery())
AUTHOR_AND_RECENT = Statement(
    sa.select(authors.c.user_id, authors.c.sandbox_until, authors.c.sandbox_posts_per_hour,
              authors.c.sandbox_links_allowed,
              sa.case((sa.or_(authors.c.user_id.is_(None),
                              authors.c.sandbox_until > sa.bindparam("now", type_=TZ)),
                       _recent), else_=0).label("recent"))
    .select_from(_asked.outerjoin(authors, authors.c.user_id == _asked.c.user_id)))


async def feed_page(conn: AsyncConnection, community: str, limit: int,
                    after: tuple[datetime, UUID] | None) -> list[asyncpg.Record]:
    if after is None:
        return await FEED_PAGE.rows(conn, community=community, limit=limit)
    return await FEED_PAGE_AFTER.rows(conn, community=community, limit=limit, at=after[0],
                                      id=after[1])


async def shown_post(conn: AsyncConnection, post_id: UUID) -> asyncpg.Record | None:
    """One post from the inline model (the author reads it at once) with its author."""
    return await SHOWN_POST.row(conn, post_id=post_id)


async def author_and_recent(conn: AsyncConnection, user_id: UUID,
                            now: datetime, since: datetime) -> asyncpg.Record:
    """The author's first-day limits (`user_id` None: no author known yet) and, where
    they may apply, how many posts they wrote since `since`."""
    found = await AUTHOR_AND_RECENT.row(conn, user_id=user_id, now=now, since=since)
    assert found is not None  # one row, whether the author is known or not
    return found


# Inline read model "flags": the moderators' queue, written with the events. A hold is a
# flag of the screening's (no flagger) with an id made from the post and the rule. A flag
# of a comment names the comment and the post it is on.
flags = sa.Table(
    "flags", metadata,
    sa.Column("flag_id", sa.Uuid, primary_key=True),
    sa.Column("post_id", sa.Uuid, nullable=False, index=True),
    sa.Column("comment_id", sa.Uuid),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("flagger_id", sa.Uuid),
    sa.Column("urgent", sa.Boolean, nullable=False),
    sa.Column("flagged_at", TZ, nullable=False),
    sa.Column("open", sa.Boolean, nullable=False),
    sa.Index("flags_open", "flagged_at", postgresql_where=sa.text("open")),
)


# Inline read models "comments" and "reactions", written with their events.
comments = sa.Table(
    "comments", metadata,
    sa.Column("comment_id", sa.Uuid, primary_key=True),
    sa.Column("post_id", sa.Uuid, nullable=False),
    sa.Column("parent_id", sa.Uuid),
    sa.Column("author_id", sa.Uuid, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="published"),  # or hidden
    sa.Column("voice_note_id", sa.Uuid),
    sa.Column("search", TSVECTOR, searchable("body")),
    sa.Index("comments_of_post", "post_id", "created_at"),
    sa.Index("comments_search", "search", postgresql_using="gin"),
)
sa.event.listen(comments, "before_create", TRIGRAMS)
sa.Index("comments_trigrams", comments.c.body, postgresql_using="gin",
         postgresql_ops={"body": "gin_trgm_ops"})
reactions = sa.Table(
    "reactions", metadata,
    sa.Column("post_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("kind", sa.Text, primary_key=True),
)


async def comments_of(conn: AsyncConnection, post_id: UUID) -> list[sa.Row]:
    """A post's comments, oldest first, with what the feed shows of their authors."""
    shown = [c for c in comments.c if c.name != "search"]
    return list((await conn.execute(
        sa.select(*shown, authors.c.display_name, authors.c.verified, authors.c.profession)
        .outerjoin(authors, authors.c.user_id == comments.c.author_id)
        .where(comments.c.post_id == post_id)
        .order_by(comments.c.created_at, comments.c.comment_id))).all())


async def reactions_to(conn: AsyncConnection, post_id: UUID,
                       user_id: UUID | None) -> tuple[dict[str, int], list[str]]:
    rows = (await conn.execute(
        sa.select(reactions.c.kind, sa.func.count(),
                  sa.func.bool_or(reactions.c.user_id == user_id))
        .where(reactions.c.post_id == post_id).group_by(reactions.c.kind))).all()
    return ({kind: count for kind, count, _ in rows},
            sorted(kind for kind, _, mine in rows if mine))


# Inline read model "drug-queries": the pharmacists' queue and the askers' own list.
drug_queries = sa.Table(
    "drug_queries", metadata,
    sa.Column("query_id", sa.Uuid, primary_key=True),
    sa.Column("asker_id", sa.Uuid, nullable=False, index=True),
    sa.Column("medicine", sa.Text, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("asked_at", TZ, nullable=False),
    sa.Column("answer", sa.Text),
    sa.Column("answer_references", ARRAY(sa.Text)),
    sa.Column("reviewer_id", sa.Uuid),
    sa.Column("answered_at", TZ),
    sa.Index("drug_queries_open", "asked_at", postgresql_where=sa.text("answered_at IS NULL")),
)


async def drug_query(conn: AsyncConnection, query_id: UUID) -> sa.Row | None:
    return (await conn.execute(sa.select(drug_queries).where(
        drug_queries.c.query_id == query_id))).one_or_none()


async def drug_query_page(conn: AsyncConnection, status: str | None, asker: UUID | None,
                          limit: int, after: tuple[datetime, UUID] | None) -> list[sa.Row]:
    """Oldest first (the queue's order); one asker's when `asker` is given."""
    q = drug_queries
    query = sa.select(q).order_by(q.c.asked_at, q.c.query_id).limit(limit)
    if status is not None:
        query = query.where(q.c.answered_at.is_(None) if status == "open"
                            else q.c.answered_at.is_not(None))
    if asker is not None:
        query = query.where(q.c.asker_id == asker)
    if after is not None:
        query = query.where(sa.tuple_(q.c.asked_at, q.c.query_id) > after)
    return list((await conn.execute(query)).all())


async def overdue_drug_queries(conn: AsyncConnection, asked_before: datetime) -> int:
    q = drug_queries
    return int(await conn.scalar(sa.select(sa.func.count()).select_from(q).where(
        q.c.answered_at.is_(None), q.c.asked_at < asked_before)) or 0)


# Inline read model "schemes": the government health schemes directory.
schemes = sa.Table(
    "schemes", metadata,
    sa.Column("scheme_id", sa.Uuid, primary_key=True),
    sa.Column("slug", sa.Text, nullable=False, unique=True),
    sa.Column("entry", JSONB, nullable=False),  # the SchemeListed event's fields
    sa.Column("needs", ARRAY(sa.Text), nullable=False),
    sa.Column("states", ARRAY(sa.Text), nullable=False),
    sa.Column("search", sa.Text, nullable=False),  # names and texts, case-folded
)


async def scheme_entries(conn: AsyncConnection, q: str | None, state: str | None,
                         need: str | None) -> list[dict]:
    s = schemes
    query = sa.select(s.c.entry).order_by(s.c.slug)
    if q:
        query = query.where(s.c.search.contains(q.casefold(), autoescape=True))
    if state:
        query = query.where(s.c.states.overlap(sa.cast([state, "all"], ARRAY(sa.Text))))
    if need:
        query = query.where(s.c.needs.contains(sa.cast([need], ARRAY(sa.Text))))
    return list((await conn.scalars(query)).all())


async def scheme_entry(conn: AsyncConnection, scheme_id: UUID) -> dict | None:
    return await conn.scalar(sa.select(schemes.c.entry).where(schemes.c.scheme_id == scheme_id))


# Projection "notifications" (feed worker): what each person is told of, and whose post
# each post is (to tell its author of comments, reactions and decisions).
notifications = sa.Table(
    "notifications", metadata,
    sa.Column("notification_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("params", JSONB, nullable=False),
    sa.Column("link", sa.Text, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Index("notifications_of", "user_id", sa.text("created_at DESC"),
             sa.text("notification_id DESC")),
)
# Which notifications went to the notifier: not a read model (a rebuild keeps it), so that
# replaying the events never tells anyone again.
notifications_delivered = sa.Table(
    "notifications_delivered", metadata,
    sa.Column("notification_id", sa.Uuid, primary_key=True),
)
post_authors = sa.Table(
    "post_authors", metadata,
    sa.Column("post_id", sa.Uuid, primary_key=True),
    sa.Column("author_id", sa.Uuid, nullable=False),
)
comment_authors = sa.Table(
    "comment_authors", metadata,
    sa.Column("comment_id", sa.Uuid, primary_key=True),
    sa.Column("author_id", sa.Uuid, nullable=False),
)
# Inline read model "notification-reads": what each person has read, written with the event.
notification_reads = sa.Table(
    "notification_reads", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("notification_id", sa.Uuid, primary_key=True),
)


async def comment_author(conn: AsyncConnection, comment_id: UUID) -> UUID | None:
    return await conn.scalar(sa.select(comment_authors.c.author_id).where(
        comment_authors.c.comment_id == comment_id))


async def post_author(conn: AsyncConnection, post_id: UUID) -> UUID | None:
    return await conn.scalar(sa.select(post_authors.c.author_id).where(
        post_authors.c.post_id == post_id))


def _with_read(user_id: UUID) -> sa.Select:
    r = notification_reads
    read = sa.exists().where(r.c.user_id == user_id,
                             r.c.notification_id == notifications.c.notification_id)
    return sa.select(notifications, read.label("read")).where(
        notifications.c.user_id == user_id)


async def notification_page(conn: AsyncConnection, user_id: UUID, unread: bool | None,
                            limit: int, after: tuple[datetime, UUID] | None) -> list[sa.Row]:
    n = notifications
    query = _with_read(user_id).order_by(n.c.created_at.desc(), n.c.notification_id.desc())
    if unread:
        query = query.where(~sa.exists().where(
            notification_reads.c.user_id == user_id,
            notification_reads.c.notification_id == n.c.notification_id))
    if after is not None:
        query = query.where(sa.tuple_(n.c.created_at, n.c.notification_id) < after)
    return list((await conn.execute(query.limit(limit))).all())


async def own_notifications(conn: AsyncConnection, user_id: UUID,
                            ids: list[UUID]) -> list[UUID]:
    n = notifications
    return list((await conn.scalars(sa.select(n.c.notification_id).where(
        n.c.user_id == user_id, n.c.notification_id.in_(ids))
        .order_by(n.c.notification_id))).all())


async def unread_count(conn: AsyncConnection, user_id: UUID) -> int:
    inner = _with_read(user_id).subquery()
    return int(await conn.scalar(sa.select(sa.func.count()).select_from(inner)
                                 .where(~inner.c.read)) or 0)


# Inline read models "resources" and "gatherings" (the API's events), curated by admins.
resources = sa.Table(
    "resources", metadata,
    sa.Column("resource_id", sa.Uuid, primary_key=True),
    sa.Column("entry", JSONB, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("communities", ARRAY(sa.Text), nullable=False),
    sa.Column("search", sa.Text, nullable=False),
    sa.Column("added_at", TZ, nullable=False),
)
gatherings = sa.Table(
    "gatherings", metadata,
    sa.Column("gathering_id", sa.Uuid, primary_key=True),
    sa.Column("entry", JSONB, nullable=False),
    sa.Column("communities", ARRAY(sa.Text), nullable=False),
    sa.Column("starts_at", TZ, nullable=False, index=True),
    sa.Column("ends_at", TZ),
)


async def resource_entries(conn: AsyncConnection, community: str | None,
                           language: str | None, q: str | None) -> list[sa.Row]:
    r = resources
    query = sa.select(r.c.entry, r.c.added_at).order_by(r.c.added_at.desc()).limit(200)
    if community:
        query = query.where(r.c.communities.contains(sa.cast([community], ARRAY(sa.Text))))
    if language:
        query = query.where(r.c.language == language)
    if q:
        query = query.where(r.c.search.contains(q.casefold(), autoescape=True))
    return list((await conn.execute(query)).all())


async def upcoming(conn: AsyncConnection, starting: datetime,
                   community: str | None) -> list[dict]:
    """Events not over by `starting`, soonest first; a community's own and everyone's."""
    g = gatherings
    query = (sa.select(g.c.entry).where(sa.func.coalesce(g.c.ends_at, g.c.starts_at)
                                        >= starting)
             .order_by(g.c.starts_at, g.c.gathering_id).limit(200))
    if community:
        query = query.where(sa.or_(g.c.communities.contains(
            sa.cast([community], ARRAY(sa.Text))), g.c.communities == sa.cast([], ARRAY(
                sa.Text))))
    return list((await conn.scalars(query)).all())


async def policy_inputs(conn: AsyncConnection, community: str | None,
                        starting: datetime | None, until: datetime | None,
                        most: int) -> list[sa.Row]:
    """Published policy inputs, by community, then oldest first; `most` + 1 of them at
    most, so that the caller can tell a period that holds more."""
    p = posts
    query = (sa.select(p.c.post_id, p.c.community, p.c.title, p.c.body, p.c.language,
                       p.c.created_at)
             .where(p.c.kind == "policy_input", p.c.status == "published")
             .order_by(p.c.community, p.c.created_at, p.c.post_id).limit(most + 1))
    if community:
        query = query.where(p.c.community == community)
    if starting:
        query = query.where(p.c.created_at >= starting)
    if until:
        query = query.where(p.c.created_at < until)
    return list((await conn.execute(query)).all())


# Inline read model "moderator-scopes": the communities a scoped moderator moderates.
moderator_scopes = sa.Table(
    "moderator_scopes", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("communities", ARRAY(sa.Text), nullable=False),
)


async def moderator_scope(conn: AsyncConnection, user_id: UUID) -> frozenset[str]:
    """The communities this moderator is limited to; empty: every community."""
    found = await conn.scalar(sa.select(moderator_scopes.c.communities).where(
        moderator_scopes.c.user_id == user_id))
    return frozenset(found or ())


def _flagged(query: sa.Select, reason: str | None, flagger: UUID | None,
             communities: frozenset[str]) -> sa.Select:
    """Open flags' reasons, how many, urgent or not, since when; of those matching the
    filters (of some communities only, for a scoped moderator)."""
    query = query.add_columns(
        sa.func.array_agg(sa.distinct(flags.c.reason)).label("reasons"),
        sa.func.count().label("flags"), sa.func.bool_or(flags.c.urgent).label("urgent"),
        sa.func.min(flags.c.flagged_at).label("since")).where(flags.c.open)
    if reason is not None:
        query = query.having(sa.func.bool_or(flags.c.reason == reason))
    if flagger is not None:
        query = query.having(sa.func.bool_or(flags.c.flagger_id == flagger))
    if communities:
        query = query.where(posts.c.community.in_(sorted(communities)))
    return query


def queue_query(reason: str | None, flagger: UUID | None,
                communities: frozenset[str] = frozenset()) -> sa.Select:
    """The items of the moderators' queue: posts with open flags or holds, and comments
    with open flags on published posts."""
    flagged_posts = _flagged(
        sa.select(posts.c.post_id.label("item_id"), sa.literal("post").label("item_type"),
                  posts.c.post_id, posts.c.community, posts.c.status, posts.c.title,
                  posts.c.body, posts.c.author_id,
                  sa.func.max(authors.c.display_name).label("author_name"))
        .select_from(flags.join(posts, posts.c.post_id == flags.c.post_id)
                     .outerjoin(authors, authors.c.user_id == posts.c.author_id))
        .where(flags.c.comment_id.is_(None)).group_by(posts.c.post_id),
        reason, flagger, communities)
    flagged_comments = _flagged(
        sa.select(comments.c.comment_id.label("item_id"),
                  sa.literal("comment").label("item_type"), comments.c.post_id,
                  posts.c.community, comments.c.status, posts.c.title, comments.c.body,
                  comments.c.author_id, sa.func.max(authors.c.display_name).label("author_name"))
        .select_from(flags.join(comments, comments.c.comment_id == flags.c.comment_id)
                     .join(posts, posts.c.post_id == comments.c.post_id)
                     .outerjoin(authors, authors.c.user_id == comments.c.author_id))
        .where(posts.c.status == "published")
        .group_by(comments.c.comment_id, posts.c.post_id),
        reason, flagger, communities)
    return sa.union_all(flagged_posts, flagged_comments).subquery("queue").select()


async def urgent_items(conn: AsyncConnection, query: sa.Select, most: int) -> list[sa.Row]:
    inner = query.subquery()
    return list((await conn.execute(sa.select(inner).where(inner.c.urgent)
                                    .order_by(inner.c.since, inner.c.item_id).limit(most))).all())


async def waiting_items(conn: AsyncConnection, query: sa.Select, limit: int,
                        after: tuple[datetime, UUID] | None) -> list[sa.Row]:
    """The other open items, oldest first, a keyset page."""
    inner = query.subquery()
    page = sa.select(inner).where(~inner.c.urgent).order_by(inner.c.since, inner.c.item_id)
    if after is not None:
        page = page.where(sa.tuple_(inner.c.since, inner.c.item_id) > after)
    return list((await conn.execute(page.limit(limit))).all())


async def unpublished(conn: AsyncConnection, post_ids: list[UUID]) -> set[UUID]:
    """Which of the posts are held or hidden now (the inline model is ahead of any
    projection: a post held in its first append is never shown, even for a moment)."""
    return {row[0] for row in await UNPUBLISHED.rows(conn, ids=post_ids)}


# Every batch of new posts of the timeline and search projections makes it.
UNPUBLISHED = Statement(sa.text(
    "SELECT post_id FROM feed.posts WHERE post_id = ANY(:ids) AND status <> 'published'")
    .bindparams(sa.bindparam("ids", type_=ARRAY(sa.Uuid))))


# A person's feed: the common feed and each community they follow, newest first. Each
# community's newest page comes from the timeline's index on its own (a lateral join), and
# the pages are merged: the work grows with the communities followed, not with the posts.
MY_FEED = Statement(sa.text("""
SELECT t.post_id, t.community, t.kind, t.title, t.body, t.language, t.author_id,
       t.created_at, t.story_id, a.display_name, a.verified, a.profession
FROM (SELECT 'common' AS slug
      UNION ALL SELECT community FROM feed.follows WHERE user_id = :user_id) AS c
CROSS JOIN LATERAL (
    SELECT post_id, community, kind, title, body, language, author_id, created_at, story_id
    FROM feed.timeline
    WHERE community = c.slug AND (created_at, post_id) < (:at, :id)
      AND (NOT members_only OR :members)
    ORDER BY created_at DESC, post_id DESC LIMIT :limit) AS t
LEFT JOIN feed.authors AS a ON a.user_id = t.author_id
ORDER BY t.created_at DESC, t.post_id DESC LIMIT :limit""").bindparams(
    sa.bindparam("user_id", type_=sa.Uuid), sa.bindparam("at", type_=TZ),
    sa.bindparam("id", type_=sa.Uuid), sa.bindparam("limit", type_=sa.Integer),
    sa.bindparam("members", type_=sa.Boolean)))
NEWEST = (datetime.max.replace(tzinfo=UTC), UUID(int=(1 << 128) - 1))  # before any post


async def my_feed(conn: AsyncConnection, user_id: UUID, limit: int,
                  after: tuple[datetime, UUID] | None,
                  members: bool = True) -> list[asyncpg.Record]:
    """`members`: with the posts for members only (the voices' members-only stories)."""
    at, post_id = after or NEWEST
    return await MY_FEED.rows(conn, user_id=user_id, at=at, id=post_id, limit=limit,
                              members=members)


async def followed(conn: AsyncConnection, user_id: UUID) -> list[str]:
    return list((await conn.scalars(sa.select(follows.c.community).where(
        follows.c.user_id == user_id).order_by(follows.c.community))).all())


async def member_counts(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(sa.select(community_members))
    return {row.community: row.member_count for row in rows}


async def counts(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(sa.select(community_counts))
    return {row.community: row.post_count for row in rows}


# The dictionaries a query's words are read with: those the rows are stemmed with.
SEARCH_CONFIGS = ("english", "hindi", "tamil", "simple")
# Trigram similarity takes the words of at least this many characters (shorter ones match
# the start of too many), at most this many of them; and it looks at no more rows of each
# kind than this (word similarity is costly, and these only fill a page full text did not).
TRIGRAM_MIN_CHARS, TRIGRAM_MAX_WORDS, TRIGRAM_CANDIDATES = 3, 8, 200


def _query(q: str) -> sa.ColumnElement[Any]:
    """The words asked for, read as each dictionary would: a Hindi word stemmed as Hindi,
    an English one as English, a Tamil one as Tamil, any other word as it is."""
    parts = [sa.func.websearch_to_tsquery(sa.literal_column(f"'{cfg}'::regconfig"), q)
             for cfg in SEARCH_CONFIGS]
    combined: sa.ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        combined = combined.op("||")(part)
    return combined


def trigram_words(q: str) -> list[str]:
    """The query's words for trigram similarity: runs of letters, marks and digits (an
    Indian script's vowel signs and viramas are marks, inside its words), long enough."""
    words, word = [], []
    for c in q + " ":
        if unicodedata.category(c)[0] in "LMN":
            word.append(c)
        elif word:
            words.append("".join(word))
            word = []
    long = [w for w in dict.fromkeys(words) if len(w) >= TRIGRAM_MIN_CHARS]
    return long[:TRIGRAM_MAX_WORDS]


def _alike(text: sa.ColumnElement[str], similar: list[str]) -> tuple[
        sa.ColumnElement[bool], sa.ColumnElement[Any]]:
    """Whether the text holds a word like each of `similar` (pg_trgm's word similarity
    over its threshold, `<%`: its GIN index can answer it), and how alike, on average."""
    likeness = [sa.func.word_similarity(sa.literal(w, sa.Text), text) for w in similar]
    return (sa.and_(*(sa.literal(w, sa.Text).op("<%")(text) for w in similar)),
            functools.reduce(operator.add, likeness) / float(len(similar)))


def _found_stories(words: sa.ColumnElement[Any], members: bool) -> sa.Select[Any]:
    """The published stories with the words that the reader may see."""
    found = searched_stories
    seen = sa.true() if members else sa.not_(found.c.members_only)
    return (sa.select(sa.literal("story").label("kind"), found.c.story_id.label("id"),
                      sa.null().label("post_id"), found.c.title, found.c.body,
                      sa.true().label("exact"),
                      sa.func.ts_rank(found.c.search, words).label("rank"))
            .where(found.c.search.op("@@", is_comparison=True)(words), seen))


async def search(conn: AsyncConnection, q: str, limit: int, offset: int = 0,
                 members: bool = False) -> list[sa.Row]:
    """Published posts (projection "search") and the comments of published posts matching
    the words, best first: those with the words themselves (full text, stemmed by their
    language), published stories (those for members only when `members`), and resources
    and schemes whose text holds them; then, when these do not
    fill the page, posts and comments with words like them (trigrams: an inflected form
    that no stemmer knows). The `limit` after the first `offset`, best first (ties by id:
    a page's order is the same each time)."""
    words, similar = _query(q), trigram_words(q)
    posts_hold, comments_hold = (
        table.c.search.op("@@", is_comparison=True)(words) for table in (searched_posts, comments))
    shown = searched_posts  # the published posts, and only those
    found_posts = (sa.select(sa.literal("post").label("kind"), shown.c.post_id.label("id"),
                             shown.c.post_id.label("post_id"), shown.c.title, shown.c.body,
                             sa.true().label("exact"),
                             sa.func.ts_rank(shown.c.search, words).label("rank"))
                   .where(posts_hold))
    published = posts.c.status == "published"
    shown_comment = comments.c.status == "published"  # none a moderator hid
    found_comments = (sa.select(sa.literal("comment").label("kind"),
                                comments.c.comment_id.label("id"), comments.c.post_id,
                                sa.null().label("title"), comments.c.body,
                                sa.true().label("exact"),
                                sa.func.ts_rank(comments.c.search, words).label("rank"))
                      .join(posts, posts.c.post_id == comments.c.post_id)
                      .where(published, shown_comment, comments_hold))
    found_stories = _found_stories(words, members)
    plain = q.casefold()
    found_resources = (sa.select(sa.literal("resource").label("kind"),
                                 resources.c.resource_id.label("id"), sa.null().label("post_id"),
                                 resources.c.entry["title"].astext.label("title"),
                                 sa.func.coalesce(resources.c.entry["summary"].astext, "")
                                 .label("body"), sa.true().label("exact"),
                                 sa.literal(0.05).label("rank"))
                       .where(resources.c.search.contains(plain, autoescape=True)))
    found_schemes = (sa.select(sa.literal("scheme").label("kind"),
                               schemes.c.scheme_id.label("id"), sa.null().label("post_id"),
                               schemes.c.entry["name"]["en"].astext.label("title"),
                               schemes.c.entry["details"]["covers"]["en"].astext.label("body"),
                               sa.true().label("exact"), sa.literal(0.05).label("rank"))
                     .where(schemes.c.search.contains(plain, autoescape=True)))
    exact = sa.union_all(found_posts, found_comments, found_stories, found_resources,
                         found_schemes)
    found: sa.CompoundSelect[Any] = exact
    if similar:
        exact_found = exact.cte("exact_found")
        # A pseudo-constant condition: Postgres weighs it once, and looks no further when
        # full text filled the page.
        wanted = offset + limit
        room = sa.select(sa.func.count()).select_from(
            sa.select(exact_found.c.id).limit(wanted).subquery()).scalar_subquery() < wanted
        alike, likeness = _alike(trigram_text(shown), similar)
        alike_posts = (sa.select(sa.literal("post").label("kind"), shown.c.post_id.label("id"),
                                 shown.c.post_id.label("post_id"), shown.c.title, shown.c.body,
                                 sa.false().label("exact"), likeness.label("rank"))
                       .where(room, alike, sa.not_(posts_hold))
                       .limit(TRIGRAM_CANDIDATES))
        alike, likeness = _alike(trigram_text(comments), similar)
        alike_comments = (sa.select(sa.literal("comment").label("kind"),
                                    comments.c.comment_id.label("id"), comments.c.post_id,
                                    sa.null().label("title"), comments.c.body,
                                    sa.false().label("exact"), likeness.label("rank"))
                          .join(posts, posts.c.post_id == comments.c.post_id)
                          .where(room, published, shown_comment, alike, sa.not_(comments_hold))
                          .limit(TRIGRAM_CANDIDATES))
        found = sa.union_all(sa.select(exact_found), sa.select(alike_posts.subquery()),
                             sa.select(alike_comments.subquery()))
    union = found.subquery()
    return list((await conn.execute(sa.select(union).order_by(
        union.c.exact.desc(), union.c.rank.desc(), union.c.id).offset(offset).limit(limit)
    )).all())


# Inline read model "voice-notes": each note, and the post or comment it was attached to.
voice_notes = sa.Table(
    "voice_notes", metadata,
    sa.Column("voice_note_id", sa.Uuid, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("uploaded_at", TZ, nullable=False),
    sa.Column("post_id", sa.Uuid),
    sa.Column("comment_id", sa.Uuid),
)


async def voice_note_on(conn: AsyncConnection, post_id: UUID) -> UUID | None:
    return await conn.scalar(sa.select(voice_notes.c.voice_note_id)
                             .where(voice_notes.c.post_id == post_id).limit(1))


async def attachment_of_voice_note(conn: AsyncConnection, voice_note_id: UUID) -> UUID | None:
    """The post or the comment a voice note is on (None: on neither). The note's row stays
    locked to the end of the transaction: of two writers attaching one note at once, the
    second reads the first's attachment once it commits, and is refused."""
    v = voice_notes
    return await conn.scalar(sa.select(sa.func.coalesce(v.c.post_id, v.c.comment_id))
                             .where(v.c.voice_note_id == voice_note_id).with_for_update())


async def voice_note(conn: AsyncConnection, voice_note_id: UUID) -> sa.Row | None:
    """A voice note with the standing of the post it is attached to, or of the comment
    and its post (None: on none; a hidden comment's note is as a hidden post's)."""
    v = voice_notes
    on_post = posts.c.post_id == sa.func.coalesce(v.c.post_id, comments.c.post_id)
    status = sa.case((comments.c.status == "hidden", sa.literal("hidden")),
                     else_=posts.c.status)
    return (await conn.execute(
        sa.select(v, status.label("post_status"))
        .outerjoin(comments, comments.c.comment_id == v.c.comment_id)
        .outerjoin(posts, on_post)
        .where(v.c.voice_note_id == voice_note_id))).first()
