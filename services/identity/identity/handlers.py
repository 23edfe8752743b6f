"""Identity use cases, one small function each, listed in HANDLERS at the bottom."""

import asyncio
import hashlib
import hmac
from dataclasses import dataclass
from functools import partial
from uuid import UUID, uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.identity.events import AccountRegistered
from contracts.identity.messages import AccountCreated, IssueToken, Me, RegisterAccount, TokenIssued
from contracts.subjects import rpc
from identity import domain
from identity.adapters import sql
from identity.tokens import TokenSigner
from kit.errors import ProblemError, conflict, invalid, not_found
from kit.eventstore import Metadata
from kit.idempotency import once
from kit.personal import KeyShreddedError, PersonalData
from kit.rpc import Reply, Request, RpcHandler, ok


@dataclass(frozen=True)
class Deps:
    engine: AsyncEngine
    personal: PersonalData
    signer: TokenSigner
    hasher: PasswordHasher
    lookup_key: bytes  # keys the blind index of login names

    def name_hash(self, name: str) -> str:
        return hmac.new(self.lookup_key, name.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class NewAccount:
    role: str
    display_name: str
    email: str | None
    phone: str | None
    password: str
    preferred_language: str


async def register_account(deps: Deps, request: Request) -> Reply:
    body = request.parse(RegisterAccount)
    new = NewAccount(body.role, body.display_name, body.email, body.phone, body.password,
                     body.preferred_language)
    password_hash = await asyncio.to_thread(deps.hasher.hash, new.password)
    async with deps.engine.begin() as conn:
        return await once(conn, sql.idempotency, request, partial(
            _create, conn, deps, new, password_hash, request.event_metadata()))


async def _create(conn: AsyncConnection, deps: Deps, new: NewAccount, password_hash: str,
                  meta: Metadata) -> Reply:
    user_id = await create_account(conn, deps, new, password_hash, meta)
    return ok(AccountCreated(user_id=user_id), status=201)


async def create_account(conn: AsyncConnection, deps: Deps, new: NewAccount,
                         password_hash: str, meta: Metadata) -> UUID:
    try:
        names = domain.login_names(new.email, new.phone)
    except domain.InvalidContactError as error:
        raise invalid("phone", str(error)) from None
    if await sql.taken(conn, [deps.name_hash(n) for n in names]):
        raise conflict("an account with this email or phone number exists")
    user_id = uuid4()
    key = await deps.personal.create_key(conn, user_id)
    seal = partial(_seal, deps.personal, key, user_id)
    sealed = domain.SealedContact(
        display_name=deps.personal.encrypt(key, user_id, "display_name", new.display_name),
        email=seal("email", domain.normalise_email(new.email) if new.email else None),
        phone=seal("phone", domain.normalise_phone(new.phone) if new.phone else None))
    events = domain.register(user_id, new.role, new.preferred_language, sealed, password_hash)
    envelopes = await sql.store.append(conn, domain.stream_id(user_id), 0, events, meta)
    try:
        async with conn.begin_nested():
            await apply_all(conn, deps, events, envelopes)
    except IntegrityError:  # the same contact, registered concurrently
        raise conflict("an account with this email or phone number exists") from None
    return user_id


def _seal(personal: PersonalData, key: bytes, user_id: UUID, field: str,
          value: str | None) -> str | None:
    return None if value is None else personal.encrypt(key, user_id, field, value)


async def apply_all(conn: AsyncConnection, deps: Deps, events: list[Event],
                    envelopes: list[Envelope]) -> None:
    """Update the inline read model; the same code rebuilds it from the event store."""
    for event, envelope in zip(events, envelopes, strict=True):
        if isinstance(event, AccountRegistered):
            await _account_registered(conn, deps, event, envelope)
        elif isinstance(event, domain.CredentialsSet):
            await conn.execute(sql.accounts.update()
                               .where(sql.accounts.c.user_id == event.user_id)
                               .values(password_hash=event.password_hash))


async def _account_registered(conn: AsyncConnection, deps: Deps, event: AccountRegistered,
                              envelope: Envelope) -> None:
    try:
        key = await deps.personal.key(conn, event.user_id)
    except KeyShreddedError:
        key = None
    reveal = partial(_reveal, deps.personal, key, event.user_id)
    await conn.execute(sql.accounts.insert().values(
        user_id=event.user_id, roles=[event.role],
        display_name=reveal("display_name", event.display_name) or "former member",
        preferred_language=event.preferred_language, created_at=envelope.occurred_at))
    names = domain.login_names(reveal("email", event.email), reveal("phone", event.phone))
    if names:
        await conn.execute(sql.login_names.insert(), [
            {"name_hash": deps.name_hash(n), "user_id": event.user_id} for n in names])


def _reveal(personal: PersonalData, key: bytes | None, user_id: UUID, field: str,
            token: str | None) -> str | None:
    if key is None or token is None:
        return None
    return personal.decrypt(key, user_id, field, token)


async def issue_token(deps: Deps, request: Request) -> Reply:
    body = request.parse(IssueToken)
    try:
        name_hash = deps.name_hash(domain.login_name_of(body.username))
    except domain.InvalidContactError:
        name_hash = None
    async with deps.engine.connect() as conn:
        row = await sql.account_by_login(conn, name_hash) if name_hash else None
    # Unknown user or wrong password: the same work, the same answer.
    stored = row.password_hash if row is not None and row.password_hash else DUMMY_HASH
    valid = await asyncio.to_thread(_verify, deps.hasher, stored, body.password)
    if row is None or not valid:
        raise ProblemError(401, "Invalid credentials", "the username or password is wrong")
    token = deps.signer.issue(row.user_id, list(row.roles))
    return ok(TokenIssued(access_token=token, expires_in=deps.signer.ttl_s))


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


DUMMY_HASH = PasswordHasher().hash("not a password of anyone")


async def get_me(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    async with deps.engine.connect() as conn:
        row = await sql.account(conn, principal.user_id)
    if row is None:
        raise not_found("the account")
    return ok(Me(user_id=row.user_id, display_name=row.display_name, roles=list(row.roles),
                 profession=row.profession, verified=row.verified,
                 preferred_language=row.preferred_language))


async def signing_key(deps: Deps, request: Request) -> Reply:
    return ok(deps.signer.public_key())


async def rebuild_accounts(deps: Deps) -> int:
    """Drop the inline accounts model and replay it from the event store."""
    async with deps.engine.begin() as conn:
        await conn.execute(sql.login_names.delete())
        await conn.execute(sql.accounts.delete())
        after, replayed = 0, 0
        while batch := await sql.store.read_all(conn, after):
            events = [domain.REGISTRY.decode(envelope) for envelope in batch]
            await apply_all(conn, deps, events, batch)
            after, replayed = batch[-1].position, replayed + len(batch)
    return replayed


HANDLERS = {
    rpc("identity", "register_account"): register_account,
    rpc("identity", "issue_token"): issue_token,
    rpc("identity", "get_me"): get_me,
    rpc("identity", "signing_key"): signing_key,
}


def routes(deps: Deps) -> dict[str, RpcHandler]:
    return {subject: partial(handler, deps) for subject, handler in HANDLERS.items()}
