"""The ratings' tables: its event store, the inline read models (its own providers and
every rating), the directory projection's (accounts and the providers other contexts
publish), and the queries the use cases make of them. SQLAlchemy Core throughout."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.pagination import keyset
from kit.projection import tracking_table

metadata = sa.MetaData(schema="ratings")
store = EventStore(metadata, "ratings")
idempotency = idempotency_table(metadata)
tracking = tracking_table(metadata)
TZ = sa.DateTime(timezone=True)


def _directory_columns() -> list[sa.Column]:
    return [sa.Column("provider_id", sa.Uuid, primary_key=True),
            sa.Column("kind", sa.Text, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("names", JSONB),  # by language, where the publisher gives them
            sa.Column("status", sa.Text, nullable=False),
            sa.Column("city", sa.Text), sa.Column("state", sa.Text),
            sa.Column("pincode", sa.Text), sa.Column("speciality", sa.Text),
            sa.Column("type", sa.Text),
            sa.Column("user_id", sa.Uuid),  # the verified professional it is, if any
            sa.Column("added_at", TZ, nullable=False)]


# Inline "providers": the doctors, hospitals and clinics added here (suggested or listed).
providers = sa.Table("providers", metadata, *_directory_columns())
# Projection "directory": doctors from identity's verifications, schemes from the feed's.
external_providers = sa.Table("external_providers", metadata, *_directory_columns())
# Projection "directory" too: what the defences need to know of each account.
accounts = sa.Table(
    "accounts", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("registered_at", TZ),
    sa.Column("display_name", sa.Text),
    sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("profession", sa.Text),
    sa.Column("sandbox_until", TZ),
)
# Inline "ratings": every person's rating of every provider, and where it stands.
ratings = sa.Table(
    "ratings", metadata,
    sa.Column("rating_id", sa.Uuid, primary_key=True),
    sa.Column("provider_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("rater_id", sa.Uuid, nullable=False),
    sa.Column("stars", sa.Integer, nullable=False),
    sa.Column("criteria", JSONB, nullable=False),
    sa.Column("review", sa.Text),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # counted, held, hidden, withdrawn
    sa.Column("held", ARRAY(sa.Text), nullable=False),
    sa.Column("rated_at", TZ, nullable=False),  # the last rating or revision
    sa.Column("first_rated_at", TZ, nullable=False),  # what the burst rule counts
    sa.Column("flags", sa.Integer, nullable=False, server_default="0"),  # open flags
    sa.Column("reply", sa.Text),
    sa.Column("replied_at", TZ),
    sa.Index("ratings_by_provider", "provider_id", "status", "rated_at"),
    sa.Index("ratings_by_kind", "kind", "status", "rated_at"),
)

# Projection "scores" (SCORES.md, "How they are kept"), fed from the ratings' own stream.
# What each active rating contributes (its stars and criteria, on the day it was given or
# last revised) and whether that counts now: what a revision, a withdrawal or a moderator's
# decision moves out of (or into) the buckets.
scored_ratings = sa.Table(
    "scored_ratings", metadata,
    sa.Column("rating_id", sa.Uuid, primary_key=True),
    sa.Column("provider_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("stars", sa.Integer, nullable=False),
    sa.Column("criteria", JSONB, nullable=False),
    sa.Column("counted", sa.Boolean, nullable=False),
)
# One provider's counted ratings of one day, summed (no row: none that day).
provider_buckets = sa.Table(
    "provider_buckets", metadata,
    sa.Column("provider_id", sa.Uuid, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("squares", sa.Integer, nullable=False),
    sa.Column("histogram", ARRAY(sa.Integer), nullable=False),  # 1..5 stars
    sa.Column("criteria", JSONB, nullable=False),  # name: [Σ stars, n]
)
# One kind's counted ratings of one day, summed: the prior's mean and variance.
kind_buckets = sa.Table(
    "kind_buckets", metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("total", sa.BigInteger, nullable=False),
    sa.Column("squares", sa.BigInteger, nullable=False),
)
# Each rated provider's tallies within the window and its score, materialised with the
# kind's prior and window as of the last refresh (kind_priors): what lists sort by and
# percentiles rank against.
provider_scores = sa.Table(
    "provider_scores", metadata,
    sa.Column("provider_id", sa.Uuid, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("squares", sa.Integer, nullable=False),
    sa.Column("histogram", ARRAY(sa.Integer), nullable=False),
    sa.Column("criteria", JSONB, nullable=False),
    sa.Column("oldest_day", sa.Date),  # its oldest bucket inside the window, if any
    sa.Column("score", sa.Float),  # null: no counted rating in the window
    sa.Column("prior_mean", sa.Float, nullable=False),
    sa.Column("prior_variance", sa.Float, nullable=False),
    sa.Index("provider_scores_by_kind", "kind", "score"),
    sa.Index("provider_scores_by_oldest", "kind", "oldest_day"),
)
# Kept by the periodic refresh (ratings/refresh.py), not by the projection (a rebuild of
# the projection keeps it, so that the rebuilt scores use the same prior and window): each
# kind's prior over the window as of `as_of`.
kind_priors = sa.Table(
    "kind_priors", metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("mean", sa.Float, nullable=False),
    sa.Column("variance", sa.Float, nullable=False),
    sa.Column("as_of", TZ, nullable=False),
)

DIRECTORY = [c.name for c in providers.columns]


def directory() -> sa.Subquery:
    """Every provider, whoever publishes it."""
    return sa.union_all(sa.select(providers), sa.select(external_providers)).subquery("d")


async def provider(conn: AsyncConnection, provider_id: UUID) -> dict[str, Any] | None:
    d = directory()
    row = (await conn.execute(sa.select(d).where(d.c.provider_id == provider_id))).first()
    return dict(row._mapping) if row else None


LIST_ORDERS = {
    "score": lambda d, s: (s.c.score.desc().nulls_last(),
                           sa.func.coalesce(s.c.count, 0).desc(), d.c.provider_id),
    "count": lambda d, s: (sa.func.coalesce(s.c.count, 0).desc(),
                           s.c.score.desc().nulls_last(), d.c.provider_id),
    "recent": lambda d, s: (d.c.added_at.desc(), d.c.provider_id),
}


async def listed(conn: AsyncConnection, kind: str | None, q: str | None, city: str | None,
                 state: str | None, speciality: str | None, sort: str, offset: int,
                 limit: int) -> list[dict[str, Any]]:
    """A page (limit + 1 rows) of the listed providers matching, each with its
    materialised scores (None: never rated), in the order asked."""
    d = directory()
    s = provider_scores.alias("s")
    statement = (sa.select(d, s.c.count.label("s_count"), s.c.total.label("s_total"),
                           s.c.squares.label("s_squares"), s.c.histogram.label("s_histogram"),
                           s.c.criteria.label("s_criteria"), s.c.score.label("s_score"),
                           s.c.prior_mean.label("s_prior_mean"),
                           s.c.prior_variance.label("s_prior_variance"))
                 .select_from(d.outerjoin(s, s.c.provider_id == d.c.provider_id))
                 .where(d.c.status == "listed"))
    for column, value in ((d.c.kind, kind),):
        if value:
            statement = statement.where(column == value)
    for column, value in ((d.c.name, q), (d.c.city, city), (d.c.state, state),
                          (d.c.speciality, speciality)):
        if value:
            statement = statement.where(column.ilike(f"%{_escaped(value)}%", escape="\\"))
    statement = statement.order_by(*LIST_ORDERS[sort](d, s)).offset(offset).limit(limit + 1)
    return [dict(row._mapping) for row in await conn.execute(statement)]


async def pending(conn: AsyncConnection, cursor: str | None, limit: int) -> Sequence[Any]:
    """Providers members suggested that wait for an admin, oldest first."""
    statement = sa.select(providers).where(providers.c.status == "pending")
    return (await conn.execute(keyset(statement, providers.c.added_at, providers.c.provider_id,
                                      cursor, limit))).all()


async def ratings_of(conn: AsyncConnection, rater_id: UUID, cursor: str | None,
                     limit: int) -> Sequence[Any]:
    """A rater's active ratings with their provider's name, the latest first."""
    statement = sa.select(ratings, providers.c.name.label("provider_name")).join(
        providers, providers.c.provider_id == ratings.c.provider_id).where(
        ratings.c.rater_id == rater_id, ratings.c.status.in_(("counted", "held", "hidden")))
    return (await conn.execute(keyset(statement, ratings.c.rated_at, ratings.c.rating_id,
                                      cursor, limit, newest_first=True))).all()


async def rating(conn: AsyncConnection, rating_id: UUID) -> Any | None:
    return (await conn.execute(sa.select(ratings).where(ratings.c.rating_id == rating_id))
            ).first()


# The score read models' queries.

async def scored(conn: AsyncConnection, rating_id: UUID) -> Any | None:
    return (await conn.execute(sa.select(scored_ratings).where(
        scored_ratings.c.rating_id == rating_id))).first()


async def buckets_of(conn: AsyncConnection, provider_id: UUID, since: date | None,
                     lock: bool = False) -> Sequence[Any]:
    """A provider's buckets from `since` (None: all), oldest first."""
    statement = sa.select(provider_buckets).where(provider_buckets.c.provider_id == provider_id)
    if since is not None:
        statement = statement.where(provider_buckets.c.day >= since)
    if lock:
        statement = statement.with_for_update()
    return (await conn.execute(statement.order_by(provider_buckets.c.day))).all()


