"""ADR reports: what makes a valid case, and the facts recorded. Pure, no I/O.

A report is kept as two parts: `clear`, the clinical content a regulator must keep
(reactions, medicines, patient sex, age and weight), and `personal`, what identifies the
reporter or the patient (names, contact, initials, birth date, free-text history), which
the service stores encrypted with the reporter's data key.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry
from contracts.pharmacovigilance.events import REGISTRY as PUBLISHED
from contracts.pharmacovigilance.events import AdverseReactionReported
from contracts.pharmacovigilance.messages import AdrReportForm

DRAFT, RECEIVED, UNDER_REVIEW = "draft", "received", "under_review"
FOLLOW_UP_REQUESTED, SUBMITTED = "follow_up_requested", "submitted"
SENT, ACKNOWLEDGED, REJECTED = "sent_to_regulator", "acknowledged", "rejected_by_regulator"
# The relay could not send this version (its ICSR cannot be written, or sending it fails
# again and again): back with the officer, with the reason, while the others go on.
RETURNED = "returned_to_officer"
WITH_REGULATOR = (SENT, ACKNOWLEDGED)  # no longer due
# An acknowledged case reopens for amendment or follow-up: it goes again as a new version.
OPEN_FOR_REVIEW = frozenset({RECEIVED, UNDER_REVIEW, REJECTED, ACKNOWLEDGED, RETURNED})
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


class CaseAssessed(Event):
    """The officer coded the reactions (MedDRA), assessed causality (WHO-UMC) and
    confirmed seriousness."""

    event_type: ClassVar[str] = "CaseAssessed"
    subject: ClassVar[str] = "pharmacovigilance.case.assessed"
    published: ClassVar[bool] = False

    report_id: UUID
    coding: dict[str, dict[str, str]]  # reaction id -> {code, term, version}
    causality: list[dict[str, str]]  # {medicine_id, reaction_id, category}
    seriousness_confirmed: bool
    seriousness: dict[str, dict[str, str]] = {}  # reaction id -> the officer's criteria
    narrative: str | None = None  # the officer's H.1, encrypted with the reporter's key


class FollowUpRequested(Event):
    event_type: ClassVar[str] = "FollowUpRequested"
    subject: ClassVar[str] = "pharmacovigilance.case.follow_up_requested"
    published: ClassVar[bool] = False

    report_id: UUID
    questions: list[str]


class FollowUpAnswered(Event):
    """The reporter answered: the case gets a new version (an E2B follow-up)."""

    event_type: ClassVar[str] = "FollowUpAnswered"
    subject: ClassVar[str] = "pharmacovigilance.case.follow_up_answered"
    published: ClassVar[bool] = False

    report_id: UUID
    answers: str  # encrypted JSON list
    case_version: int


class CaseSubmitted(Event):
    """Queued for relay to the regulator, as this version's ICSR."""

    event_type: ClassVar[str] = "CaseSubmitted"
    subject: ClassVar[str] = "pharmacovigilance.case.submitted"
    published: ClassVar[bool] = False

    report_id: UUID
    case_version: int
    safety_report_id: str  # C.1.1, and the message id the regulator acknowledges


class RelayOutcome(Event):
    """What became of one sending: sent, acknowledged, or rejected with the regulator's
    words."""

    event_type: ClassVar[str] = "RelayOutcome"
    subject: ClassVar[str] = "pharmacovigilance.case.relayed"
    published: ClassVar[bool] = False

    report_id: UUID
    safety_report_id: str
    outcome: str  # SENT, ACKNOWLEDGED, REJECTED or RETURNED
    detail: str | None = None


class DuplicateResolved(Event):
    """The officer looked at a likely duplicate: the same case (link) or not (separate)."""

    event_type: ClassVar[str] = "DuplicateResolved"
    subject: ClassVar[str] = "pharmacovigilance.case.duplicate_resolved"
    published: ClassVar[bool] = False

    report_id: UUID
    other_report_id: UUID
    decision: str  # link or separate


REGISTRY = PUBLISHED.merged(EventRegistry([
    AdrReportSaved, CaseOpened, CaseAssessed, FollowUpRequested, FollowUpAnswered,
    CaseSubmitted, RelayOutcome, DuplicateResolved]))


