"""Feed's tables: its event store, the inline posts model and the projections' models, and
the queries the use cases make of them."""

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.projection import tracking_table

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


class Post(PostRow, table=True):
    """Inline read model: written in the same transaction as the event (read-your-writes),
    and what the first-day limits count."""

    __tablename__ = "posts"
    __table_args__ = (sa.Index("posts_by_author", "author_id", "created_at"),)


posts: sa.Table = Post.__table__  # type: ignore[attr-defined]

class TimelinePost(PostRow, table=True):
    """Projection "timeline": the feed pages (with the authors below).

    Queried with SQLAlchemy Core rather than read as model objects: a feed page is the read
    path's hottest query, and building objects for its rows costs more than the query
    itself (bench: GET /v1/feed, no cache)."""

    __tablename__ = "timeline"
    __table_args__ = (sa.Index("timeline_page", "community", sa.text("created_at DESC"),
                               sa.text("post_id DESC")),)


timeline: sa.Table = TimelinePost.__table__  # type: ignore[attr-defined]
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


def _shown(table: sa.Table) -> sa.Select:
    """A table's posts with what the feed shows of their authors."""
    return (sa.select(table, authors.c.display_name, authors.c.verified, authors.c.profession)
            .outerjoin(authors, authors.c.user_id == table.c.author_id))


async def feed_page(conn: AsyncConnection, community: str, limit: int,
                    after: tuple[datetime, UUID] | None) -> list[sa.Row]:
    query = (_shown(timeline).where(timeline.c.community == community)
             .order_by(timeline.c.created_at.desc(), timeline.c.post_id.desc()).limit(limit))
    if after is not None:
        query = query.where(sa.tuple_(timeline.c.created_at, timeline.c.post_id) < after)
    return list((await conn.execute(query)).all())


async def shown_post(conn: AsyncConnection, post_id: UUID) -> sa.Row | None:
    """One post from the inline model (the author reads it at once) with its author."""
    return (await conn.execute(_shown(posts).where(posts.c.post_id == post_id))).one_or_none()


async def author(conn: AsyncConnection, user_id: UUID) -> sa.Row | None:
    return (await conn.execute(sa.select(authors).where(authors.c.user_id == user_id))
            ).one_or_none()


async def posts_since(conn: AsyncConnection, author_id: UUID, since: datetime) -> int:
    return int(await conn.scalar(sa.select(sa.func.count()).select_from(posts).where(
        posts.c.author_id == author_id, posts.c.created_at >= since)) or 0)


async def counts(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(sa.select(community_counts))
    return {row.community: row.post_count for row in rows}
