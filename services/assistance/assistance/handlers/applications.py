"""Applying: the eligibility check first, the application (by the patient, a caregiver, or
a caseworker assisting them), its documents, and what the applicant reads back."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncConnection

from assistance import domain, eligibility
from assistance.adapters import sql
from assistance.deps import Deps
from assistance.handlers.sealing import (
    OwnerErasedError,
    reveal,
    sealer,
)
from contracts.assistance.events import ApplicationSubmitted
from contracts.assistance.messages import (
    ApplicationAccepted,
    ApplicationRef,
    ApplicationView,
    Apply,
    Eligibility,
    EligibilityResult,
    MineQuery,
    SchemeSuggestion,
)
from contracts.roles import ADMIN, ASSISTANCE_OFFICER
from kit.logging import get_logger
from kit.pagination import page
from kit.usecases import Call, Caller

log = get_logger(__name__)
OFFICERS = (ASSISTANCE_OFFICER, ADMIN)


class NotForOthersError(Exception):
    field = "applicant_id"

    def __init__(self) -> None:
        super().__init__("only a caseworker (assistance officer) applies for someone else")


class NoSuchAccountError(Exception):
    field = "applicant_id"

    def __init__(self) -> None:
        super().__init__("there is no such account to apply for")


async def _suggested(conn: AsyncConnection, case: eligibility.Case,
                     language: str) -> list[SchemeSuggestion]:
    schemes = [eligibility.Scheme(row.scheme_id, row.slug, row.names, row.needs, row.states,
                                  row.link, row.helpline)
               for row in await sql.all_schemes(conn)]
    return [SchemeSuggestion(scheme_id=s.scheme_id, slug=s.slug, name=s.name(language),  # type: ignore[arg-type]
                             why=why, link=s.link, helpline=s.helpline)
            for s, why in eligibility.suggestions(case, schemes)]


def _case(command: Eligibility | Apply) -> eligibility.Case:
    if isinstance(command, Apply):
        return eligibility.Case(command.patient_age, command.disease_area,
                                command.hospital.type, command.hospital.state,
                                command.income_bracket)
    return eligibility.Case(command.patient_age, command.disease_area, command.hospital_type,
                            command.hospital_state, command.income_bracket)


async def check_eligibility(call: Call[Eligibility], deps: Deps) -> EligibilityResult:
    """Which government schemes may cover the case: nothing is recorded."""
    async with deps.db.connect() as conn:
        found = await _suggested(conn, _case(call.command), call.caller.language)
    return EligibilityResult(suggested_schemes=found, advice=eligibility.advice(found))


async def apply(call: Call[Apply], deps: Deps) -> ApplicationAccepted:
    command, caller, application_id = call.command, call.caller, uuid4()
    owner_id, assisted_by = _owner(command, caller)
    async with deps.db.transaction() as conn:
        suggested = await _suggested(conn, _case(command), caller.language)
        seal = await _owner_sealer(conn, deps, owner_id, caller, command.applicant_id)
        event = ApplicationSubmitted(
            application_id=application_id, owner_id=owner_id, submitted_by=caller.user_id,
            assisted_by=assisted_by, relation=command.relation,
            patient_name=seal("patient_name", command.patient_name),
            patient_age=command.patient_age, diagnosis=seal("diagnosis", command.diagnosis),
            disease_area=command.disease_area, hospital_name=command.hospital.name,
            hospital_type=command.hospital.type, hospital_state=command.hospital.state,
            estimate=command.estimate, treatment_start=command.treatment_start,
            treatment_end=command.treatment_end, income_bracket=command.income_bracket,
            urgency=command.urgency, payee_kind=command.payee.kind,
            payee_details=seal("payee_details", command.payee.details),
            suggested_schemes=[s.slug for s in suggested],
            owner_account=command.applicant_id is not None or assisted_by is None)
        await deps.applications.append(conn, domain.stream(application_id), 0, [event],
                                       caller.metadata)
    log.info("application_submitted", application_id=str(application_id),
             suggested=event.suggested_schemes)
    return ApplicationAccepted(application_id=application_id, status="submitted",
                               suggested_schemes=suggested)


def _owner(command: Apply, caller: Caller) -> tuple[UUID, UUID | None]:
    """Whose case it is, and the caseworker assisting, if one files it. A caseworker
    applying for someone without an account makes the case its own person (a data key of
    its own, shredded when the case's person is erased)."""
    officer = caller.has_any(ASSISTANCE_OFFICER)
    if command.applicant_id is not None and not officer:
        raise NotForOthersError()
    if not officer:
        return caller.user_id, None
    return command.applicant_id or uuid4(), caller.user_id


async def _owner_sealer(conn: AsyncConnection, deps: Deps, owner_id: UUID, caller: Caller,
                        named: UUID | None) -> Callable[[str, str], str]:
    if caller.has_any(ASSISTANCE_OFFICER) and named is None:
        await deps.personal.create_key(conn, owner_id)
    try:
        return await sealer(conn, deps, owner_id)
    except OwnerErasedError:
        if named is not None:  # identity makes every account's key when it registers
            raise NoSuchAccountError() from None
        raise


def may_read(row: dict[str, Any], caller: Caller) -> bool:
    """The applicant (owner or whoever filed it), its caseworker, and the officers."""
    return caller.has_any(*OFFICERS) or caller.user_id in (
        row["owner_id"], row["submitted_by"], row["assisted_by"])


async def get_application(call: Call[ApplicationRef], deps: Deps) -> ApplicationView:
    """The case and its status timeline; someone else's case is not found."""
    async with deps.db.connect() as conn:
        row = await sql.application(conn, call.command.application_id)
        if row is None or not may_read(row, call.caller):
            raise domain.NoSuchApplicationError()
        owner = row["owner_id"]
        steps = [{**step._mapping, "note": await reveal(conn, deps, owner, "note", step.note)}
                 for step in await sql.timeline(conn, row["application_id"])]
        docs = [dict(d._mapping) for d in await sql.documents_of(conn, row["application_id"])]
        names = {f: await reveal(conn, deps, owner, f, row[f])
                 for f in ("patient_name", "diagnosis")}
    return ApplicationView.model_validate({
        **row, **names, "documents_outstanding": row["outstanding"], "documents": docs,
        "timeline": steps})


async def my_applications(call: Call[MineQuery], deps: Deps) -> dict[str, Any]:
    """The cases I applied for, or assist as their caseworker; newest first."""
    query, now = call.command, datetime.now(UTC)
    async with deps.db.connect() as conn:
        rows = await sql.mine(conn, call.caller.user_id, query.cursor, query.limit)
    return page(rows, query.limit, "submitted_at", "application_id",
                lambda row: summary(row, now))


def summary(row: Any, now: datetime) -> dict[str, Any]:
    return {**{k: getattr(row, k) for k in (
        "status", "disease_area", "hospital_name", "estimate", "urgency")},
        "application_id": str(row.application_id),
        "submitted_at": row.submitted_at.isoformat(), "updated_at": row.updated_at.isoformat(),
        "age_days": (now - row.submitted_at).days}
