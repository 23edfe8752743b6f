"""Identity's tables: the event store, the inline read model "accounts" (accounts, login
names, consents, applications and their questions), session state, and the queries the use
cases make of them."""

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from contracts import roles
from identity import applications as apps
from kit.eventstore import EventStore
from kit.idempotency import idempotency_table
from kit.pagination import keyset

metadata = sa.MetaData(schema="identity")
store = EventStore(metadata, "identity")
idempotency = idempotency_table(metadata)
TZ = sa.DateTime(timezone=True)
T = TypeVar("T", bound=SQLModel)


class IdentityTable(SQLModel, registry=registry(metadata=metadata)):
    """A read-model table of identity, declared once: the table, and the typed row."""


class AccountRow(IdentityTable, table=True):
    """One account as sign-in and /v1/me read it."""

    __tablename__ = "accounts"

    user_id: UUID = Field(primary_key=True)
    roles: list[str] = Field(sa_type=ARRAY(sa.Text))
    display_name: str = Field(sa_type=sa.Text)
    preferred_language: str = Field(sa_type=sa.Text)
    profession: str | None = Field(default=None, sa_type=sa.Text)
    verified: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    password_hash: str | None = Field(default=None, sa_type=sa.Text)
    erased: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    sandbox_until: datetime | None = Field(default=None, sa_type=TZ)
    created_at: datetime = Field(sa_type=TZ)


class LoginName(IdentityTable, table=True):
    """Blind index: keyed hashes of login names, so the read model holds no contact in
    clear."""

    __tablename__ = "login_names"

    name_hash: str = Field(primary_key=True, sa_type=sa.Text)
    user_id: UUID = Field(foreign_key="identity.accounts.user_id")


class ConsentRow(IdentityTable, table=True):
    __tablename__ = "consents"

    user_id: UUID = Field(primary_key=True)
    purpose: str = Field(primary_key=True, sa_type=sa.Text)
    version: str = Field(sa_type=sa.Text)
    given_at: datetime = Field(sa_type=TZ)


class ApplicationRow(IdentityTable, table=True):
    """A professional application; its personal fields stay sealed, so that erasing the
    person's key erases them."""

    __tablename__ = "applications"

    application_id: UUID = Field(primary_key=True)
    user_id: UUID = Field(index=True)
    status: str = Field(sa_type=sa.Text, index=True)
    profession: str = Field(sa_type=sa.Text)
    registration_council: str = Field(sa_type=sa.Text)
    registration_key: str = Field(sa_type=sa.Text, index=True)
    sealed: dict[str, str | None] = Field(sa_type=sa.JSON)
    decision_reason: str | None = Field(default=None, sa_type=sa.Text)
    submitted_at: datetime = Field(sa_type=TZ)
    updated_at: datetime = Field(sa_type=TZ)


class QuestionRow(IdentityTable, table=True):
    """An admin's question to an applicant, and the (sealed) answer."""

    __tablename__ = "application_questions"

    application_id: UUID = Field(primary_key=True)
    asked_at: datetime = Field(primary_key=True, sa_type=TZ)
    question: str = Field(sa_type=sa.Text)
    answer: str | None = Field(default=None, sa_type=sa.Text)
    answered_at: datetime | None = Field(default=None, sa_type=TZ)


