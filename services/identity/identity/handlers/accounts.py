"""Accounts: sign-up, the caller's own account, consents, erasure, roles, audit."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.identity.messages import (
    AccountCreated,
    AuditEntry,
    Consent,
    Consents,
    GiveConsent,
    Me,
    RegisterAccount,
    RolesSet,
    SetRoles,
    UserHistory,
    UserRef,
    WithdrawConsent,
)
from identity import domain, passwords
from identity.adapters import sql
from identity.handlers.deps import Deps, load_account
from kit.errors import ProblemError, conflict, invalid, not_found, unauthorized
from kit.eventstore import Metadata
from kit.idempotency import once
from kit.rpc import Reply, Request, ok

# Fields never shown in an audit trail: personal, sealed or secret.
UNAUDITED = frozenset({"display_name", "email", "phone", "full_name", "registration_number",
                       "qualification", "workplace", "answer", "password_hash",
                       "registration_key", "user_id", "application_id"})


@dataclass(frozen=True)
class NewAccount:
    role: str
    display_name: str
    email: str | None
    phone: str | None
    password: str
    preferred_language: str
    consents: list[tuple[str, str]] = field(default_factory=list)


async def register_account(deps: Deps, request: Request) -> Reply:
    body = request.parse(RegisterAccount)
    new = NewAccount(body.role, body.display_name, body.email, body.phone, body.password,
                     body.preferred_language, [(c.purpose, c.version) for c in body.consents])
    password_hash = await hash_password(deps, new)
    async with deps.engine.begin() as conn:
        return await once(conn, sql.idempotency, request, partial(
            _created, conn, deps, new, password_hash, request.event_metadata()))


async def hash_password(deps: Deps, new: NewAccount) -> str:
    problem = passwords.weakness(new.password, new.display_name, new.email, new.phone)
    if problem:
        raise invalid("password", problem)
    return await asyncio.to_thread(deps.hasher.hash, new.password)


async def _created(conn: AsyncConnection, deps: Deps, new: NewAccount, password_hash: str,
                   meta: Metadata) -> Reply:
    user_id = await create_account(conn, deps, new, password_hash, meta)
    return ok(AccountCreated(user_id=user_id), status=201)


async def create_account(conn: AsyncConnection, deps: Deps, new: NewAccount,
                         password_hash: str, meta: Metadata, sandboxed: bool = True) -> UUID:
    try:
        names = domain.login_names(new.email, new.phone)
    except domain.InvalidContactError as error:
        raise invalid("phone", str(error)) from None
    if await sql.taken(conn, [deps.keyed_hash(n) for n in names]):
        raise conflict("an account with this email or phone number exists")
    user_id = uuid4()
    key = await deps.personal.create_key(conn, user_id)
    seal = partial(deps.personal.encrypt, key, user_id)
    sealed = domain.SealedContact(
        display_name=seal("display_name", new.display_name),
        email=seal("email", domain.normalise_email(new.email)) if new.email else None,
        phone=seal("phone", domain.normalise_phone(new.phone)) if new.phone else None)
    events = domain.register(user_id, new.role, new.preferred_language, sealed, password_hash,
                             new.consents, datetime.now(UTC),
                             deps.sandbox if sandboxed else None)
    try:
        async with conn.begin_nested():
            await deps.append(conn, domain.stream_id(user_id), 0, events, meta)
    except IntegrityError:  # the same contact, registered concurrently
        raise conflict("an account with this email or phone number exists") from None
    return user_id


async def get_me(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    async with deps.engine.connect() as conn:
        row = await sql.account(conn, principal.user_id)
    if row is None or row.erased:
        raise unauthorized("this account no longer exists")
    return ok(Me(user_id=row.user_id, display_name=row.display_name, roles=list(row.roles),
                 profession=row.profession, verified=row.verified,
                 preferred_language=row.preferred_language))


async def list_consents(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    async with deps.engine.connect() as conn:
        rows = await conn.execute(sa.select(sql.consents).where(
            sql.consents.c.user_id == principal.user_id).order_by(sql.consents.c.purpose))
    return ok(Consents(items=[Consent(purpose=r.purpose, version=r.version) for r in rows]))


async def give_consent(deps: Deps, request: Request) -> Reply:
    body = request.parse(GiveConsent)
    await _change_account(deps, request, lambda a: domain.give_consent(
        a, body.purpose, body.version))
    return await list_consents(deps, request)


async def withdraw_consent(deps: Deps, request: Request) -> Reply:
    body = request.parse(WithdrawConsent)
    await _change_account(deps, request, lambda a: domain.withdraw_consent(a, body.purpose))
    return await list_consents(deps, request)


async def erase_me(deps: Deps, request: Request) -> Reply:
    """DELETE /v1/me: destroy the person's key, tell every service, end their sessions."""
    principal = request.require()
    async with deps.engine.begin() as conn:
        account, version = await load_account(conn, principal.user_id)
        events = _decide(domain.erase, account)
        await deps.append(conn, domain.stream_id(principal.user_id), version, events,
                          request.event_metadata())
        await deps.personal.shred(conn, principal.user_id)
        await conn.execute(sql.refresh_tokens.delete().where(
            sql.refresh_tokens.c.user_id == principal.user_id))
    return ok({"status": "erased"}, status=202)


async def set_roles(deps: Deps, request: Request) -> Reply:
    request.require("admin")
    body = request.parse(SetRoles)
    if body.user_id == request.principal.user_id and "admin" not in body.roles:  # type: ignore[union-attr]
        raise invalid("roles", "an admin cannot remove their own admin role")
    async with deps.engine.begin() as conn:
        account, version = await load_account(conn, body.user_id)
        events = _decide(domain.set_staff_roles, account, set(body.roles), body.reason)
        await deps.append(conn, domain.stream_id(body.user_id), version, events,
                          request.event_metadata())
        row = await sql.account(conn, body.user_id)
    assert row is not None
    return ok(RolesSet(user_id=body.user_id, roles=sorted(row.roles)))


async def user_history(deps: Deps, request: Request) -> Reply:
    """The audit trail of one person's account and applications (admins)."""
    request.require("admin")
    user_id = request.parse(UserRef).user_id
    async with deps.engine.connect() as conn:
        streams = [domain.stream_id(user_id)] + [
            f"application-{a}" for a in (await conn.execute(sa.select(
                sql.applications.c.application_id).where(
                    sql.applications.c.user_id == user_id))).scalars()]
        envelopes = [e for s in streams for e in await sql.store.load(conn, s)]
    if not envelopes:
        raise not_found("the account")
    entries = [audit_entry(e) for e in sorted(envelopes, key=lambda e: e.position)]
    return ok(UserHistory(user_id=user_id, history=entries))


def audit_entry(envelope: Envelope) -> AuditEntry:
    details = {k: None if v is None else str(v) for k, v in envelope.data.items()
               if k not in UNAUDITED}
    return AuditEntry(event_type=envelope.event_type, at=envelope.occurred_at,
                      actor=envelope.actor, details=details)


async def _change_account(deps: Deps, request: Request, decide: object) -> None:
    principal = request.require()
    async with deps.engine.begin() as conn:
        account, version = await load_account(conn, principal.user_id)
        events = _decide(decide, account)
        await deps.append(conn, domain.stream_id(principal.user_id), version, events,
                          request.event_metadata())


def _decide(decide: object, *args: object) -> list:
    try:
        return decide(*args)  # type: ignore[operator]
    except domain.ErasedError:
        raise not_found("the account") from None
    except domain.IdentityError as error:
        raise ProblemError(422, "Invalid request", str(error)) from None
