"""The facts the service records about a report and its case (internal: never published,
some hold sealed personal data), and the registry that reads them back."""

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry
from contracts.pharmacovigilance.events import REGISTRY as PUBLISHED


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
    words. Written by releases before the four events below; still read and replayed."""

    event_type: ClassVar[str] = "RelayOutcome"
    subject: ClassVar[str] = "pharmacovigilance.case.relayed"
    published: ClassVar[bool] = False

    report_id: UUID
    safety_report_id: str
    outcome: str  # SENT, ACKNOWLEDGED, REJECTED or RETURNED
    detail: str | None = None


class CaseSentToRegulator(Event):
    """The regulator took this version's batch."""

    event_type: ClassVar[str] = "CaseSentToRegulator"
    subject: ClassVar[str] = "pharmacovigilance.case.sent_to_regulator"
    published: ClassVar[bool] = False

    report_id: UUID
    safety_report_id: str


class CaseAcknowledged(Event):
    """The regulator accepted this version (ACK.B.r.6 CA)."""

    event_type: ClassVar[str] = "CaseAcknowledged"
    subject: ClassVar[str] = "pharmacovigilance.case.acknowledged"
    published: ClassVar[bool] = False

    report_id: UUID
    safety_report_id: str


class CaseRejectedByRegulator(Event):
    """The regulator refused this version, in its own words."""

    event_type: ClassVar[str] = "CaseRejectedByRegulator"
    subject: ClassVar[str] = "pharmacovigilance.case.rejected_by_regulator"
    published: ClassVar[bool] = False

    report_id: UUID
    safety_report_id: str
    detail: str


class CaseReturnedToOfficer(Event):
    """The relay could not send this version (its ICSR cannot be written, or sending it
    failed again and again): back with the officer, unsent, with the reason."""

    event_type: ClassVar[str] = "CaseReturnedToOfficer"
    subject: ClassVar[str] = "pharmacovigilance.case.returned_to_officer"
    published: ClassVar[bool] = False

    report_id: UUID
    safety_report_id: str
    reason: str


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
    CaseSubmitted, RelayOutcome, CaseSentToRegulator, CaseAcknowledged,
    CaseRejectedByRegulator, CaseReturnedToOfficer, DuplicateResolved]))