async def bucket(conn: AsyncConnection, provider_id: UUID, day: date) -> Any | None:
    return (await conn.execute(sa.select(provider_buckets).where(
        provider_buckets.c.provider_id == provider_id, provider_buckets.c.day == day)
        .with_for_update())).first()


async def kind_sums(conn: AsyncConnection, kind: str, since: date) -> tuple[int, int, int]:
    """The kind's counted ratings in the window: how many, Σ stars, Σ stars²."""
    row = (await conn.execute(sa.select(
        sa.func.coalesce(sa.func.sum(kind_buckets.c.count), 0),
        sa.func.coalesce(sa.func.sum(kind_buckets.c.total), 0),
        sa.func.coalesce(sa.func.sum(kind_buckets.c.squares), 0))
        .where(kind_buckets.c.kind == kind, kind_buckets.c.day >= since))).one()
    return int(row[0]), int(row[1]), int(row[2])


async def stored_prior(conn: AsyncConnection, kind: str) -> Any | None:
    return (await conn.execute(sa.select(kind_priors).where(kind_priors.c.kind == kind))
            ).first()


async def stored_priors(conn: AsyncConnection) -> dict[str, Any]:
    return {row.kind: row for row in await conn.execute(sa.select(kind_priors))}


async def materialised(conn: AsyncConnection, provider_id: UUID) -> Any | None:
    return (await conn.execute(sa.select(provider_scores).where(
        provider_scores.c.provider_id == provider_id))).first()


