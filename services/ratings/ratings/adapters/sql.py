"""The ratings' tables: its event store, the inline read models (its own providers and
every rating), the directory projection's (accounts and the providers other contexts
publish), and the queries the use cases make of them. SQLAlchemy Core throughout."""

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

DIRECTORY = [c.name for c in providers.columns]


def directory() -> sa.Subquery:
    """Every provider, whoever publishes it."""
    return sa.union_all(sa.select(providers), sa.select(external_providers)).subquery("d")


async def provider(conn: AsyncConnection, provider_id: UUID) -> dict[str, Any] | None:
    d = directory()
    row = (await conn.execute(sa.select(d).where(d.c.provider_id == provider_id))).first()
    return dict(row._mapping) if row else None


async def listed(conn: AsyncConnection, kind: str | None, q: str | None, city: str | None,
                 state: str | None, speciality: str | None) -> list[dict[str, Any]]:
    d = directory()
    statement = sa.select(d).where(d.c.status == "listed")
    for column, value in ((d.c.kind, kind),):
        if value:
            statement = statement.where(column == value)
    for column, value in ((d.c.name, q), (d.c.city, city), (d.c.state, state),
                          (d.c.speciality, speciality)):
        if value:
            statement = statement.where(column.ilike(f"%{_escaped(value)}%", escape="\\"))
    return [dict(row._mapping) for row in await conn.execute(statement)]


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


async def counted(conn: AsyncConnection, kind: str, since: datetime) -> Sequence[Any]:
    """The counted ratings of one kind since `since`: what every score is made of."""
    return (await conn.execute(
        sa.select(ratings.c.provider_id, ratings.c.stars, ratings.c.criteria)
        .where(ratings.c.kind == kind, ratings.c.status == "counted",
               ratings.c.rated_at > since))).all()


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