def _table(model: type[SQLModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined]


accounts, login_names, consents = _table(AccountRow), _table(LoginName), _table(ConsentRow)
applications, questions = _table(ApplicationRow), _table(QuestionRow)
INLINE = (questions, applications, consents, login_names, accounts)  # emptied in this order

# Session state: not derived from events, never rebuilt. SQLAlchemy Core rather than
# SQLModel: these are no read models, and they are written by the upserts below, not as rows.
refresh_tokens = sa.Table(
    "refresh_tokens", metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("family_id", sa.Uuid, nullable=False, index=True),
    sa.Column("user_id", sa.Uuid, nullable=False, index=True),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("used_at", TZ),
    sa.Column("revoked_at", TZ),
    sa.Column("parent_hash", sa.Text, index=True),  # the token it was refreshed from
)
login_failures = sa.Table(
    "login_failures", metadata,
    sa.Column("key", sa.Text, primary_key=True),  # name:<hash> or address:<hash>
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_started", TZ, nullable=False),
    sa.Column("locked_until", TZ),
    sa.Column("lockouts", sa.Integer, nullable=False, server_default="0"),
)


async def upgrade(engine: AsyncEngine) -> None:
    """Columns added since a table was first created (create_all adds none)."""
    async with engine.begin() as conn:
        await conn.execute(sa.text("ALTER TABLE identity.refresh_tokens"
                                   " ADD COLUMN IF NOT EXISTS parent_hash text"))

sign_ups = sa.Table(
    "sign_ups", metadata,
    sa.Column("key", sa.Text, primary_key=True),  # address:<hash>
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("window_started", TZ, nullable=False),
)
known_sign_ins = sa.Table(  # (account, address) pairs that signed in with the password
    "known_sign_ins", metadata,
    sa.Column("key", sa.Text, primary_key=True),  # pair:<hash>
    sa.Column("last_at", TZ, nullable=False),
)


def _typed(model: type[T], row: sa.Row | None) -> T | None:
    return None if row is None else model.model_validate(row._mapping)


async def account(conn: AsyncConnection, user_id: UUID) -> AccountRow | None:
    result = await conn.execute(sa.select(accounts).where(accounts.c.user_id == user_id))
    return _typed(AccountRow, result.one_or_none())


async def account_by_login(conn: AsyncConnection, name_hash: str) -> AccountRow | None:
    result = await conn.execute(sa.select(accounts).join(login_names).where(
        login_names.c.name_hash == name_hash))
    return _typed(AccountRow, result.one_or_none())


async def taken(conn: AsyncConnection, name_hashes: list[str]) -> bool:
    found = await conn.scalar(sa.select(sa.func.count()).select_from(login_names)
                              .where(login_names.c.name_hash.in_(name_hashes)))
    return bool(found)


async def admin_exists(conn: AsyncConnection) -> bool:
    found = await conn.scalar(sa.select(sa.func.count()).select_from(accounts)
                              .where(accounts.c.roles.any(roles.ADMIN)))
    return bool(found)


async def consents_of(conn: AsyncConnection, user_id: UUID) -> list[ConsentRow]:
    result = await conn.execute(sa.select(consents).where(consents.c.user_id == user_id)
                                .order_by(consents.c.purpose))
    return [ConsentRow.model_validate(row._mapping) for row in result]


async def application(conn: AsyncConnection, application_id: UUID) -> ApplicationRow | None:
    result = await conn.execute(sa.select(applications).where(
        applications.c.application_id == application_id))
    return _typed(ApplicationRow, result.one_or_none())


async def application_of(conn: AsyncConnection, user_id: UUID) -> ApplicationRow | None:
    """The person's latest application."""
    result = await conn.execute(
        sa.select(applications).where(applications.c.user_id == user_id)
        .order_by(applications.c.submitted_at.desc()).limit(1))
    return _typed(ApplicationRow, result.one_or_none())


async def application_ids_of(conn: AsyncConnection, user_id: UUID) -> list[UUID]:
    return list((await conn.execute(sa.select(applications.c.application_id).where(
        applications.c.user_id == user_id))).scalars())


async def application_page(conn: AsyncConnection, status: str | None, cursor: str | None,
                           limit: int) -> list[ApplicationRow]:
    """Applications oldest first, one more than `limit` when there are more."""
    a = applications
    statement = keyset(sa.select(a), a.c.submitted_at, a.c.application_id, cursor, limit)
    if status:
        statement = statement.where(a.c.status == status)
    return [ApplicationRow.model_validate(row._mapping)
            for row in await conn.execute(statement)]


async def questions_of(conn: AsyncConnection, application_id: UUID) -> list[QuestionRow]:
    result = await conn.execute(sa.select(questions).where(
        questions.c.application_id == application_id).order_by(questions.c.asked_at))
    return [QuestionRow.model_validate(row._mapping) for row in result]


async def verified_holders(conn: AsyncConnection, registration_key: str,
                           other_than: UUID) -> list[UUID]:
    """Verified professionals whose approved application has this registration."""
    result = await conn.execute(
        sa.select(applications.c.user_id).join(
            accounts, accounts.c.user_id == applications.c.user_id)
        .where(applications.c.registration_key == registration_key,
               applications.c.status == apps.APPROVED, accounts.c.verified,
               applications.c.user_id != other_than))
    return list(result.scalars())


# --- sessions ---

async def refresh_token_to_use(conn: AsyncConnection, token_hash: str) -> sa.Row | None:
    """The stored refresh token, locked until the transaction ends: of two refreshes with
    one token, the second sees what the first did."""
    return (await conn.execute(sa.select(refresh_tokens).where(
        refresh_tokens.c.token_hash == token_hash).with_for_update())).one_or_none()


async def add_refresh_token(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(refresh_tokens.insert().values(**values))


async def mark_used(conn: AsyncConnection, token_hash: str, now: datetime) -> None:
    await conn.execute(refresh_tokens.update().where(
        refresh_tokens.c.token_hash == token_hash).values(used_at=now))


async def revoke_siblings(conn: AsyncConnection, used: sa.Row, now: datetime) -> None:
    """The other, unused pairs refreshed from the same parent (a retried refresh's)."""
    if used.parent_hash is None:
        return
    t = refresh_tokens
    await conn.execute(t.update().where(
        t.c.parent_hash == used.parent_hash, t.c.token_hash != used.token_hash,
        t.c.used_at.is_(None), t.c.revoked_at.is_(None)).values(revoked_at=now))


async def family_of(conn: AsyncConnection, token_hash: str, user_id: UUID) -> UUID | None:
    return await conn.scalar(sa.select(refresh_tokens.c.family_id).where(
        refresh_tokens.c.token_hash == token_hash, refresh_tokens.c.user_id == user_id))


async def revoke_family(conn: AsyncConnection, family_id: UUID, now: datetime) -> None:
    await conn.execute(refresh_tokens.update().where(
        refresh_tokens.c.family_id == family_id,
        refresh_tokens.c.revoked_at.is_(None)).values(revoked_at=now))


async def end_sessions(conn: AsyncConnection, user_id: UUID) -> None:
    await conn.execute(refresh_tokens.delete().where(refresh_tokens.c.user_id == user_id))


# --- sign-in throttling ---

COUNT_FAILURE = sa.text("""
INSERT INTO identity.login_failures (key, failures, window_started, lockouts)
VALUES (:key, 1, :now, 0)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_started < :window_start THEN 1
                  ELSE login_failures.failures + 1 END,
  window_started = CASE WHEN login_failures.window_started < :window_start THEN :now
                        ELSE login_failures.window_started END
RETURNING failures, lockouts
""")


async def locked_until(conn: AsyncConnection, keys: list[str]) -> datetime | None:
    return await conn.scalar(sa.select(sa.func.max(login_failures.c.locked_until))
                             .where(login_failures.c.key.in_(keys)))


async def count_failure(conn: AsyncConnection, key: str, now: datetime,
                        window_start: datetime) -> tuple[int, int]:
    """One more failure of `key` in its window: the failures and lockouts so far."""
    failures, lockouts = (await conn.execute(COUNT_FAILURE, {
        "key": key, "now": now, "window_start": window_start})).one()
    return failures, lockouts


async def lock(conn: AsyncConnection, key: str, lockouts: int, until: datetime) -> None:
    await conn.execute(login_failures.update().where(login_failures.c.key == key).values(
        failures=0, lockouts=lockouts, locked_until=until))


COUNT_SIGN_UP = sa.text("""
INSERT INTO identity.sign_ups (key, count, window_started) VALUES (:key, 1, :now)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN sign_ups.window_started < :window_start THEN 1 ELSE sign_ups.count + 1 END,
  window_started = CASE WHEN sign_ups.window_started < :window_start THEN :now
                        ELSE sign_ups.window_started END
RETURNING count, window_started
""")


async def count_sign_up(conn: AsyncConnection, key: str, now: datetime,
                        window_start: datetime) -> tuple[int, datetime]:
    """One more sign-up from `key` in its window: how many so far, since when."""
    count, started = (await conn.execute(COUNT_SIGN_UP, {
        "key": key, "now": now, "window_start": window_start})).one()
    return count, started


async def serialise_sign_ins(conn: AsyncConnection, key: str) -> None:
    """One password check of an account at a time, until the transaction ends: parallel
    guesses then see each other's failures and lockout, and no more are checked."""
    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 7701))"),
                       {"key": key})


async def known(conn: AsyncConnection, key: str, since: datetime) -> bool:
    return bool(await conn.scalar(sa.select(sa.func.count()).select_from(known_sign_ins)
                                  .where(known_sign_ins.c.key == key,
                                         known_sign_ins.c.last_at > since)))


async def remember_sign_in(conn: AsyncConnection, key: str, now: datetime) -> None:
    statement = insert(known_sign_ins).values(key=key, last_at=now)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"last_at": now}))


async def forget_failures(conn: AsyncConnection, key: str) -> None:
    await conn.execute(login_failures.delete().where(login_failures.c.key == key))
