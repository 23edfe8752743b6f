"""Professional applications: apply, answer questions, and the admins' vetting queue."""

from functools import partial
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts import roles
from contracts.identity.messages import (
    ApplicationAccepted,
    ApplicationFilter,
    ApplicationForAdmin,
    ApplicationPage,
    ApplicationRef,
    ApplyAsProfessional,
    Decide,
    MyApplication,
    ProvideInformation,
    Question,
)
from contracts.rpc import NoBody
from identity import applications as apps
from identity import domain
from identity.adapters import sql
from identity.deps import Deps
from identity.handlers.accounts import NewAccount, audit_entry, hash_password, open_account
from identity.sealed import reveal, reveal_each
from kit.eventstore import Metadata
from kit.pagination import next_cursor
from kit.personal import KeyShreddedError
from kit.usecases import Call

ERASED = "[erased]"


async def apply_as_professional(call: Call[ApplyAsProfessional],
                                deps: Deps) -> ApplicationAccepted:
    """Anyone applies; the account exists at once, with the role applicant only."""
    body = call.command
    new = NewAccount(roles.APPLICANT, body.full_name, body.email, body.phone, body.password,
                     body.preferred_language, [("terms", "2026-11")])
    password_hash = await hash_password(deps, new, call.caller.address)
    application_id = uuid4()
    async with deps.db.transaction() as conn:
        user_id = await open_account(conn, deps, new, password_hash, call.caller.metadata)
        seal = partial(deps.personal.encrypt, await deps.personal.key(conn, user_id), user_id)
        submitted = apps.ProfessionalApplicationSubmitted(
            application_id=application_id, user_id=user_id, profession=body.profession,
            registration_council=body.registration_council,
            registration_number=seal("registration_number", body.registration_number),
            registration_key=deps.keyed_hash(apps.registration(body.registration_council,
                                                               body.registration_number)),
            full_name=seal("full_name", body.full_name),
            qualification=seal("qualification", body.qualification),
            workplace=seal("workplace", body.workplace))
        # A new id: a new stream, at version 0.
        await deps.applications.append(conn, apps.stream_id(application_id), 0, [submitted],
                                       call.caller.metadata)
    return ApplicationAccepted(application_id=application_id, user_id=user_id,
                               status=apps.PENDING)


async def get_my_application(call: Call[NoBody], deps: Deps) -> MyApplication:
    async with deps.db.connect() as conn:
        return await _mine(conn, deps, call.caller.user_id)


async def provide_information(call: Call[ProvideInformation], deps: Deps) -> MyApplication:
    """The applicant answers the admin's question: the application goes back to the queue."""
    user_id = call.caller.user_id
    async with deps.db.transaction() as conn:
        row = await sql.application_of(conn, user_id)
        if row is None:
            raise apps.NoSuchApplicationError("you have no application")
        stream = apps.stream_id(row.application_id)
        application, version = await deps.applications.get(conn, stream)
        try:
            key = await deps.personal.key(conn, user_id)
        except KeyShreddedError:  # erased, with an access token not yet expired
            raise domain.ErasedError("the account was erased") from None
        sealed = deps.personal.encrypt(key, user_id, "answer", call.command.answer)
        await deps.applications.append(conn, stream, version,
                                       apps.provide_information(application, sealed),
                                       call.caller.metadata)
        return await _mine(conn, deps, user_id)


async def list_applications(call: Call[ApplicationFilter], deps: Deps) -> ApplicationPage:
    """The vetting queue, oldest first."""
    query = call.command
    async with deps.db.connect() as conn:
        rows = await sql.application_page(conn, query.status, query.cursor, query.limit)
        items = [await _for_admin(conn, deps, row) for row in rows[:query.limit]]
    return ApplicationPage(items=items, next_cursor=next_cursor(
        rows, query.limit, "submitted_at", "application_id"))


async def get_application(call: Call[ApplicationRef], deps: Deps) -> ApplicationForAdmin:
    async with deps.db.connect() as conn:
        return await _admin_view(conn, deps, call.command.application_id)


