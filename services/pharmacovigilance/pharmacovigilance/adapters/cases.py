"""A stored report as an E2B case: the clinical part always, the personal part and the
follow-up answers while the reporter's key exists."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pharmacovigilance import domain
from pharmacovigilance.adapters.sealed import KeyCache, Unsealed, unseal
from pharmacovigilance.deps import Deps
from pharmacovigilance.domain.case import Case, CaseMedicine, CaseReaction, Causality, CodedTerm
from pharmacovigilance.domain.narrative import narrative
from pharmacovigilance.e2b import E2BError


async def case_of(conn: AsyncConnection, deps: Deps, row: sa.Row,
                  keys: KeyCache | None = None) -> Case:
    """The stored report as the Case its ICSR carries; E2BError when what is stored does not
    make one (kept by an older release, say), so that it is told, not a crash."""
    unsealed = await unseal(conn, deps, row, keys)
    try:
        return to_case(row, unsealed)
    except (KeyError, TypeError, ValueError) as error:
        raise E2BError(f"the stored case is incomplete ({type(error).__name__}: "
                       f"{str(error)[:200]})") from error


def to_case(row: sa.Row, unsealed: Unsealed) -> Case:
    form = domain.join(row.clear, unsealed.personal)
    reporter, patient = form.reporter, form.patient
    worldwide = f"IN-PU-{row.reference}"
    return Case(
        case_id=row.report_id, safety_report_id=f"{worldwide}-V{row.version}",
        worldwide_id=worldwide, version=row.version, created_at=row.updated_at,
        first_received=row.received or row.created_at.date(),
        most_recent=row.updated_at.date(),
        reporter_qualification=domain.qualification(form),
        reporter_name=reporter.name if reporter.consent_to_be_named else None,
        patient_initials=patient.initials, patient_sex=patient.sex,
        patient_age=patient.age.value if patient.age else None,
        patient_age_unit=patient.age.unit if patient.age else "years",
        patient_birth_date=patient.date_of_birth, patient_weight_kg=patient.weight_kg,
        reactions=tuple(
            CaseReaction(reaction_id=rid, description=r.description, language=r.language,
                         start_date=r.start_date, stop_date=r.stop_date, outcome=r.outcome,
                         seriousness=domain.confirmed(r.seriousness.model_dump(),
                                                      row.seriousness.get(str(rid))),
                         meddra=_coded(row.coding.get(str(rid))))
            for r, rid in zip(form.reactions, row.reaction_ids or [], strict=False)),
        causality=tuple(Causality(medicine_id=UUID(c["medicine_id"]),
                                  reaction_id=UUID(c["reaction_id"]), category=c["category"])
                        for c in row.causality),
        medicines=tuple(
            CaseMedicine(medicine_id=mid, name=m.name, role=m.role,
                         manufacturer=m.manufacturer, batch=m.batch, dose=m.dose,
                         route=m.route, frequency=m.frequency, start_date=m.start_date,
                         stop_date=m.stop_date, indication=m.indication,
                         action_taken=m.action_taken, rechallenge=m.rechallenge)
            for m, mid in zip(form.medicines, row.medicine_ids or [], strict=False)),
        narrative=narrative(form, row.received, unsealed.narrative,
                            list(zip(row.follow_ups, unsealed.answers, strict=True))),
        history=form.history)


def _coded(coding: dict[str, str] | None) -> CodedTerm | None:
    return CodedTerm(**coding) if coding else None
