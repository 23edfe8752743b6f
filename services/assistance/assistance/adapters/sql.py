"""The assistance tables: its event store, the inline read models (applications, their
timeline and documents), the `schemes` projection's table, and the queries the use cases
make of them. SQLAlchemy Core throughout. The fund has no table: it is folded from its
stream whenever it is read (a few events per case)."""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.pagination import keyset
from kit.projection import tracking_table

metadata = sa.MetaData(schema="assistance")
store = EventStore(metadata, "assistance")
idempotency = idempotency_table(metadata)
tracking = tracking_table(metadata)
TZ = sa.DateTime(timezone=True)

# Inline "applications": each case as it stands (personal fields sealed, as in the events).
applications = sa.Table(
    "applications", metadata,
    sa.Column("application_id", sa.Uuid, primary_key=True),
    sa.Column("owner_id", sa.Uuid, nullable=False),
    sa.Column("submitted_by", sa.Uuid, nullable=False),
    sa.Column("assisted_by", sa.Uuid),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("urgency", sa.Text, nullable=False),
    sa.Column("urgency_rank", sa.Integer, nullable=False),
    sa.Column("patient_name", sa.Text, nullable=False),
    sa.Column("diagnosis", sa.Text, nullable=False),
    sa.Column("disease_area", sa.Text, nullable=False),
    sa.Column("hospital_name", sa.Text, nullable=False),
    sa.Column("hospital_type", sa.Text, nullable=False),
    sa.Column("estimate", sa.BigInteger, nullable=False),
    sa.Column("approved", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("disbursed", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("payee_kind", sa.Text, nullable=False),
    sa.Column("outstanding", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("suggested_schemes", ARRAY(sa.Text), nullable=False),
    sa.Column("submitted_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Index("applications_queue", "urgency_rank", "submitted_at", "application_id"),
    sa.Index("applications_by_owner", "owner_id", "submitted_at"),
    sa.Index("applications_by_caseworker", "assisted_by", "submitted_at"),
)
# Inline too: every step of every case, in order, with who and why.
steps = sa.Table(
    "steps", metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("application_id", sa.Uuid, nullable=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("at", TZ, nullable=False),
    sa.Column("by", sa.Uuid, nullable=False),
    sa.Column("by_role", sa.Text, nullable=False),
    sa.Column("note", sa.Text),  # sealed
    sa.Column("amount", sa.BigInteger),
    sa.Column("detail", sa.Text),
    sa.Index("steps_of_application", "application_id", "position"),
)
documents = sa.Table(
    "documents", metadata,
    sa.Column("document_id", sa.Uuid, primary_key=True),
    sa.Column("application_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("media_key", sa.Text, nullable=False),
    sa.Column("added_at", TZ, nullable=False),
    sa.Index("documents_of_application", "application_id", "added_at"),
)
# Projection "schemes": the feed's directory of government schemes.
schemes = sa.Table(
    "schemes", metadata,
    sa.Column("scheme_id", sa.Uuid, primary_key=True),
    sa.Column("slug", sa.Text, nullable=False, unique=True),
    sa.Column("names", JSONB, nullable=False),
    sa.Column("needs", ARRAY(sa.Text), nullable=False),
    sa.Column("states", ARRAY(sa.Text), nullable=False),
    sa.Column("link", sa.Text),
    sa.Column("helpline", sa.Text),
)


async def application(conn: AsyncConnection, application_id: UUID) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(applications).where(
        applications.c.application_id == application_id))).first()
    return dict(row._mapping) if row else None


async def timeline(conn: AsyncConnection, application_id: UUID) -> Sequence[Any]:
    return (await conn.execute(sa.select(steps).where(
        steps.c.application_id == application_id).order_by(steps.c.position))).all()


async def documents_of(conn: AsyncConnection, application_id: UUID) -> Sequence[Any]:
    return (await conn.execute(sa.select(documents).where(
        documents.c.application_id == application_id).order_by(documents.c.added_at))).all()


async def document(conn: AsyncConnection, application_id: UUID,
                   document_id: UUID) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(documents).where(
        documents.c.application_id == application_id,
        documents.c.document_id == document_id))).first()
    return dict(row._mapping) if row else None


async def queue(conn: AsyncConnection, status: str | None, offset: int,
                limit: int) -> Sequence[Any]:
    """Open cases, the most urgent first and, within an urgency, the oldest (limit + 1)."""
    statement = sa.select(applications)
    statement = statement.where(applications.c.status == status) if status else \
        statement.where(applications.c.status != "closed")
    return (await conn.execute(statement.order_by(
        applications.c.urgency_rank, applications.c.submitted_at,
        applications.c.application_id).offset(offset).limit(limit + 1))).all()


async def mine(conn: AsyncConnection, user_id: UUID, cursor: str | None,
               limit: int) -> Sequence[Any]:
    """The cases a person owns, filed, or assists as a caseworker; newest first."""
    statement = sa.select(applications).where(sa.or_(
        applications.c.owner_id == user_id, applications.c.submitted_by == user_id,
        applications.c.assisted_by == user_id))
    return (await conn.execute(keyset(statement, applications.c.submitted_at,
                                      applications.c.application_id, cursor, limit,
                                      newest_first=True))).all()


async def all_schemes(conn: AsyncConnection) -> Sequence[Any]:
    return (await conn.execute(sa.select(schemes).order_by(schemes.c.slug))).all()
