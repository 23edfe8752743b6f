"""ADR reports: what makes a valid case, and the facts recorded. Pure, no I/O.

A report is kept as two parts: `clear`, the clinical content a regulator must keep
(reactions, medicines, patient sex, age and weight), and `personal`, what identifies the
reporter or the patient (names, contact, initials, birth date, free-text history), which
the service stores encrypted with the reporter's data key.
"""

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry
from contracts.pharmacovigilance.events import REGISTRY as PUBLISHED
from contracts.pharmacovigilance.events import AdverseReactionReported
from contracts.pharmacovigilance.messages import AdrReportForm

DRAFT, RECEIVED = "draft", "received"
PV_ROLES = ("pv_officer", "regulator_liaison")
CONSUMER, OTHER_HEALTH_PROFESSIONAL = 5, 3  # E2B C.2.r.4 qualification codes

# What `missing` names when a minimum criterion of ICH E2D is not met.
REPORTER = "reporter: a name, email or phone number"
PATIENT = "patient: initials, age, date of birth or sex"
SUSPECT = "medicines: at least one suspect or interacting medicine"
REACTION = "reactions: at least one reaction"


class ReportError(Exception):
    """A change the reporting rules refuse."""


class AdrReportSaved(Event):
    """The reporter's form as saved, draft or complete. Internal: it holds personal data."""

    event_type: ClassVar[str] = "AdrReportSaved"
    subject: ClassVar[str] = "pharmacovigilance.report.saved"
    published: ClassVar[bool] = False

    report_id: UUID
    reporter_id: UUID
    clear: dict[str, Any]
    personal: str  # encrypted JSON
    missing: list[str]  # what still keeps it from being a valid case


class CaseOpened(Event):
    """The report became a case: reference and ids for its reactions and medicines."""

    event_type: ClassVar[str] = "CaseOpened"
    subject: ClassVar[str] = "pharmacovigilance.case.opened"
    published: ClassVar[bool] = False

    report_id: UUID
    reference: str
    received: date
    reaction_ids: list[UUID]
    medicine_ids: list[UUID]


REGISTRY = PUBLISHED.merged(EventRegistry([AdrReportSaved, CaseOpened]))


def missing(form: AdrReportForm) -> list[str]:
    """The minimum criteria of a valid case (ICH E2D 3.1) that the form does not meet."""
    reporter, patient = form.reporter, form.patient
    gaps = []
    if not (reporter.name or reporter.email or reporter.phone):
        gaps.append(REPORTER)
    if not (patient.initials or patient.age or patient.date_of_birth
            or patient.sex not in (None, "unknown")):
        gaps.append(PATIENT)
    if not any(m.role in ("suspect", "interacting") for m in form.medicines):
        gaps.append(SUSPECT)
    if not form.reactions:
        gaps.append(REACTION)
    return gaps


def split(form: AdrReportForm) -> tuple[dict[str, Any], dict[str, Any]]:
    """(clear, personal) parts of a form."""
    data = form.model_dump(mode="json")
    reporter, patient = data["reporter"], data["patient"]
    personal = {"reporter": {k: reporter.pop(k) for k in ("name", "email", "phone")},
                "patient": {k: patient.pop(k) for k in ("initials", "date_of_birth")},
                "history": data.pop("history")}
    return data, personal


def join(clear: dict[str, Any], personal: dict[str, Any] | None) -> AdrReportForm:
    """The form again; with the personal part shredded, only what the regulator keeps."""
    data = {**clear, "reporter": dict(clear["reporter"]), "patient": dict(clear["patient"])}
    if personal:
        data["reporter"].update(personal["reporter"])
        data["patient"].update(personal["patient"])
        data["history"] = personal["history"]
    return AdrReportForm.model_validate(data)


def save(report_id: UUID, reporter_id: UUID, status: str | None, form: AdrReportForm,
         sealed_personal: str) -> list[Event]:
    if status not in (None, DRAFT):
        raise ReportError("a report that became a case is changed by follow-up, not edited")
    clear, _ = split(form)
    return [AdrReportSaved(report_id=report_id, reporter_id=reporter_id, clear=clear,
                           personal=sealed_personal, missing=missing(form))]


def open_case(report_id: UUID, reporter_id: UUID, form: AdrReportForm, reference: str,
              received: date, new_id: Any) -> list[Event]:
    """The events that make a complete, non-draft report a case."""
    serious_answers = [getattr(r.seriousness, f) for r in form.reactions
                       for f in type(r.seriousness).model_fields]
    serious = True if "yes" in serious_answers else (
        False if serious_answers and all(a == "no" for a in serious_answers) else None)
    return [
        CaseOpened(report_id=report_id, reference=reference, received=received,
                   reaction_ids=[new_id() for _ in form.reactions],
                   medicine_ids=[new_id() for _ in form.medicines]),
        AdverseReactionReported(
            case_id=report_id, reference=reference, reporter_id=reporter_id, serious=serious,
            suspect_medicines=sorted({m.name.strip().lower() for m in form.medicines
                                      if m.role in ("suspect", "interacting")})),
    ]


def qualification(form: AdrReportForm) -> int:
    return OTHER_HEALTH_PROFESSIONAL if form.reporter.is_health_professional else CONSUMER


def reference(number: int, year: int) -> str:
    return f"PU-ADR-{year}-{number:06d}"


def stream_id(report_id: UUID) -> str:
    return f"report-{report_id}"
