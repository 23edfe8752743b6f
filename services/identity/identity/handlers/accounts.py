"""Accounts: sign-up, the caller's own account, erasure, staff roles, the audit trail."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial, reduce
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.identity.messages import (
    AccountCreated,
    AuditEntry,
    Erased,
    Me,
    RegisterAccount,
    RolesSet,
    SetRoles,
    UserHistory,
    UserRef,
)
from contracts.rpc import NoBody
from identity import applications as apps
from identity import domain, passwords
from identity.adapters import sql
from identity.deps import Deps
from kit.eventstore import Metadata
from kit.usecases import Call

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


async def register_account(call: Call[RegisterAccount], deps: Deps) -> AccountCreated:
    """A patient or caregiver signs up, with a password no one guesses first."""
    body = call.command
    new = NewAccount(body.role, body.display_name, body.email, body.phone, body.password,
                     body.preferred_language, [(c.purpose, c.version) for c in body.consents])
    password_hash = await hash_password(deps, new, call.caller.address)
    async with deps.db.transaction() as conn:
        user_id = await open_account(conn, deps, new, password_hash, call.caller.metadata)
    return AccountCreated(user_id=user_id)


async def hash_password(deps: Deps, new: NewAccount, address: str | None) -> str:
    """The new password's hash, once the address is within its sign-ups (counted first,
    committed, so that parallel sign-ups see each other) and a hashing slot is free."""
    problem = passwords.weakness(new.password, new.display_name, new.email, new.phone)
    if problem:
        raise domain.WeakPasswordError(problem)
    if address:
        now = datetime.now(UTC)
        async with deps.db.transaction() as conn:
            count, started = await sql.count_sign_up(
                conn, "address:" + deps.keyed_hash(address), now,
                now - timedelta(seconds=deps.sign_ups.window_s))
        domain.refuse_sign_up_beyond(deps.sign_ups, count, started, now)
    return await deps.hashing.hash(new.password)


async def open_account(conn: AsyncConnection, deps: Deps, new: NewAccount,
                       password_hash: str, meta: Metadata, sandboxed: bool = True) -> UUID:
    """A new account, its contact sealed with a new data key of the person's own."""
    names = domain.login_names(new.email, new.phone)
    if await sql.taken(conn, [deps.keyed_hash(n) for n in names]):
        raise domain.AccountExistsError()
    user_id = uuid4()
    seal = partial(deps.personal.encrypt, await deps.personal.create_key(conn, user_id),
                   user_id)
    sealed = domain.SealedContact(
        display_name=seal("display_name", new.display_name),
        email=seal("email", domain.normalise_email(new.email)) if new.email else None,
        phone=seal("phone", domain.normalise_phone(new.phone)) if new.phone else None)
    events = domain.register(user_id, new.role, new.preferred_language, sealed, password_hash,
                             new.consents, datetime.now(UTC),
                             deps.sandbox if sandboxed else None)
    try:
        async with conn.begin_nested():
            # A new id: a new stream, at version 0.
            await deps.accounts.append(conn, domain.stream_id(user_id), 0, events, meta)
    except IntegrityError:  # the same contact, registered at the same moment
        raise domain.AccountExistsError() from None
    return user_id


async def get_me(call: Call[NoBody], deps: Deps) -> Me:
    async with deps.db.connect() as conn:
        row = await sql.account(conn, call.caller.user_id)
    if row is None or row.erased:
        raise domain.AccountGoneError()
    return Me.model_validate(row, from_attributes=True)


async def erase_me(call: Call[NoBody], deps: Deps) -> Erased:
    """Destroy the person's key, tell every service, end their sessions."""
    user_id = call.caller.user_id
    stream = domain.stream_id(user_id)
    async with deps.db.transaction() as conn:
        account, version = await deps.accounts.get(conn, stream)
        await deps.accounts.append(conn, stream, version, domain.erase(account),
                                   call.caller.metadata)
        await deps.personal.shred(conn, user_id)
        await sql.end_sessions(conn, user_id)
    return Erased()


async def set_roles(call: Call[SetRoles], deps: Deps) -> RolesSet:
    """The staff roles an admin gives; the person's base role stays."""
    body = call.command
    stream = domain.stream_id(body.user_id)
    async with deps.db.transaction() as conn:
        account, version = await deps.accounts.get(conn, stream)
        events = domain.set_staff_roles(account, set(body.roles), body.reason,
                                        by=call.caller.user_id)
        await deps.accounts.append(conn, stream, version, events, call.caller.metadata)
    return RolesSet(user_id=body.user_id,
                    roles=sorted(reduce(domain.evolve, events, account).roles))


async def get_user_history(call: Call[UserRef], deps: Deps) -> UserHistory:
    """The audit trail of one person's account and applications (admins)."""
    user_id = call.command.user_id
    async with deps.db.connect() as conn:
        streams = [domain.stream_id(user_id)] + [
            apps.stream_id(a) for a in await sql.application_ids_of(conn, user_id)]
        envelopes = [e for s in streams for e in await sql.store.load(conn, s)]
    if not envelopes:
        raise domain.NoSuchAccountError()
    return UserHistory(user_id=user_id, history=[
        audit_entry(e) for e in sorted(envelopes, key=lambda e: e.position)])


def audit_entry(envelope: Envelope) -> AuditEntry:
    details = {k: None if v is None else str(v) for k, v in envelope.data.items()
               if k not in UNAUDITED}
    return AuditEntry(event_type=envelope.event_type, at=envelope.occurred_at,
                      actor=envelope.actor, details=details)