def resolve_duplicate(status: str, report_id: UUID, other: UUID, candidates: set[UUID],
                      decision: str) -> list[Event]:
    _review_open(status)
    if other not in candidates:
        raise ReportError("that case is not a likely duplicate of this one")
    return [DuplicateResolved(report_id=report_id, other_report_id=other, decision=decision)]


def assess(status: str, reaction_ids: set[str], medicine_ids: set[str],
           assessed: CaseAssessed) -> list[Event]:
    _review_open(status)
    named = set(assessed.coding) | set(assessed.seriousness)
    unknown = (named | {c["reaction_id"] for c in assessed.causality}) - reaction_ids
    unknown |= {c["medicine_id"] for c in assessed.causality} - medicine_ids
    if unknown:
        raise ReportError(f"no such reaction or medicine in this case: {sorted(unknown)}")
    return [assessed]


def request_follow_up(status: str, report_id: UUID, questions: list[str]) -> list[Event]:
    _review_open(status)
    return [FollowUpRequested(report_id=report_id, questions=questions)]


def answer_follow_up(status: str, report_id: UUID, sealed_answers: str,
                     version: int) -> list[Event]:
    if status != FOLLOW_UP_REQUESTED:
        raise ReportError("no follow-up questions are waiting for an answer")
    return [FollowUpAnswered(report_id=report_id, answers=sealed_answers,
                             case_version=version + 1)]


def submit(status: str, coded: bool, report_id: UUID, version: int, worldwide_id: str,
           unresolved: list[UUID], linked: bool, last_sent: str | None) -> list[Event]:
    """Queue the case; a version sent before (rejected, or amended after its acknowledgement)
    goes again as the next version, under a new C.1.1; `last_sent` is the C.1.1 that last
    reached the regulator (one the relay returned unsent goes again as it was)."""
    _review_open(status)
    if not coded:
        raise ReportError("code every reaction (MedDRA) before submitting")
    if linked:
        raise ReportError("this case is linked as a duplicate: send the case it duplicates")
    if unresolved:
        raise ReportError(f"link or separate the likely duplicates first: "
                          f"{sorted(str(u) for u in unresolved)}")
    version += 1 if last_sent == f"{worldwide_id}-V{version}" else 0
    return [CaseSubmitted(report_id=report_id, case_version=version,
                          safety_report_id=f"{worldwide_id}-V{version}")]


def _review_open(status: str) -> None:
    if status not in OPEN_FOR_REVIEW:
        raise ReportError(f"the case is {status.replace('_', ' ')}")


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
    serious = overall_seriousness([r.seriousness.model_dump() for r in form.reactions])
    return [
        CaseOpened(report_id=report_id, reference=reference, received=received,
                   reaction_ids=[new_id() for _ in form.reactions],
                   medicine_ids=[new_id() for _ in form.medicines]),
        AdverseReactionReported(
            case_id=report_id, reference=reference, reporter_id=reporter_id, serious=serious,
            suspect_medicines=sorted({m.name.strip().lower() for m in form.medicines
                                      if m.role in ("suspect", "interacting")})),
    ]


# How soon a case should reach the regulator after receipt: ICH E2D's expedited 15 days for
# a serious case, and for one whose seriousness is not yet known; 90 days otherwise.
SERIOUS_WITHIN, OTHERS_WITHIN = timedelta(days=15), timedelta(days=90)


def overall_seriousness(reactions: Sequence[Mapping[str, str]]) -> bool | None:
    """Serious when any criterion of any reaction is yes; not serious only when all are no."""
    answers = [answer for criteria in reactions for answer in criteria.values()]
    if "yes" in answers:
        return True
    return False if answers and all(answer == "no" for answer in answers) else None


def due_on(received: date, serious: bool | None) -> date:
    """The day by which the case should be with the regulator."""
    return received + (OTHERS_WITHIN if serious is False else SERIOUS_WITHIN)


def confirmed(reported: Mapping[str, str], officers: Mapping[str, str] | None) -> dict[str, str]:
    """A reaction's seriousness criteria: the reporter's answers, as the officer confirmed them."""
    return {**reported, **(officers or {})}


def qualification(form: AdrReportForm) -> int:
    return OTHER_HEALTH_PROFESSIONAL if form.reporter.is_health_professional else CONSUMER


def reference(number: int, year: int) -> str:
    return f"PU-ADR-{year}-{number:06d}"


def stream_id(report_id: UUID) -> str:
    return f"report-{report_id}"
