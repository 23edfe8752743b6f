"""The officer's review of a case, and what the relay learns of it: decisions taken on the
case's state as its events left it, returning the events to record. Pure."""

from uuid import UUID

from contracts.events import Event
from contracts.pharmacovigilance.events import ReportProgressed
from pharmacovigilance.domain.events import (
    CaseAcknowledged,
    CaseAssessed,
    CaseRejectedByRegulator,
    CaseReturnedToOfficer,
    CaseSentToRegulator,
    CaseSubmitted,
    DuplicateResolved,
    FollowUpAnswered,
    FollowUpRequested,
)
from pharmacovigilance.domain.report import ReportError, by_reporter, existing_case
from pharmacovigilance.domain.state import (
    ACKNOWLEDGED,
    FINAL_OUTCOMES,
    FOLLOW_UP_REQUESTED,
    OPEN_FOR_REVIEW,
    REJECTED,
    RETURNED,
    SENT,
    CaseState,
)

# Follow-up requests one case may make of its reporter: each round (its questions and the
# answers) is part of every view of the case, which must stay well inside a NATS message.
MAX_FOLLOW_UPS = 5


def assessment(case: CaseState, coding: dict[str, dict[str, str]],
               causality: list[dict[str, str]], seriousness_confirmed: bool,
               seriousness: dict[str, dict[str, str]], narrative: str | None) -> CaseAssessed:
    """The officer's assessment over the last one: what is given replaces what was."""
    assert case.report_id is not None
    return CaseAssessed(report_id=case.report_id, coding={**case.coding, **coding},
                        causality=causality or list(case.causality),
                        seriousness_confirmed=seriousness_confirmed,
                        seriousness={**case.seriousness, **seriousness},
                        narrative=case.narrative if narrative is None else narrative)


def assess(case: CaseState, assessed: CaseAssessed) -> list[Event]:
    """Record an assessment naming only the case's own reactions and medicines."""
    _review_open(case)
    reaction_ids = {str(i) for i in case.reaction_ids}
    named = set(assessed.coding) | set(assessed.seriousness)
    unknown = (named | {c["reaction_id"] for c in assessed.causality}) - reaction_ids
    unknown |= {c["medicine_id"] for c in assessed.causality} - {str(i) for i in case.medicine_ids}
    if unknown:
        raise ReportError(f"no such reaction or medicine in this case: {sorted(unknown)}")
    return [assessed]


def request_follow_up(case: CaseState, questions: list[str]) -> list[Event]:
    _review_open(case)
    if case.follow_ups >= MAX_FOLLOW_UPS:
        raise ReportError(f"this case has had its {MAX_FOLLOW_UPS} follow-up requests: "
                          "contact the reporter directly if they agreed to it")
    assert case.report_id is not None
    return [FollowUpRequested(report_id=case.report_id, questions=questions),
            *_told(case, "follow_up_requested")]


def answerable(case: CaseState, reporter_id: UUID) -> CaseState:
    """The case whose questions this reporter may answer."""
    return by_reporter(existing_case(case), reporter_id, "answers follow-up questions")


def answer_follow_up(case: CaseState, reporter_id: UUID, sealed_answers: str) -> list[Event]:
    """The reporter's answers make the next version of the case."""
    answerable(case, reporter_id)
    if case.status != FOLLOW_UP_REQUESTED:
        raise ReportError("no follow-up questions are waiting for an answer")
    assert case.report_id is not None
    return [FollowUpAnswered(report_id=case.report_id, answers=sealed_answers,
                             case_version=case.version + 1)]


def submit(case: CaseState, unresolved: list[UUID]) -> list[Event]:
    """Queue the case; a version sent before (rejected, or amended after its acknowledgement)
    goes again as the next version, under a new C.1.1; one the relay returned unsent goes
    again as it was. `unresolved`: likely duplicates the officer has not decided on."""
    _review_open(case)
    if not case.coded:
        raise ReportError("code every reaction (MedDRA) before submitting")
    if "link" in case.duplicates.values():
        raise ReportError("this case is linked as a duplicate: send the case it duplicates")
    if unresolved:
        raise ReportError(f"link or separate the likely duplicates first: "
                          f"{sorted(str(u) for u in unresolved)}")
    assert case.report_id is not None
    version = case.version
    version += 1 if case.last_sent == f"{case.worldwide_id}-V{version}" else 0
    return [CaseSubmitted(report_id=case.report_id, case_version=version,
                          safety_report_id=f"{case.worldwide_id}-V{version}")]


def undecided(case: CaseState, candidates: list[UUID]) -> list[UUID]:
    """The likely duplicates the officer has neither linked nor separated yet."""
    return [other for other in candidates if str(other) not in case.duplicates]


def resolve_duplicate(case: CaseState, other: UUID, candidates: set[UUID],
                      decision: str) -> list[Event]:
    _review_open(case)
    if other not in candidates:
        raise ReportError("that case is not a likely duplicate of this one")
    assert case.report_id is not None
    return [DuplicateResolved(report_id=case.report_id, other_report_id=other,
                              decision=decision)]


def relay_outcome(case: CaseState, safety_report_id: str, outcome: str,
                  detail: str | None) -> list[Event]:
    """What became of a sending (SENT, ACKNOWLEDGED, REJECTED or RETURNED); nothing when its
    outcome is known for good already (a duplicate acknowledgement, say)."""
    if case.relayed.get(safety_report_id) in FINAL_OUTCOMES or case.report_id is None:
        return []
    report_id, sent = case.report_id, safety_report_id
    if outcome == SENT:
        return [CaseSentToRegulator(report_id=report_id, safety_report_id=sent)]
    if outcome == ACKNOWLEDGED:
        return [CaseAcknowledged(report_id=report_id, safety_report_id=sent),
                *_told(case, "acknowledged")]
    if outcome == REJECTED:
        return [CaseRejectedByRegulator(report_id=report_id, safety_report_id=sent,
                                        detail=detail or "rejected")]
    if outcome == RETURNED:
        return [CaseReturnedToOfficer(report_id=report_id, safety_report_id=sent,
                                      reason=detail or "returned")]
    raise ValueError(f"no such relay outcome: {outcome}")


def _review_open(case: CaseState) -> None:
    existing_case(case)
    if case.status not in OPEN_FOR_REVIEW:
        raise ReportError(f"the case is {str(case.status).replace('_', ' ')}")


def _told(case: CaseState, step: str) -> list[Event]:
    """What the reporter hears of (notifications): published, with whom to tell."""
    if case.report_id is None or case.reporter_id is None:
        return []
    return [ReportProgressed(report_id=case.report_id, reporter_id=case.reporter_id,
                             reference=case.reference or "", step=step)]
