"""The inline read model: written with the events, and rebuilt from them by the same code."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.identity.events import (
    AccountRegistered,
    ConsentGiven,
    ConsentWithdrawn,
    PersonErased,
    ProfessionalVerified,
    RolesChanged,
    SandboxApplied,
)
from identity import applications as apps
from identity import domain
from identity.adapters import sql
from kit.personal import KeyShreddedError, PersonalData
from kit.readmodels import InlineModel, one_by_one

FORMER_MEMBER = "former member"


@dataclass(frozen=True)
class Inline:
    personal: PersonalData
    name_hash: Callable[[str], str]

    async def apply_all(self, conn: AsyncConnection, events: list[Event],
                        envelopes: list[Envelope]) -> None:
        for event, envelope in zip(events, envelopes, strict=True):
            applier = APPLIERS.get(type(event))
            if applier is not None:
                await applier(self, conn, event, envelope)

    def model(self) -> InlineModel:
        """The accounts read model: every applier, bound to this service's keys."""
        return InlineModel(
            name="accounts", tables=sql.INLINE, store=sql.store,
            registry=domain.REGISTRY.merged(apps.REGISTRY),
            handlers={kind: one_by_one(partial(applier, self))
                      for kind, applier in APPLIERS.items()})

    async def reveal(self, conn: AsyncConnection, user_id: UUID,
                     fields: dict[str, str | None]) -> dict[str, str | None]:
        """Decrypt one person's sealed fields; all None once the person was erased."""
        return {name: values[0] for name, values in (await self.reveal_each(
            conn, user_id, {name: [token] for name, token in fields.items()})).items()}

    async def reveal_each(self, conn: AsyncConnection, user_id: UUID,
                          fields: dict[str, list[str | None]]) -> dict[str, list[str | None]]:
        """Decrypt several values per field name at once (answers, say)."""
        try:
            key = await self.personal.key(conn, user_id)
        except KeyShreddedError:
            return {name: [None] * len(tokens) for name, tokens in fields.items()}
        return {name: [None if t is None else self.personal.decrypt(key, user_id, name, t)
                       for t in tokens] for name, tokens in fields.items()}


Applier = Callable[[Inline, AsyncConnection, Any, Envelope], Awaitable[None]]


async def _registered(inline: Inline, conn: AsyncConnection, event: AccountRegistered,
                      envelope: Envelope) -> None:
    plain = await inline.reveal(conn, event.user_id, {
        "display_name": event.display_name, "email": event.email, "phone": event.phone})
    await conn.execute(sql.accounts.insert().values(
        user_id=event.user_id, roles=[event.role],
        display_name=plain["display_name"] or FORMER_MEMBER,
        preferred_language=event.preferred_language, created_at=envelope.occurred_at))
    names = domain.login_names(plain["email"], plain["phone"])
    if names:
        await conn.execute(sql.login_names.insert(), [
            {"name_hash": inline.name_hash(n), "user_id": event.user_id} for n in names])


def _account_update(**values: Any) -> Applier:
    """An applier that sets columns of the event's account from the event's fields."""
    async def apply(inline: Inline, conn: AsyncConnection, event: Any, _: Envelope) -> None:
        await conn.execute(sql.accounts.update().where(sql.accounts.c.user_id == event.user_id)
                           .values({column: getter(event) for column, getter in values.items()}))
    return apply


async def _consent_given(inline: Inline, conn: AsyncConnection, event: ConsentGiven,
                         envelope: Envelope) -> None:
    statement = insert(sql.consents).values(user_id=event.user_id, purpose=event.purpose,
                                            version=event.consent_version,
                                            given_at=envelope.occurred_at)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "purpose"],
        set_={"version": statement.excluded.version, "given_at": statement.excluded.given_at}))


async def _consent_withdrawn(inline: Inline, conn: AsyncConnection, event: ConsentWithdrawn,
                             _: Envelope) -> None:
    await conn.execute(sql.consents.delete().where(sql.consents.c.user_id == event.user_id,
                                                   sql.consents.c.purpose == event.purpose))


async def _erased(inline: Inline, conn: AsyncConnection, event: PersonErased,
                  _: Envelope) -> None:
    user = event.user_id
    await conn.execute(sql.login_names.delete().where(sql.login_names.c.user_id == user))
    await conn.execute(sql.consents.delete().where(sql.consents.c.user_id == user))
    await conn.execute(sql.accounts.update().where(sql.accounts.c.user_id == user).values(
        display_name=FORMER_MEMBER, password_hash=None, roles=[], erased=True))


async def _submitted(inline: Inline, conn: AsyncConnection,
                     event: apps.ProfessionalApplicationSubmitted, envelope: Envelope) -> None:
    sealed = {"registration_number": event.registration_number, "full_name": event.full_name,
              "qualification": event.qualification, "workplace": event.workplace}
    await conn.execute(sql.applications.insert().values(
        application_id=event.application_id, user_id=event.user_id, status=apps.PENDING,
        profession=event.profession, registration_council=event.registration_council,
        registration_key=event.registration_key, sealed=sealed,
        submitted_at=envelope.occurred_at, updated_at=envelope.occurred_at))


async def _asked(inline: Inline, conn: AsyncConnection,
                 event: apps.ProfessionalApplicationInformationRequested,
                 envelope: Envelope) -> None:
    await conn.execute(sql.questions.insert().values(
        application_id=event.application_id, asked_at=envelope.occurred_at,
        question=event.question))
    await _status(conn, event.application_id, apps.INFO_REQUESTED, envelope)


async def _answered(inline: Inline, conn: AsyncConnection,
                    event: apps.ProfessionalApplicationInformationProvided,
                    envelope: Envelope) -> None:
    q = sql.questions
    last = sa.select(sa.func.max(q.c.asked_at)).where(q.c.application_id == event.application_id)
    await conn.execute(q.update().where(q.c.application_id == event.application_id,
                                        q.c.asked_at == last.scalar_subquery())
                       .values(answer=event.answer, answered_at=envelope.occurred_at))
    await _status(conn, event.application_id, apps.PENDING, envelope)


def _decided(status: str) -> Applier:
    async def apply(inline: Inline, conn: AsyncConnection, event: Any,
                    envelope: Envelope) -> None:
        await _status(conn, event.application_id, status, envelope, reason=event.reason)
    return apply


async def _status(conn: AsyncConnection, application_id: UUID, status: str,
                  envelope: Envelope, reason: str | None = None) -> None:
    a = sql.applications
    await conn.execute(a.update().where(a.c.application_id == application_id).values(
        status=status, updated_at=envelope.occurred_at,
        decision_reason=reason if reason is not None else a.c.decision_reason))


APPLIERS: dict[type[Event], Applier] = {
    AccountRegistered: _registered,
    domain.CredentialsSet: _account_update(password_hash=lambda e: e.password_hash),
    SandboxApplied: _account_update(sandbox_until=lambda e: e.until),
    RolesChanged: _account_update(roles=lambda e: list(e.roles)),
    ProfessionalVerified: _account_update(verified=lambda e: True,
                                          profession=lambda e: e.profession),
    ConsentGiven: _consent_given,
    ConsentWithdrawn: _consent_withdrawn,
    PersonErased: _erased,
    apps.ProfessionalApplicationSubmitted: _submitted,
    apps.ProfessionalApplicationInformationRequested: _asked,
    apps.ProfessionalApplicationInformationProvided: _answered,
    apps.ProfessionalApplicationApproved: _decided(apps.APPROVED),
    apps.ProfessionalApplicationRejected: _decided(apps.REJECTED),
}
