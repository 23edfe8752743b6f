"""Signing in: passwords checked under throttling, access tokens, rotating refresh tokens."""

import asyncio
import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.identity.messages import IssueToken, RefreshToken, TokenIssued
from identity import domain
from identity.adapters import sql
from identity.handlers.deps import Deps, Throttle
from kit.errors import ProblemError
from kit.logging import get_logger
from kit.rpc import Reply, Request, ok, refuse

log = get_logger(__name__)
INVALID = ProblemError(401, "Invalid credentials", "the username or password is wrong")
DUMMY_HASH = PasswordHasher().hash("not the password of anyone")
UPSERT_FAILURE = sa.text("""
INSERT INTO identity.login_failures (key, failures, window_started, lockouts)
VALUES (:key, 1, :now, 0)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_started < :window_start THEN 1
                  ELSE login_failures.failures + 1 END,
  window_started = CASE WHEN login_failures.window_started < :window_start THEN :now
                        ELSE login_failures.window_started END
RETURNING failures, lockouts
""")


async def issue_token(deps: Deps, request: Request) -> Reply:
    body = request.parse(IssueToken)
    keys = _throttle_keys(deps, body.username, request.client_address)
    now = datetime.now(UTC)
    async with deps.engine.connect() as conn:
        await _refuse_if_locked(conn, keys, now)
        row = await _account_for(conn, deps, body.username)
    # Unknown user or wrong password: the same work, the same answer.
    stored = row.password_hash if row is not None and row.password_hash else DUMMY_HASH
    valid = await asyncio.to_thread(_verify, deps.hasher, stored, body.password)
    async with deps.engine.begin() as conn:
        if row is None or not valid:
            await _record_failures(conn, deps.throttle, keys, now)
            return refuse(INVALID)
        await conn.execute(sql.login_failures.delete().where(sql.login_failures.c.key == keys[0]))
        return ok(await _tokens(conn, deps, row.user_id, list(row.roles), uuid4(), now))


async def refresh(deps: Deps, request: Request) -> Reply:
    """A new pair for a valid refresh token; reuse of an old one ends the whole family."""
    token_hash = _hash(request.parse(RefreshToken).refresh_token)
    now = datetime.now(UTC)
    async with deps.engine.begin() as conn:
        stored = (await conn.execute(sa.select(sql.refresh_tokens).where(
            sql.refresh_tokens.c.token_hash == token_hash).with_for_update())).one_or_none()
        if stored is None or stored.expires_at <= now:
            return refuse(ProblemError(401, "Unauthorized", "the refresh token is not valid"))
        if stored.used_at is not None or stored.revoked_at is not None:
            await _revoke_family(conn, stored.family_id, now)
            log.warning("refresh_token_reused", user_id=str(stored.user_id))
            return refuse(ProblemError(401, "Unauthorized",
                                       "this refresh token was already used: sign in again"))
        account = await sql.account(conn, stored.user_id)
        if account is None or account.erased:
            return refuse(ProblemError(401, "Unauthorized", "this account no longer exists"))
        await conn.execute(sql.refresh_tokens.update().where(
            sql.refresh_tokens.c.token_hash == token_hash).values(used_at=now))
        return ok(await _tokens(conn, deps, stored.user_id, list(account.roles),
                                stored.family_id, now))


async def logout(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    token_hash = _hash(request.parse(RefreshToken).refresh_token)
    async with deps.engine.begin() as conn:
        family = await conn.scalar(sa.select(sql.refresh_tokens.c.family_id).where(
            sql.refresh_tokens.c.token_hash == token_hash,
            sql.refresh_tokens.c.user_id == principal.user_id))
        if family is not None:
            await _revoke_family(conn, family, datetime.now(UTC))
    return ok({"status": "signed_out"})


async def signing_key(deps: Deps, request: Request) -> Reply:
    return ok(deps.signer.public_key())


async def _tokens(conn: AsyncConnection, deps: Deps, user_id: UUID, roles: list[str],
                  family_id: UUID, now: datetime) -> TokenIssued:
    refresh_token = secrets.token_urlsafe(32)
    await conn.execute(sql.refresh_tokens.insert().values(
        token_hash=_hash(refresh_token), family_id=family_id, user_id=user_id, created_at=now,
        expires_at=now + timedelta(seconds=deps.refresh_ttl_s)))
    return TokenIssued(access_token=deps.signer.issue(user_id, roles),
                       refresh_token=refresh_token, expires_in=deps.signer.ttl_s)


async def _revoke_family(conn: AsyncConnection, family_id: UUID, now: datetime) -> None:
    await conn.execute(sql.refresh_tokens.update().where(
        sql.refresh_tokens.c.family_id == family_id,
        sql.refresh_tokens.c.revoked_at.is_(None)).values(revoked_at=now))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throttle_keys(deps: Deps, username: str, address: str | None) -> list[str]:
    try:
        name = domain.login_name_of(username)
    except domain.InvalidContactError:
        name = "raw:" + username.strip().lower()
    keys = ["name:" + deps.keyed_hash(name)]
    if address:
        keys.append("address:" + deps.keyed_hash(address))
    return keys


async def _account_for(conn: AsyncConnection, deps: Deps, username: str) -> sa.Row | None:
    try:
        name_hash = deps.keyed_hash(domain.login_name_of(username))
    except domain.InvalidContactError:
        return None
    return await sql.account_by_login(conn, name_hash)


async def _refuse_if_locked(conn: AsyncConnection, keys: list[str], now: datetime) -> None:
    locked_until = await conn.scalar(sa.select(sa.func.max(sql.login_failures.c.locked_until))
                                     .where(sql.login_failures.c.key.in_(keys)))
    if locked_until is not None and locked_until > now:
        wait = int((locked_until - now).total_seconds()) + 1
        raise ProblemError(429, "Too many attempts",
                           f"too many failed sign-ins: try again in {wait} seconds")


async def _record_failures(conn: AsyncConnection, throttle: Throttle, keys: list[str],
                           now: datetime) -> None:
    window_start = now - timedelta(seconds=throttle.window_s)
    limits = [throttle.failures_per_name, throttle.failures_per_address]
    for key, limit in zip(keys, limits, strict=False):
        failures, lockouts = (await conn.execute(UPSERT_FAILURE, {
            "key": key, "now": now, "window_start": window_start})).one()
        if failures >= limit:
            lock = min(throttle.lockout_s * 2 ** lockouts, 86_400)
            await conn.execute(sql.login_failures.update().where(
                sql.login_failures.c.key == key).values(
                    failures=0, lockouts=lockouts + 1,
                    locked_until=now + timedelta(seconds=lock)))


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
