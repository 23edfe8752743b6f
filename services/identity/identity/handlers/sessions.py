"""Signing in: passwords checked under throttling, access tokens, rotating refresh tokens.

Refusals that must leave a trace (a failed sign-in counted, a reused token's family
revoked) commit it in the use case's own transaction before raising."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.identity.messages import IssueToken, RefreshToken, SignedOut, SigningKey, TokenIssued
from contracts.rpc import NoBody
from identity import domain
from identity.adapters import sql
from identity.deps import Deps
from kit.logging import get_logger
from kit.usecases import Call

log = get_logger(__name__)
DUMMY_HASH = PasswordHasher().hash("not the password of anyone")


async def issue_token(call: Call[IssueToken], deps: Deps) -> TokenIssued:
    """A pair of tokens for the right password; a failure counts towards a lockout.

    The check runs under a lock of the account's name, in one transaction with the
    counting: of 40 parallel guesses against a limit of 10, the 11th sees the lockout and
    no more passwords are checked."""
    username, now = call.command.username, datetime.now(UTC)
    keys = _throttle_keys(deps, username, call.caller.address)
    async with deps.sign_ins.held(keys.name), deps.db.transaction() as conn:
        await sql.serialise_sign_ins(conn, keys.name)
        issued = await _check_password(conn, deps, call.command, keys, now)
    if issued is None:
        raise domain.InvalidCredentialsError()
    return issued


async def _check_password(conn: AsyncConnection, deps: Deps, command: IssueToken,
                          keys: "ThrottleKeys", now: datetime) -> TokenIssued | None:
    """The tokens, or None once the failure is counted (committed with the transaction)."""
    known = keys.pair is not None and await sql.known(
        conn, keys.pair, now - timedelta(seconds=deps.throttle.known_for_s))
    domain.refuse_if_locked(await sql.locked_until(conn, keys.checked(known)), now)
    row = await _account_for(conn, deps, command.username)
    # Unknown user or wrong password: the same work, the same answer.
    stored = row.password_hash if row is not None and row.password_hash else DUMMY_HASH
    if row is not None and await deps.hashing.verify(stored, command.password):
        if keys.pair is not None:
            await sql.forget_failures(conn, keys.pair)
            await sql.remember_sign_in(conn, keys.pair, now)
        return await _tokens(conn, deps, row.user_id, row.roles, uuid4(), now)
    if row is None:
        await deps.hashing.verify(stored, command.password)
    await _count_failures(conn, deps.throttle, keys, now)
    return None


async def refresh_token(call: Call[RefreshToken], deps: Deps) -> TokenIssued:
    """A new pair for a valid refresh token; reuse of an old one ends the whole family.

    A phone on a flaky network retries a refresh whose answer it never got: within the
    grace after its first use, the same token of the same person gets another pair of the
    same session instead of ending it. Whichever of those pairs is refreshed first revokes
    its unused siblings, so the session goes on along one line only."""
    token_hash, now = _hash(call.command.refresh_token), datetime.now(UTC)
    async with deps.db.transaction() as conn:
        stored = await sql.refresh_token_to_use(conn, token_hash)
        if stored is None or stored.expires_at <= now:
            raise domain.InvalidRefreshTokenError()
        if stored.revoked_at is None and (stored.used_at is None or _retried(
                call, deps, stored, now)):
            account = await sql.account(conn, stored.user_id)
            if account is None or account.erased:
                raise domain.AccountGoneError()
            if stored.used_at is None:
                await sql.mark_used(conn, token_hash, now)
                await sql.revoke_siblings(conn, stored, now)
            return await _tokens(conn, deps, stored.user_id, account.roles, stored.family_id,
                                 now, parent=token_hash)
        await sql.revoke_family(conn, stored.family_id, now)
        await _end_session(conn, deps, call, stored.user_id, stored.family_id,
                           "refresh_token_reused")
    log.warning("refresh_token_reused", user_id=str(stored.user_id))
    raise domain.RefreshTokenReusedError()


def _retried(call: Call[RefreshToken], deps: Deps, stored: sa.Row, now: datetime) -> bool:
    """A second use of the token within the grace, by its own person when signed in."""
    principal = call.caller.principal
    return (now - stored.used_at <= timedelta(seconds=deps.refresh_grace_s)
            and (principal is None or principal.user_id == stored.user_id))


async def log_out(call: Call[RefreshToken], deps: Deps) -> SignedOut:
    """Revoke the refresh token's family (the caller's own only) and, by a published fact,
    the session's access tokens at the gateway."""
    token_hash = _hash(call.command.refresh_token)
    async with deps.db.transaction() as conn:
        family = await sql.family_of(conn, token_hash, call.caller.user_id)
        if family is not None:
            await sql.revoke_family(conn, family, datetime.now(UTC))
            await _end_session(conn, deps, call, call.caller.user_id, family, "signed_out")
    return SignedOut()


