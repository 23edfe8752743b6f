"""ADR reports: what makes a valid case, how a report is kept, when a case is due. Pure.

A report is kept as two parts: `clear`, the clinical content a regulator must keep
(reactions, medicines, patient sex, age and weight), and `personal`, what identifies the
reporter or the patient (names, contact, initials, birth date, free-text history), which
the service stores encrypted with the reporter's data key.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from contracts import roles
from contracts.events import Event
from contracts.pharmacovigilance.events import AdverseReactionReported
from contracts.pharmacovigilance.messages import AdrReportForm
from pharmacovigilance.domain.events import AdrReportSaved, CaseOpened
from pharmacovigilance.domain.state import DRAFT, CaseState

PV_ROLES = tuple(sorted(roles.PV))  # who may read ADR cases
CONSUMER, OTHER_HEALTH_PROFESSIONAL = 5, 3  # E2B C.2.r.4 qualification codes

# What `missing` names when a minimum criterion of ICH E2D is not met.
REPORTER = "reporter: a name, email or phone number"
PATIENT = "patient: initials, age, date of birth or sex"
SUSPECT = "medicines: at least one suspect or interacting medicine"
REACTION = "reactions: at least one reaction"


class ReportError(Exception):
    """A change the reporting rules refuse (the case is not in a state that allows it)."""


class AccountErasedError(ReportError):
    def __init__(self) -> None:
        super().__init__("this account was erased")


class NoSuchReportError(LookupError):
    def __init__(self, what: str = "the report") -> None:
        super().__init__(f"{what} does not exist")


class NoSuchCaseError(NoSuchReportError):
    """No such case: a draft is not a case yet."""

    def __init__(self) -> None:
        super().__init__("the case")


class NotAllowedError(Exception):
    """The caller may not do this to this report."""


class TooManyReportsError(Exception):
    """An account sent as many complete reports in the last 24 hours as it may."""

    def __init__(self, limit: int, retry_after: timedelta) -> None:
        super().__init__(
            f"one account may send at most {limit} complete reports in 24 hours; save this "
            "one as a draft and complete it later, or call the PvPI helpline 1800-180-3024")
        self.retry_after = max(1, int(retry_after.total_seconds()))  # Retry-After, seconds


def within_daily_limit(sent_in_last_day: int, limit: int,
                       until_one_more: timedelta = timedelta(0)) -> None:
    """One more complete report from this account, which must stay within its daily limit
    (`until_one_more`: how soon the oldest report of the day leaves the count)."""
    if sent_in_last_day >= limit:
        raise TooManyReportsError(limit, until_one_more)


def existing(report: CaseState) -> CaseState:
    """The report, which must exist."""
    if report.status is None:
        raise NoSuchReportError()
    return report


def existing_case(report: CaseState) -> CaseState:
    """The case, which must exist (a draft is not one yet)."""
    if report.status in (None, DRAFT):
        raise NoSuchCaseError()
    return report


def by_reporter(report: CaseState, user_id: UUID, doing: str) -> CaseState:
    """The report, which only its reporter may change this way."""
    if report.reporter_id != user_id:
        raise NotAllowedError(f"only the reporter {doing}")
    return report


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


def editable(report: CaseState, reporter_id: UUID) -> CaseState:
    """A new report, or a draft its reporter completes or corrects."""
    if report.status is not None:
        by_reporter(report, reporter_id, "can change a report")
    if report.status not in (None, DRAFT):
        raise ReportError("a report that became a case is changed by follow-up, not edited")
    return report


def save(report: CaseState, report_id: UUID, reporter_id: UUID, form: AdrReportForm,
         sealed_personal: str) -> list[Event]:
    """The form as saved: a new report, or a draft completed or corrected by its reporter."""
    editable(report, reporter_id)
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
