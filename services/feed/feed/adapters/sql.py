"""Feed's tables: its event store, the inline posts model and the projections' models."""

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.projection import tracking_tables

metadata = sa.MetaData(schema="feed")
store = EventStore(metadata, "feed")
idempotency = idempotency_table(metadata)
tracking = tracking_tables(metadata)


def _post_columns() -> list[sa.Column]:
    return [
        sa.Column("post_id", sa.Uuid, primary_key=True),
        sa.Column("community", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("author_id", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


# Inline read model: written in the same transaction as the events (read-your-writes).
posts = sa.Table("posts", metadata, *_post_columns(),
                 sa.Index("posts_by_author", "author_id", "created_at"))

# Projection "timeline": the feed pages, and the authors they show.
timeline = sa.Table("timeline", metadata, *_post_columns(),
                    sa.Index("timeline_page", "community", sa.text("created_at DESC"),
                             sa.text("post_id DESC")))
authors = sa.Table(
    "authors", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("profession", sa.Text),
    # The first-day limits identity published for the account (SandboxApplied).
    sa.Column("sandbox_until", sa.DateTime(timezone=True)),
    sa.Column("sandbox_posts_per_hour", sa.Integer),
    sa.Column("sandbox_links_allowed", sa.Boolean),
)

# Projection "community-stats", run by the feed worker process.
community_counts = sa.Table(
    "community_counts", metadata,
    sa.Column("community", sa.Text, primary_key=True),
    sa.Column("post_count", sa.BigInteger, nullable=False),
)


async def feed_page(conn: AsyncConnection, community: str, limit: int,
                    after: tuple[datetime, UUID] | None) -> list[sa.Row]:
    query = (sa.select(timeline, authors.c.display_name, authors.c.verified,
                       authors.c.profession)
             .outerjoin(authors, authors.c.user_id == timeline.c.author_id)
             .where(timeline.c.community == community)
             .order_by(timeline.c.created_at.desc(), timeline.c.post_id.desc()).limit(limit))
    if after is not None:
        query = query.where(sa.tuple_(timeline.c.created_at, timeline.c.post_id) < after)
    return list((await conn.execute(query)).all())


async def author(conn: AsyncConnection, user_id: UUID) -> sa.Row | None:
    return (await conn.execute(sa.select(authors).where(authors.c.user_id == user_id))
            ).one_or_none()


async def posts_since(conn: AsyncConnection, author_id: UUID, since: datetime) -> int:
    return int(await conn.scalar(sa.select(sa.func.count()).select_from(posts).where(
        posts.c.author_id == author_id, posts.c.created_at >= since)) or 0)


async def counts(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(sa.select(community_counts))
    return {row.community: row.post_count for row in rows}