async def ranks(conn: AsyncConnection,
                scored_items: Sequence[tuple[UUID, str, float]]) -> dict[UUID, tuple[int, ...]]:
    """For each (provider, kind, materialised score): how many rated providers of the kind
    score lower, the same (itself included) and at all; from the index on (kind, score)."""
    found: dict[UUID, tuple[int, ...]] = {}
    rated: dict[str, int] = {}
    for provider_id, kind, score in scored_items:
        if kind not in rated:
            rated[kind] = int(await conn.scalar(sa.select(sa.func.count()).where(
                provider_scores.c.kind == kind, provider_scores.c.score.isnot(None))) or 0)
        below = await conn.scalar(sa.select(sa.func.count()).where(
            provider_scores.c.kind == kind, provider_scores.c.score < score))
        equal = await conn.scalar(sa.select(sa.func.count()).where(
            provider_scores.c.kind == kind, provider_scores.c.score == score))
        found[provider_id] = (int(below or 0), int(equal or 0), rated[kind])
    return found


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def account(conn: AsyncConnection, user_id: UUID) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(accounts).where(accounts.c.user_id == user_id))).first()
    return dict(row._mapping) if row else None


async def recent(conn: AsyncConnection, provider_id: UUID, rater_id: UUID, since: datetime,
                 young_since: datetime) -> tuple[int, int]:
    """Ratings of the provider by others first given since `since`: all of them, and those
    from accounts registered after `young_since` (or not known)."""
    young = sa.or_(accounts.c.registered_at.is_(None), accounts.c.registered_at > young_since)
    row = (await conn.execute(
        sa.select(sa.func.count(), sa.func.count().filter(young))
        .select_from(ratings.outerjoin(accounts, accounts.c.user_id == ratings.c.rater_id))
        .where(ratings.c.provider_id == provider_id, ratings.c.rater_id != rater_id,
               ratings.c.first_rated_at >= since, ratings.c.status != "withdrawn"))).one()
    return int(row[0]), int(row[1])


async def reviews(conn: AsyncConnection, provider_id: UUID, cursor: str | None,
                  limit: int) -> Sequence[Any]:
    statement = sa.select(ratings).where(ratings.c.provider_id == provider_id,
                                         ratings.c.status == "counted",
                                         ratings.c.review.isnot(None))
    return (await conn.execute(keyset(statement, ratings.c.rated_at, ratings.c.rating_id,
                                      cursor, limit, newest_first=True))).all()


async def held(conn: AsyncConnection, provider_id: UUID | None, limit: int) -> Sequence[Any]:
    statement = sa.select(ratings).where(sa.or_(
        ratings.c.status == "held", sa.and_(ratings.c.status == "counted", ratings.c.flags > 0)))
    if provider_id is not None:
        statement = statement.where(ratings.c.provider_id == provider_id)
    return (await conn.execute(statement.order_by(ratings.c.rated_at).limit(limit))).all()
