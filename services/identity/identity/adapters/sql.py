"""Identity's tables: the event store, the inline read model, and session state."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from kit.eventstore import EventStore
from kit.idempotency import idempotency_table

metadata = sa.MetaData(schema="identity")
store = EventStore(metadata, "identity")
idempotency = idempotency_table(metadata)
TZ = sa.DateTime(timezone=True)

# --- inline read model, rebuilt from the events ("accounts") ---
accounts = sa.Table(
    "accounts", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("roles", ARRAY(sa.Text), nullable=False),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("preferred_language", sa.Text, nullable=False),
    sa.Column("profession", sa.Text),
    sa.Column("verified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("password_hash", sa.Text),
    sa.Column("erased", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("sandbox_until", TZ),
    sa.Column("created_at", TZ, nullable=False),
)
# Blind index: keyed hashes of login names, so the read model holds no contact in clear.
login_names = sa.Table(
    "login_names", metadata,
    sa.Column("name_hash", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Uuid, sa.ForeignKey(accounts.c.user_id), nullable=False),
)
consents = sa.Table(
    "consents", metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("purpose", sa.Text, primary_key=True),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("given_at", TZ, nullable=False),
)
# Applications keep their personal fields sealed: erasing the person's key erases them.
applications = sa.Table(
    "applications", metadata,
    sa.Column("application_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False, index=True),
    sa.Column("status", sa.Text, nullable=False, index=True),
    sa.Column("profession", sa.Text, nullable=False),
    sa.Column("registration_council", sa.Text, nullable=False),
    sa.Column("registration_key", sa.Text, nullable=False, index=True),
    sa.Column("sealed", sa.JSON, nullable=False),
    sa.Column("decision_reason", sa.Text),
    sa.Column("submitted_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)
questions = sa.Table(
    "application_questions", metadata,
    sa.Column("application_id", sa.Uuid, primary_key=True),
    sa.Column("asked_at", TZ, primary_key=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text),  # sealed
    sa.Column("answered_at", TZ),
)
INLINE = (questions, applications, consents, login_names, accounts)  # delete in this order

# --- session state: not events, not rebuilt ---
refresh_tokens = sa.Table(
    "refresh_tokens", metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("family_id", sa.Uuid, nullable=False, index=True),
    sa.Column("user_id", sa.Uuid, nullable=False, index=True),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("used_at", TZ),
    sa.Column("revoked_at", TZ),
)
login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("key", sa.Text, primary_key=True),  # name:<hash> or address:<hash>
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_started", TZ, nullable=False),
    sa.Column("locked_until", TZ),
    sa.Column("lockouts", sa.Integer, nullable=False, server_default="0"),
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


async def application_of(conn: AsyncConnection, user_id: UUID) -> sa.Row | None:
    result = await conn.execute(
        sa.select(applications).where(applications.c.user_id == user_id)
        .order_by(applications.c.submitted_at.desc()).limit(1))
    return result.one_or_none()


async def questions_of(conn: AsyncConnection, application_id: UUID) -> list[sa.Row]:
    result = await conn.execute(sa.select(questions).where(
        questions.c.application_id == application_id).order_by(questions.c.asked_at))
    return list(result.all())


async def verified_holders(conn: AsyncConnection, registration_key: str,
                           other_than: UUID) -> list[UUID]:
    """Verified professionals whose approved application has this registration."""
    result = await conn.execute(
        sa.select(applications.c.user_id).join(
            accounts, accounts.c.user_id == applications.c.user_id)
        .where(applications.c.registration_key == registration_key,
               applications.c.status == "approved", accounts.c.verified,
               applications.c.user_id != other_than))
    return list(result.scalars())
