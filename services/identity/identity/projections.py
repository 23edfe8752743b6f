"""Identity's read model "accounts": accounts, login names, consents and applications,
written with the events (inline) and rebuilt from them by the same handlers."""

from collections.abc import Callable
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
from identity.sealed import reveal
from kit.personal import PersonalData
from kit.readmodels import InlineModel, OneHandler, one_by_one

FORMER_MEMBER = "former member"


def accounts(personal: PersonalData, name_hash: Callable[[str], str]) -> InlineModel:
    """The model, with the keys it needs: the personal data's, the login names' index."""
    async def add_account(conn: AsyncConnection, event: AccountRegistered,
                          envelope: Envelope) -> None:
        plain = await reveal(personal, conn, event.user_id, {
            "display_name": event.display_name, "email": event.email, "phone": event.phone})
        await conn.execute(sql.accounts.insert().values(
            user_id=event.user_id, roles=[event.role],
            display_name=plain["display_name"] or FORMER_MEMBER,
            preferred_language=event.preferred_language, created_at=envelope.occurred_at))
        names = domain.login_names(plain["email"], plain["phone"])
        if names:
            await conn.execute(sql.login_names.insert(), [
                {"name_hash": name_hash(n), "user_id": event.user_id} for n in names])

    handlers: dict[type[Event], OneHandler] = {
        AccountRegistered: add_account,
        domain.CredentialsSet: _set_account(password_hash=lambda e: e.password_hash),
        SandboxApplied: _set_account(sandbox_until=lambda e: e.until),
        RolesChanged: _set_account(roles=lambda e: list(e.roles)),
        ProfessionalVerified: _set_account(verified=lambda e: True,
                                           profession=lambda e: e.profession),
        ConsentGiven: give_consent,
        ConsentWithdrawn: withdraw_consent,
        PersonErased: forget_person,
        apps.ProfessionalApplicationSubmitted: add_application,
        apps.ProfessionalApplicationInformationRequested: add_question,
        apps.ProfessionalApplicationInformationProvided: add_answer,
        apps.ProfessionalApplicationApproved: _decided(apps.APPROVED),
        apps.ProfessionalApplicationRejected: _decided(apps.REJECTED),
    }
    return InlineModel(name="accounts", tables=sql.INLINE, store=sql.store,
                       registry=domain.REGISTRY.merged(apps.REGISTRY),
                       handlers={kind: one_by_one(h) for kind, h in handlers.items()})


def _set_account(**values: Callable[[Any], Any]) -> OneHandler:
    """A handler that sets columns of the event's account from the event's fields."""
    async def handle(conn: AsyncConnection, event: Any, _: Envelope) -> None:
        await conn.execute(sql.accounts.update().where(sql.accounts.c.user_id == event.user_id)
                           .values({column: getter(event) for column, getter in values.items()}))
    return handle


async def give_consent(conn: AsyncConnection, event: ConsentGiven, envelope: Envelope) -> None:
    statement = insert(sql.consents).values(user_id=event.user_id, purpose=event.purpose,
                                            version=event.consent_version,
                                            given_at=envelope.occurred_at)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "purpose"],
        set_={"version": statement.excluded.version, "given_at": statement.excluded.given_at}))


async def withdraw_consent(conn: AsyncConnection, event: ConsentWithdrawn, _: Envelope) -> None:
    await conn.execute(sql.consents.delete().where(sql.consents.c.user_id == event.user_id,
                                                   sql.consents.c.purpose == event.purpose))


async def forget_person(conn: AsyncConnection, event: PersonErased, _: Envelope) -> None:
    user = event.user_id
    await conn.execute(sql.login_names.delete().where(sql.login_names.c.user_id == user))
    await conn.execute(sql.consents.delete().where(sql.consents.c.user_id == user))
    await conn.execute(sql.accounts.update().where(sql.accounts.c.user_id == user).values(
        display_name=FORMER_MEMBER, password_hash=None, roles=[], erased=True))


async def add_application(conn: AsyncConnection, event: apps.ProfessionalApplicationSubmitted,
                          envelope: Envelope) -> None:
    sealed = {"registration_number": event.registration_number, "full_name": event.full_name,
              "qualification": event.qualification, "workplace": event.workplace}
    await conn.execute(sql.applications.insert().values(
        application_id=event.application_id, user_id=event.user_id, status=apps.PENDING,
        profession=event.profession, registration_council=event.registration_council,
        registration_key=event.registration_key, sealed=sealed,
        submitted_at=envelope.occurred_at, updated_at=envelope.occurred_at))


async def add_question(conn: AsyncConnection,
                       event: apps.ProfessionalApplicationInformationRequested,
                       envelope: Envelope) -> None:
    await conn.execute(sql.questions.insert().values(
        application_id=event.application_id, asked_at=envelope.occurred_at,
        question=event.question))
    await _status(conn, event.application_id, apps.INFO_REQUESTED, envelope)


async def add_answer(conn: AsyncConnection,
                     event: apps.ProfessionalApplicationInformationProvided,
                     envelope: Envelope) -> None:
    """The answer goes to the latest question."""
    q = sql.questions
    last = sa.select(sa.func.max(q.c.asked_at)).where(q.c.application_id == event.application_id)
    await conn.execute(q.update().where(q.c.application_id == event.application_id,
                                        q.c.asked_at == last.scalar_subquery())
                       .values(answer=event.answer, answered_at=envelope.occurred_at))
    await _status(conn, event.application_id, apps.PENDING, envelope)


def _decided(status: str) -> OneHandler:
    async def handle(conn: AsyncConnection, event: Any, envelope: Envelope) -> None:
        await _status(conn, event.application_id, status, envelope, reason=event.reason)
    return handle


async def _status(conn: AsyncConnection, application_id: UUID, status: str,
                  envelope: Envelope, reason: str | None = None) -> None:
    a = sql.applications
    await conn.execute(a.update().where(a.c.application_id == application_id).values(
        status=status, updated_at=envelope.occurred_at,
        decision_reason=reason if reason is not None else a.c.decision_reason))