async def decide_application(call: Call[Decide], deps: Deps) -> ApplicationForAdmin:
    """Approve, reject with a reason, or ask the applicant for more information."""
    body, meta = call.command, call.caller.metadata
    stream = apps.stream_id(body.application_id)
    async with deps.db.transaction() as conn:
        application, version = await deps.applications.get(conn, stream)
        events = DECISIONS[body.decision](application, body.reason)
        if body.decision == "approve":
            await _verify(conn, deps, application, body.reason, meta)
        await deps.applications.append(conn, stream, version, events, meta)
        return await _admin_view(conn, deps, body.application_id)


DECISIONS = {"approve": apps.approve, "reject": apps.reject,
             "request_info": apps.request_information}


async def _verify(conn: AsyncConnection, deps: Deps, application: apps.Application,
                  reason: str, meta: Metadata) -> None:
    """The approved applicant becomes a verified professional."""
    assert application.user_id is not None
    stream = domain.stream_id(application.user_id)
    account, version = await deps.accounts.get(conn, stream)
    try:
        events = domain.verify_professional(account, application.profession, reason)
    except domain.NoSuchAccountError:
        raise apps.ApplicantErasedError() from None
    await deps.accounts.append(conn, stream, version, events, meta)


async def _mine(conn: AsyncConnection, deps: Deps, user_id: UUID) -> MyApplication:
    row = await sql.application_of(conn, user_id)
    if row is None:
        raise apps.NoSuchApplicationError("you have no application")
    return MyApplication(application_id=row.application_id, status=row.status,
                         profession=row.profession, questions=await _questions(conn, deps, row),
                         decision_reason=row.decision_reason)


async def _admin_view(conn: AsyncConnection, deps: Deps,
                      application_id: UUID) -> ApplicationForAdmin:
    """One application with its audit trail."""
    row = await sql.application(conn, application_id)
    if row is None:
        raise apps.NoSuchApplicationError()
    view = await _for_admin(conn, deps, row)
    view.history = [audit_entry(e) for e in await sql.store.load(conn, apps.stream_id(
        application_id))]
    return view


async def _for_admin(conn: AsyncConnection, deps: Deps,
                     row: sql.ApplicationRow) -> ApplicationForAdmin:
    account = await sql.account(conn, row.user_id)
    contact = await _contact(conn, deps, row.user_id)
    plain = await reveal(deps.personal, conn, row.user_id, dict(row.sealed))
    return ApplicationForAdmin(
        application_id=row.application_id, user_id=row.user_id, status=row.status,
        full_name=plain["full_name"] or "former member", email=contact.get("email"),
        phone=contact.get("phone"), profession=row.profession,
        registration_council=row.registration_council,
        registration_number=plain["registration_number"] or ERASED,
        qualification=plain["qualification"] or ERASED,
        workplace=plain["workplace"] or ERASED, submitted_at=row.submitted_at,
        updated_at=row.updated_at, questions=await _questions(conn, deps, row),
        decision_reason=row.decision_reason,
        registration_held_by=await sql.verified_holders(conn, row.registration_key,
                                                        row.user_id)
        if account is not None else [])


async def _contact(conn: AsyncConnection, deps: Deps, user_id: UUID) -> dict[str, str | None]:
    """The applicant's email and phone, from their registration (sealed)."""
    envelopes = await sql.store.load(conn, domain.stream_id(user_id))
    registered = next((e for e in envelopes if e.event_type == "AccountRegistered"), None)
    if registered is None:
        return {}
    return await reveal(deps.personal, conn, user_id, {
        "email": registered.data.get("email"), "phone": registered.data.get("phone")})


async def _questions(conn: AsyncConnection, deps: Deps,
                     row: sql.ApplicationRow) -> list[Question]:
    rows = await sql.questions_of(conn, row.application_id)
    answers = (await reveal_each(deps.personal, conn, row.user_id, {
        "answer": [q.answer for q in rows]}))["answer"]
    return [Question(question=q.question, asked_at=q.asked_at, answer=answer,
                     answered_at=q.answered_at) for q, answer in zip(rows, answers, strict=True)]
