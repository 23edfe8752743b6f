"""Consents: what the person agreed to, in which version, and withdrawing it."""

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.identity.messages import Consent, Consents, GiveConsent, WithdrawConsent
from contracts.rpc import NoBody
from identity import domain
from identity.adapters import sql
from identity.deps import Deps
from kit.usecases import Call, Caller


async def list_consents(call: Call[NoBody], deps: Deps) -> Consents:
    async with deps.db.connect() as conn:
        return await _consents(conn, call.caller)


async def give_consent(call: Call[GiveConsent], deps: Deps) -> Consents:
    """Agree to a purpose in a version of its text (again, when the text changed)."""
    stream = domain.stream_id(call.caller.user_id)
    async with deps.db.transaction() as conn:
        account, version = await deps.accounts.get(conn, stream)
        events = domain.give_consent(account, call.command.purpose, call.command.version)
        await deps.accounts.append(conn, stream, version, events, call.caller.metadata)
        return await _consents(conn, call.caller)


async def withdraw_consent(call: Call[WithdrawConsent], deps: Deps) -> Consents:
    """Withdraw a purpose's consent (never the terms: erasure is for that)."""
    stream = domain.stream_id(call.caller.user_id)
    async with deps.db.transaction() as conn:
        account, version = await deps.accounts.get(conn, stream)
        events = domain.withdraw_consent(account, call.command.purpose)
        await deps.accounts.append(conn, stream, version, events, call.caller.metadata)
        return await _consents(conn, call.caller)


async def _consents(conn: AsyncConnection, caller: Caller) -> Consents:
    rows = await sql.consents_of(conn, caller.user_id)
    return Consents(items=[Consent.model_validate(r, from_attributes=True) for r in rows])
