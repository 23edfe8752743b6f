"""Identity's tables and queries: the event store and the inline accounts read model."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table

metadata = sa.MetaData(schema="identity")
store = EventStore(metadata, "identity")
idempotency = idempotency_table(metadata)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("roles", ARRAY(sa.Text), nullable=False),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("preferred_language", sa.Text, nullable=False),
    sa.Column("profession", sa.Text),
    sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("password_hash", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
# Blind index: keyed hashes of login names, so the read model holds no contact in clear.
login_names = sa.Table(
    "login_names", metadata,
    sa.Column("name_hash", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey(accounts.c.user_id), nullable=False),
)


async def account(conn: AsyncConnection, user_id: UUID) -> sa.Row | None:
    result = await conn.execute(sa.select(accounts).where(accounts.c.user_id == user_id))
    return result.one_or_none()


async def account_by_login(conn: AsyncConnection, name_hash: str) -> sa.Row | None:
    result = await conn.execute(
        sa.select(accounts).join(login_names).where(login_names.c.name_hash == name_hash))
    return result.one_or_none()


async def taken(conn: AsyncConnection, name_hashes: list[str]) -> bool:
    found = await conn.scalar(sa.select(sa.func.count()).select_from(login_names)
                              .where(login_names.c.name_hash.in_(name_hashes)))
    return bool(found)


async def admin_exists(conn: AsyncConnection) -> bool:
    found = await conn.scalar(sa.select(sa.func.count()).select_from(accounts)
                              .where(accounts.c.roles.any("admin")))
    return bool(found)
