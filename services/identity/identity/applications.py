"""Professional applications: pure rules of the vetting workflow.

submitted -> pending -> (information_requested -> pending)* -> approved | rejected.
Events stay inside identity: they hold the applicant's personal data (encrypted).
"""

from dataclasses import dataclass, replace
from functools import reduce
from typing import Any, ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry

PENDING, INFO_REQUESTED, APPROVED, REJECTED = ("pending", "information_requested",
                                               "approved", "rejected")
OPEN = frozenset({PENDING, INFO_REQUESTED})


class ApplicationError(Exception):
    """A step the workflow does not allow now."""


class NoSuchApplicationError(ApplicationError):
    def __init__(self, message: str = "the application does not exist") -> None:
        super().__init__(message)


class ApplicantErasedError(ApplicationError):
    def __init__(self) -> None:
        super().__init__("the applicant erased their account")


class _Internal(Event):
    published: ClassVar[bool] = False


class ProfessionalApplicationSubmitted(_Internal):
    event_type: ClassVar[str] = "ProfessionalApplicationSubmitted"
    subject: ClassVar[str] = "identity.application.submitted"

    application_id: UUID
    user_id: UUID
    profession: str
    registration_council: str
    registration_number: str  # encrypted
    registration_key: str  # keyed hash of council and number, to find duplicates
    full_name: str  # encrypted
    qualification: str  # encrypted
    workplace: str  # encrypted


class ProfessionalApplicationInformationRequested(_Internal):
    event_type: ClassVar[str] = "ProfessionalApplicationInformationRequested"
    subject: ClassVar[str] = "identity.application.information_requested"

    application_id: UUID
    question: str


class ProfessionalApplicationInformationProvided(_Internal):
    event_type: ClassVar[str] = "ProfessionalApplicationInformationProvided"
    subject: ClassVar[str] = "identity.application.information_provided"

    application_id: UUID
    answer: str  # encrypted


class ProfessionalApplicationApproved(_Internal):
    event_type: ClassVar[str] = "ProfessionalApplicationApproved"
    subject: ClassVar[str] = "identity.application.approved"

    application_id: UUID
    user_id: UUID
    reason: str


class ProfessionalApplicationRejected(_Internal):
    event_type: ClassVar[str] = "ProfessionalApplicationRejected"
    subject: ClassVar[str] = "identity.application.rejected"

    application_id: UUID
    user_id: UUID
    reason: str


REGISTRY = EventRegistry([
    ProfessionalApplicationSubmitted, ProfessionalApplicationInformationRequested,
    ProfessionalApplicationInformationProvided, ProfessionalApplicationApproved,
    ProfessionalApplicationRejected])


@dataclass(frozen=True)
class Application:
    application_id: UUID | None = None
    user_id: UUID | None = None
    profession: str = ""
    status: str = ""


_EVOLVERS: dict[type[Event], Any] = {
    ProfessionalApplicationSubmitted: lambda a, e: replace(
        a, application_id=e.application_id, user_id=e.user_id, profession=e.profession,
        status=PENDING),
    ProfessionalApplicationInformationRequested: lambda a, e: replace(a, status=INFO_REQUESTED),
    ProfessionalApplicationInformationProvided: lambda a, e: replace(a, status=PENDING),
    ProfessionalApplicationApproved: lambda a, e: replace(a, status=APPROVED),
    ProfessionalApplicationRejected: lambda a, e: replace(a, status=REJECTED),
}


def evolve(application: Application, event: Event) -> Application:
    step = _EVOLVERS.get(type(event))
    return step(application, event) if step else application


def replay(events: list[Event]) -> Application:
    return reduce(evolve, events, Application())


def request_information(application: Application, question: str) -> list[Event]:
    _require(application, OPEN, "information can be requested only of an open application")
    return [ProfessionalApplicationInformationRequested(
        application_id=_id(application), question=question)]


def provide_information(application: Application, sealed_answer: str) -> list[Event]:
    _require(application, {INFO_REQUESTED}, "no information was requested")
    return [ProfessionalApplicationInformationProvided(
        application_id=_id(application), answer=sealed_answer)]


def approve(application: Application, reason: str) -> list[Event]:
    _require(application, OPEN, "only an open application can be approved")
    assert application.user_id is not None
    return [ProfessionalApplicationApproved(application_id=_id(application),
                                            user_id=application.user_id, reason=reason)]


def reject(application: Application, reason: str) -> list[Event]:
    _require(application, OPEN, "only an open application can be rejected")
    if not reason.strip():
        raise ApplicationError("a rejection needs a reason the applicant can act on")
    assert application.user_id is not None
    return [ProfessionalApplicationRejected(application_id=_id(application),
                                            user_id=application.user_id, reason=reason)]


def _require(application: Application, states: set[str] | frozenset[str], message: str) -> None:
    if application.application_id is None:
        raise NoSuchApplicationError()
    if application.status not in states:
        raise ApplicationError(f"{message} (it is {application.status})")


def _id(application: Application) -> UUID:
    assert application.application_id is not None
    return application.application_id


def stream_id(application_id: UUID) -> str:
    return f"application-{application_id}"


def registration(council: str, number: str) -> str:
    """One registration however it is typed: 'MMC / 12345' and 'mmc/12345' are the same."""
    return "".join(council.lower().split()) + "|" + "".join(number.upper().split())
