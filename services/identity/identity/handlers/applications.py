"""Professional applications: apply, answer questions, and the admins' vetting queue."""

from functools import partial
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.events import Event
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
from identity import applications as apps
from identity import domain
from identity.adapters import sql
from identity.handlers.accounts import NewAccount, audit_entry, create_account, hash_password
from identity.handlers.deps import Deps, load_account, load_application
from kit.errors import ProblemError, not_found
from kit.eventstore import Metadata
from kit.idempotency import once
from kit.pagination import keyset, next_cursor
from kit.rpc import Reply, Request, ok


async def apply(deps: Deps, request: Request) -> Reply:
    """Anyone applies; the account exists at once, with the role applicant only."""
    body = request.parse(ApplyAsProfessional)
    new = NewAccount("applicant", body.full_name, body.email, body.phone, body.password,
                     body.preferred_language, [("terms", "2026-11")])
    password_hash = await hash_password(deps, new)
    async with deps.engine.begin() as conn:
        return await once(conn, sql.idempotency, request, partial(
            _submit, conn, deps, new, body, password_hash, request.event_metadata()))


async def _submit(conn: AsyncConnection, deps: Deps, new: NewAccount,
                  body: ApplyAsProfessional, password_hash: str, meta: Metadata) -> Reply:
    user_id = await create_account(conn, deps, new, password_hash, meta)
    key = await deps.personal.key(conn, user_id)
    seal = partial(deps.personal.encrypt, key, user_id)
    application_id = uuid4()
    event = apps.ProfessionalApplicationSubmitted(
        application_id=application_id, user_id=user_id, profession=body.profession,
        registration_council=body.registration_council,
        registration_number=seal("registration_number", body.registration_number),
        registration_key=deps.keyed_hash(registration(body.registration_council,
                                                      body.registration_number)),
        full_name=seal("full_name", body.full_name),
        qualification=seal("qualification", body.qualification),
        workplace=seal("workplace", body.workplace))
    await deps.append(conn, apps.stream_id(application_id), 0, [event], meta)
    return ok(ApplicationAccepted(application_id=application_id, user_id=user_id,
                                  status=apps.PENDING), status=201)


def registration(council: str, number: str) -> str:
    """One registration however it is typed: 'MMC / 12345' and 'mmc/12345' are the same."""
    return "".join(council.lower().split()) + "|" + "".join(number.upper().split())


