"""A report's state, folded from its events: what every decision about it needs.

`evolve(state, event)` is pure; the repository folds a stream with it, and the use cases
decide from the result and append at the version it was folded at.
"""

from dataclasses import dataclass, field, replace
from functools import singledispatch
from uuid import UUID

from contracts.events import Event
from pharmacovigilance.domain.events import (
    AdrReportSaved,
    CaseAcknowledged,
    CaseAssessed,
    CaseOpened,
    CaseRejectedByRegulator,
    CaseReturnedToOfficer,
    CaseSentToRegulator,
    CaseSubmitted,
    DuplicateResolved,
    FollowUpAnswered,
    FollowUpRequested,
    RelayOutcome,
)

DRAFT, RECEIVED, UNDER_REVIEW = "draft", "received", "under_review"
FOLLOW_UP_REQUESTED, SUBMITTED = "follow_up_requested", "submitted"
SENT, ACKNOWLEDGED, REJECTED = "sent_to_regulator", "acknowledged", "rejected_by_regulator"
# The relay could not send this version (its ICSR cannot be written, or sending it fails
# again and again): back with the officer, with the reason, while the others go on.
RETURNED = "returned_to_officer"
WITH_REGULATOR = (SENT, ACKNOWLEDGED)  # no longer due
# An acknowledged case reopens for amendment or follow-up: it goes again as a new version.
OPEN_FOR_REVIEW = frozenset({RECEIVED, UNDER_REVIEW, REJECTED, ACKNOWLEDGED, RETURNED})
# What the regulator made of a version for good: nothing more is recorded of its sending.
FINAL_OUTCOMES = frozenset({ACKNOWLEDGED, REJECTED, RETURNED})


@dataclass(frozen=True)
class CaseState:
    """A report (a draft, or a case once it met the minimum criteria) as its events left it."""

    report_id: UUID | None = None
    reporter_id: UUID | None = None
    status: str | None = None  # None: no such report
    reference: str | None = None
    reaction_ids: tuple[UUID, ...] = ()
    medicine_ids: tuple[UUID, ...] = ()
    coding: dict[str, dict[str, str]] = field(default_factory=dict)  # reaction id -> MedDRA
    causality: tuple[dict[str, str], ...] = ()
    seriousness: dict[str, dict[str, str]] = field(default_factory=dict)  # officer's E.i.3.2
    narrative: str | None = None  # sealed
    version: int = 1  # the case version: a follow-up answered makes the next one
    submitted: str | None = None  # C.1.1 of the version last submitted
    relayed: dict[str, str] = field(default_factory=dict)  # C.1.1 -> its last relay outcome
    duplicates: dict[str, str] = field(default_factory=dict)  # other report id -> decision
    follow_ups: int = 0  # follow-up requests made of the reporter

    @property
    def worldwide_id(self) -> str:
        """C.1.8.1, the same for every version of the case."""
        return f"IN-PU-{self.reference}"

    @property
    def coded(self) -> bool:
        """Every reaction coded (MedDRA)."""
        return bool(self.reaction_ids) and all(str(i) in self.coding for i in self.reaction_ids)

    @property
    def last_sent(self) -> str | None:
        """The C.1.1 that last reached the regulator; a version the relay returned unsent
        did not, and goes again as it was."""
        if self.submitted is None or self.relayed.get(self.submitted) == RETURNED:
            return None
        return self.submitted


def evolve(state: CaseState, event: Event) -> CaseState:
    return _apply(event, state)


@singledispatch
def _apply(event: Event, state: CaseState) -> CaseState:
    return state  # AdverseReactionReported: the published copy of CaseOpened


@_apply.register
def _saved(event: AdrReportSaved, state: CaseState) -> CaseState:
    return replace(state, report_id=event.report_id, reporter_id=event.reporter_id,
                   status=state.status or DRAFT)


@_apply.register
def _opened(event: CaseOpened, state: CaseState) -> CaseState:
    return replace(state, status=RECEIVED, reference=event.reference,
                   reaction_ids=tuple(event.reaction_ids), medicine_ids=tuple(event.medicine_ids))


@_apply.register
def _assessed(event: CaseAssessed, state: CaseState) -> CaseState:
    return replace(state, status=UNDER_REVIEW, coding=event.coding,
                   causality=tuple(event.causality), seriousness=event.seriousness,
                   narrative=event.narrative)


@_apply.register
def _asked(event: FollowUpRequested, state: CaseState) -> CaseState:
    return replace(state, status=FOLLOW_UP_REQUESTED, follow_ups=state.follow_ups + 1)


@_apply.register
def _answered(event: FollowUpAnswered, state: CaseState) -> CaseState:
    return replace(state, status=UNDER_REVIEW, version=event.case_version)


@_apply.register
def _submitted(event: CaseSubmitted, state: CaseState) -> CaseState:
    relayed = {k: v for k, v in state.relayed.items() if k != event.safety_report_id}
    return replace(state, status=SUBMITTED, version=event.case_version,
                   submitted=event.safety_report_id, relayed=relayed)


@_apply.register
def _relayed(event: RelayOutcome, state: CaseState) -> CaseState:  # as older releases wrote
    return relayed(state, event.safety_report_id, event.outcome)


@_apply.register
def _sent(event: CaseSentToRegulator, state: CaseState) -> CaseState:
    return relayed(state, event.safety_report_id, SENT)


@_apply.register
def _acknowledged(event: CaseAcknowledged, state: CaseState) -> CaseState:
    return relayed(state, event.safety_report_id, ACKNOWLEDGED)


@_apply.register
def _rejected(event: CaseRejectedByRegulator, state: CaseState) -> CaseState:
    return relayed(state, event.safety_report_id, REJECTED)


@_apply.register
def _returned(event: CaseReturnedToOfficer, state: CaseState) -> CaseState:
    return relayed(state, event.safety_report_id, RETURNED)


@_apply.register
def _duplicate(event: DuplicateResolved, state: CaseState) -> CaseState:
    return replace(state, duplicates={**state.duplicates,
                                      str(event.other_report_id): event.decision})


def relayed(state: CaseState, safety_report_id: str, outcome: str) -> CaseState:
    return replace(state, status=outcome,
                   relayed={**state.relayed, safety_report_id: outcome})


def initial() -> CaseState:
    return CaseState()