async def _end_session(conn: AsyncConnection, deps: Deps, call: Call, user_id: UUID,
                       session_id: UUID, reason: str) -> None:
    await deps.accounts.change(conn, domain.stream_id(user_id),
                               lambda account: domain.end_session(account, session_id, reason),
                               call.caller.metadata)


async def get_signing_key(call: Call[NoBody], deps: Deps) -> SigningKey:
    """The public half of the token key, which the gateway verifies tokens with."""
    return deps.signer.public_key()


async def _tokens(conn: AsyncConnection, deps: Deps, user_id: UUID, roles: list[str],
                  family_id: UUID, now: datetime, parent: str | None = None) -> TokenIssued:
    refresh = secrets.token_urlsafe(32)
    await sql.add_refresh_token(conn, token_hash=_hash(refresh), family_id=family_id,
                                parent_hash=parent,
                                user_id=user_id, created_at=now,
                                expires_at=now + timedelta(seconds=deps.refresh_ttl_s))
    return TokenIssued(access_token=deps.signer.issue(user_id, list(roles), family_id),
                       refresh_token=refresh, expires_in=deps.signer.ttl_s)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ThrottleKeys:
    name: str  # the account's name, however it is typed
    address: str | None  # the client's address
    pair: str | None  # the two together

    def checked(self, known: bool) -> list[str]:
        """The locks that hold for this sign-in: a known pair is held by its own only."""
        if known:
            return [k for k in (self.pair,) if k]
        return [k for k in (self.pair, self.name, self.address) if k]


def _throttle_keys(deps: Deps, username: str, address: str | None) -> ThrottleKeys:
    try:
        name = domain.login_name_of(username)
    except domain.InvalidContactError:
        name = "raw:" + username.strip().lower()
    return ThrottleKeys(
        name="name:" + deps.keyed_hash(name),
        address="address:" + deps.keyed_hash(address) if address else None,
        pair="pair:" + deps.keyed_hash(f"{name}\n{address}") if address else None)


async def _account_for(conn: AsyncConnection, deps: Deps,
                       username: str) -> sql.AccountRow | None:
    try:
        name_hash = deps.keyed_hash(domain.login_name_of(username))
    except domain.InvalidContactError:
        return None
    return await sql.account_by_login(conn, name_hash)


async def _count_failures(conn: AsyncConnection, throttle: domain.Throttle,
                          keys: ThrottleKeys, now: datetime) -> None:
    window_start = now - timedelta(seconds=throttle.window_s)
    limits = ((keys.pair, throttle.failures_per_pair), (keys.name, throttle.failures_per_name),
              (keys.address, throttle.failures_per_address))
    for key, limit in limits:
        if key is None:
            continue
        failures, lockouts = await sql.count_failure(conn, key, now, window_start)
        if failures >= limit:
            await sql.lock(conn, key, lockouts + 1, now + throttle.lockout_for(lockouts))