async def my_application(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    async with deps.engine.connect() as conn:
        row = await sql.application_of(conn, principal.user_id)
        if row is None:
            raise not_found("an application of yours")
        questions = await _questions(conn, deps, row)
    return ok(MyApplication(application_id=row.application_id, status=row.status,
                            profession=row.profession, questions=questions,
                            decision_reason=row.decision_reason))


async def provide_information(deps: Deps, request: Request) -> Reply:
    principal = request.require()
    answer = request.parse(ProvideInformation).answer
    async with deps.engine.begin() as conn:
        row = await sql.application_of(conn, principal.user_id)
        if row is None:
            raise not_found("an application of yours")
        application, version = await load_application(conn, row.application_id)
        key = await deps.personal.key(conn, principal.user_id)
        sealed = deps.personal.encrypt(key, principal.user_id, "answer", answer)
        events = _decide(apps.provide_information, application, sealed)
        await deps.append(conn, apps.stream_id(row.application_id), version, events,
                          request.event_metadata())
    return await my_application(deps, request)


async def list_applications(deps: Deps, request: Request) -> Reply:
    request.require("admin")
    query = request.parse(ApplicationFilter)
    a = sql.applications
    statement = keyset(sa.select(a), a.c.submitted_at, a.c.application_id, query.cursor,
                       query.limit)
    if query.status:
        statement = statement.where(a.c.status == query.status)
    async with deps.engine.connect() as conn:
        rows = list((await conn.execute(statement)).all())
        items = [await _for_admin(conn, deps, row) for row in rows[:query.limit]]
    return ok(ApplicationPage(items=items, next_cursor=next_cursor(
        rows, query.limit, "submitted_at", "application_id")))


async def get_application(deps: Deps, request: Request) -> Reply:
    request.require("admin")
    application_id = request.parse(ApplicationRef).application_id
    async with deps.engine.connect() as conn:
        return ok(await _admin_view(conn, deps, application_id, history=True))


async def decide(deps: Deps, request: Request) -> Reply:
    """Approve, reject with a reason, or ask the applicant for more information."""
    request.require("admin")
    body = request.parse(Decide)
    meta = request.event_metadata()
    async with deps.engine.begin() as conn:
        application, version = await load_application(conn, body.application_id)
        if body.decision == "request_info":
            events = _decide(apps.request_information, application, body.reason)
        elif body.decision == "reject":
            events = _decide(apps.reject, application, body.reason)
        else:
            events = _decide(apps.approve, application, body.reason)
            await _verify(conn, deps, application, body.reason, meta)
        await deps.append(conn, apps.stream_id(body.application_id), version, events, meta)
        return ok(await _admin_view(conn, deps, body.application_id, history=True))


async def _verify(conn: AsyncConnection, deps: Deps, application: apps.Application,
                  reason: str, meta: Metadata) -> None:
    assert application.user_id is not None
    account, version = await load_account(conn, application.user_id)
    try:
        events = domain.verify_professional(account, application.profession, reason)
    except domain.ErasedError:
        raise ProblemError(409, "Conflict", "the applicant erased their account") from None
    await deps.append(conn, domain.stream_id(application.user_id), version, events, meta)


async def _admin_view(conn: AsyncConnection, deps: Deps, application_id: UUID,
                      history: bool = False) -> ApplicationForAdmin:
    row = (await conn.execute(sa.select(sql.applications).where(
        sql.applications.c.application_id == application_id))).one_or_none()
    if row is None:
        raise not_found("the application")
    view = await _for_admin(conn, deps, row)
    if history:
        envelopes = await sql.store.load(conn, apps.stream_id(application_id))
        view.history = [audit_entry(e) for e in envelopes]
    return view


async def _for_admin(conn: AsyncConnection, deps: Deps, row: sa.Row) -> ApplicationForAdmin:
    account = await sql.account(conn, row.user_id)
    contact = await _contact(conn, deps, row.user_id)
    plain = await deps.inline.reveal(conn, row.user_id, dict(row.sealed))
    return ApplicationForAdmin(
        application_id=row.application_id, user_id=row.user_id, status=row.status,
        full_name=plain["full_name"] or "former member", email=contact.get("email"),
        phone=contact.get("phone"), profession=row.profession,
        registration_council=row.registration_council,
        registration_number=plain["registration_number"] or "[erased]",
        qualification=plain["qualification"] or "[erased]",
        workplace=plain["workplace"] or "[erased]", submitted_at=row.submitted_at,
        updated_at=row.updated_at, questions=await _questions(conn, deps, row),
        decision_reason=row.decision_reason,
        registration_held_by=await sql.verified_holders(conn, row.registration_key,
                                                        row.user_id)
        if account is not None else [])


async def _contact(conn: AsyncConnection, deps: Deps, user_id: UUID) -> dict[str, str | None]:
    envelopes = await sql.store.load(conn, domain.stream_id(user_id))
    registered = next((e for e in envelopes if e.event_type == "AccountRegistered"), None)
    if registered is None:
        return {}
    return await deps.inline.reveal(conn, user_id, {"email": registered.data.get("email"),
                                                    "phone": registered.data.get("phone")})


async def _questions(conn: AsyncConnection, deps: Deps, row: sa.Row) -> list[Question]:
    rows = await sql.questions_of(conn, row.application_id)
    answers = (await deps.inline.reveal_each(conn, row.user_id, {
        "answer": [q.answer for q in rows]}))["answer"]
    return [Question(question=q.question, asked_at=q.asked_at, answer=answer,
                     answered_at=q.answered_at) for q, answer in zip(rows, answers, strict=True)]


def _decide(decide_step: object, *args: object) -> list[Event]:
    try:
        return decide_step(*args)  # type: ignore[operator]
    except apps.ApplicationError as error:
        raise ProblemError(409, "Conflict", str(error)) from None
