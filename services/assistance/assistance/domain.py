"""An application's case work, folded from its own stream: submitted, documents asked for
and added, verified with the hospital, decided (approved, rejected, referred), paid and
closed. Decisions return events; texts arrive sealed (the use case seals them)."""

from dataclasses import dataclass, replace
from uuid import UUID

from contracts.assistance.events import (
    ApplicationClosed,
    ApplicationDecided,
    ApplicationProgressed,
    ApplicationSubmitted,
    DisbursementRecorded,
    DocumentAdded,
    DocumentsRequested,
    HospitalVerified,
)
from contracts.events import Event

DECIDED = {"approve": "approved", "reject": "rejected", "refer": "referred"}
OPEN = ("submitted", "documents_requested", "verified")  # not yet decided


class AssistanceError(Exception):
    """A refused step of case work."""


class NoSuchApplicationError(AssistanceError):
    def __init__(self) -> None:
        super().__init__("there is no such application (or it is not yours to see)")


class ClosedError(AssistanceError):
    def __init__(self) -> None:
        super().__init__("the application is closed")


class AlreadyDecidedError(AssistanceError):
    def __init__(self, status: str) -> None:
        super().__init__(f"the application was already decided ({status})")


class NotReadyError(AssistanceError):
    """Approval waits for the hospital's verification and every requested document."""


class AmountError(AssistanceError):
    field = "amount"


class PayeeError(AssistanceError):
    field = "payee"


class NoSuchSchemeError(AssistanceError):
    field = "scheme"


class NotYoursError(AssistanceError):
    def __init__(self) -> None:
        super().__init__("only the applicant, or the caseworker assisting them, may do this")


def stream(application_id: UUID) -> str:
    return f"application-{application_id}"


@dataclass(frozen=True)
class Application:
    application_id: UUID | None = None
    owner_id: UUID | None = None
    submitted_by: UUID | None = None
    assisted_by: UUID | None = None
    status: str = "submitted"
    disease_area: str = ""
    estimate: int = 0
    payee_kind: str = "hospital"
    verified: bool = False
    outstanding: frozenset[str] = frozenset()
    approved: int = 0
    disbursed: int = 0
    told: UUID | None = None  # who hears of each step (ApplicationProgressed)

    @property
    def exists(self) -> bool:
        return self.application_id is not None

    def may_act_as_applicant(self, user_id: UUID) -> bool:
        return user_id in (self.owner_id, self.submitted_by, self.assisted_by)


def evolve(state: Application, event: Event) -> Application:
    match event:
        case ApplicationSubmitted():
            return Application(event.application_id, event.owner_id, event.submitted_by,
                               event.assisted_by, "submitted", event.disease_area,
                               event.estimate, event.payee_kind,
                               told=event.owner_id if event.owner_account
                               else event.assisted_by)
        case DocumentsRequested(kinds=kinds):
            return replace(state, status="documents_requested",
                           outstanding=state.outstanding | set(kinds))
        case DocumentAdded(kind=kind):
            outstanding = state.outstanding - {kind}
            waiting = state.status == "documents_requested" and not outstanding
            return replace(state, outstanding=outstanding, status=(
                ("verified" if state.verified else "submitted") if waiting else state.status))
        case HospitalVerified():
            status = "verified" if state.status == "submitted" else state.status
            return replace(state, verified=True, status=status)
        case ApplicationDecided(decision=decision, amount=amount):
            return replace(state, status=DECIDED[decision], approved=amount)
        case DisbursementRecorded(amount=amount):
            return replace(state, status="disbursed", disbursed=state.disbursed + amount)
        case ApplicationClosed():
            return replace(state, status="closed")
    return state


def _open(state: Application) -> UUID:
    """The application's id, once it is known to exist and be open."""
    if state.application_id is None:
        raise NoSuchApplicationError()
    if state.status == "closed":
        raise ClosedError()
    return state.application_id


def _undecided(state: Application) -> UUID:
    application_id = _open(state)
    if state.status not in OPEN:
        raise AlreadyDecidedError(state.status)
    return application_id


def _told(state: Application, step: str) -> list[Event]:
    """The applicant hears of the step (the feed's notifications)."""
    if state.application_id is None or state.told is None:
        return []
    return [ApplicationProgressed(application_id=state.application_id, user_id=state.told,
                                  step=step)]


def request_documents(state: Application, kinds: list[str], note: str,
                      by: UUID) -> list[Event]:
    return [DocumentsRequested(application_id=_undecided(state), kinds=sorted(set(kinds)),
                               note=note, requested_by=by), *_told(state, "documents_requested")]


def check_may_add_document(state: Application, by: UUID, officer: bool) -> UUID:
    """Whose document it will be (the case owner's: their key seals it)."""
    _open(state)
    if state.owner_id is None or not (officer or state.may_act_as_applicant(by)):
        raise NoSuchApplicationError()
    return state.owner_id


def add_document(state: Application, event: DocumentAdded) -> list[Event]:
    _open(state)
    return [event]


def verify(state: Application, note: str, by: UUID) -> list[Event]:
    return [HospitalVerified(application_id=_undecided(state), note=note, verified_by=by),
            *_told(state, "hospital_verified")]


def check_may_approve(state: Application, amount: int) -> None:
    """Approved only once the hospital confirmed the case and every requested document is
    in, and for no more than the hospital's estimate (nothing is reimbursed beyond it)."""
    _undecided(state)
    if not state.verified:
        raise NotReadyError("record the verification with the hospital before approving")
    if state.outstanding:
        raise NotReadyError("documents are still outstanding: "
                            + ", ".join(sorted(state.outstanding)))
    if amount > state.estimate:
        raise AmountError(f"the amount is more than the hospital's estimate "
                          f"(₹{state.estimate / 100:,.2f})")


def decide(state: Application, decision: str, amount: int, scheme: str | None, reason: str,
           by: UUID) -> list[Event]:
    if decision == "approve":
        check_may_approve(state, amount)
    return [ApplicationDecided(application_id=_undecided(state), decision=decision,
                               amount=amount, scheme=scheme, reason=reason, decided_by=by),
            *_told(state, DECIDED[decision])]


def disburse(state: Application, amount: int, payee: str, reference: str,
             by: UUID) -> list[Event]:
    """Paid to the hospital, by default; to a bank account only where the application named
    one; never more than was approved."""
    application_id = _open(state)
    if state.status in OPEN:
        raise NotReadyError("only an approved application is paid")
    if state.status not in ("approved", "disbursed"):
        raise AlreadyDecidedError(state.status)
    if payee != state.payee_kind:
        raise PayeeError(f"this application is paid to the {state.payee_kind}")
    left = state.approved - state.disbursed
    if amount > left:
        raise AmountError(f"only ₹{left / 100:,.2f} of the approved amount is left to pay")
    return [DisbursementRecorded(application_id=application_id, amount=amount,
                                 payee=payee, reference=reference, recorded_by=by),
            *_told(state, "disbursed")]


def close(state: Application, outcome: str, note: str, by: UUID) -> list[Event]:
    return [ApplicationClosed(application_id=_open(state), outcome=outcome, note=note,
                              closed_by=by), *_told(state, "closed")]


URGENCY_RANK = {"critical": 0, "high": 1, "normal": 2}  # the queue: urgency, then age
