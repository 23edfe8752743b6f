"""Events of the assistance context (Project FAITH): the fund (sponsorships, reservations
for approved cases, disbursements) on one stream, and each application's case work on its
own. Amounts are integers of paise. Personal fields (the patient's name, the diagnosis,
payee details, the notes of each step) are sealed with the case owner's data key
(kit.personal): erasing the person shreds them."""

from datetime import date
from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class SponsorshipRecorded(Event):
    """Money came into the fund: a sponsorship or a donation, perhaps restricted to a
    disease area ("" for none)."""

    event_type: ClassVar[str] = "SponsorshipRecorded"
    subject: ClassVar[str] = "assistance.fund.sponsorship_recorded"

    sponsorship_id: UUID
    sponsor: str  # an organisation or a donor's chosen name, shown in the sponsors' report
    amount: int
    restriction: str  # a disease area, or "" for the general fund
    recorded_by: UUID


class FundsReserved(Event):
    """An approval took money from the fund for one application: `drawn` says how much from
    each pool (a disease area's restricted money first, then the general fund's "")."""

    event_type: ClassVar[str] = "FundsReserved"
    subject: ClassVar[str] = "assistance.fund.reserved"

    application_id: UUID
    disease_area: str
    amount: int
    drawn: dict[str, int]
    reserved_by: UUID


class FundsDisbursed(Event):
    """Money reserved for an application was paid out."""

    event_type: ClassVar[str] = "FundsDisbursed"
    subject: ClassVar[str] = "assistance.fund.disbursed"

    application_id: UUID
    disease_area: str
    amount: int


class FundsReleased(Event):
    """An approved case closed with less paid than reserved: the rest goes back, to the
    pools it was drawn from."""

    event_type: ClassVar[str] = "FundsReleased"
    subject: ClassVar[str] = "assistance.fund.released"

    application_id: UUID
    returned: dict[str, int]


class ApplicationSubmitted(Event):
    """A patient, a caregiver on their behalf, or a caseworker assisting them applied."""

    event_type: ClassVar[str] = "ApplicationSubmitted"
    subject: ClassVar[str] = "assistance.application.submitted"

    application_id: UUID
    owner_id: UUID  # whose case it is (whose key seals it): the account that applies
    submitted_by: UUID
    assisted_by: UUID | None  # the caseworker who filed it, if one did
    relation: str  # of the applicant to the patient: self, parent, child, spouse, ...
    patient_name: str  # sealed
    patient_age: int
    diagnosis: str  # sealed
    disease_area: str
    hospital_name: str
    hospital_type: str
    hospital_state: str
    estimate: int
    treatment_start: date
    treatment_end: date | None
    income_bracket: str
    urgency: str
    payee_kind: str  # hospital (the default) or bank
    payee_details: str  # sealed: the hospital's account or the bank account
    suggested_schemes: list[str]  # the slugs the eligibility check pointed to
    # False: a caseworker filed it for someone without an account (the owner id is the
    # case's own person); the caseworker is then the one told of each step.
    owner_account: bool = True


class DocumentsRequested(Event):
    event_type: ClassVar[str] = "DocumentsRequested"
    subject: ClassVar[str] = "assistance.application.documents_requested"

    application_id: UUID
    kinds: list[str]
    note: str  # sealed
    requested_by: UUID


class DocumentAdded(Event):
    """A document checked on its bytes and kept in the media store under `media_key`."""

    event_type: ClassVar[str] = "DocumentAdded"
    subject: ClassVar[str] = "assistance.application.document_added"

    application_id: UUID
    document_id: UUID
    kind: str
    content_type: str
    size: int
    media_key: str
    added_by: UUID


class HospitalVerified(Event):
    """The officer confirmed the case with the treating hospital (the estimate, the
    admission, the account to pay)."""

    event_type: ClassVar[str] = "HospitalVerified"
    subject: ClassVar[str] = "assistance.application.hospital_verified"

    application_id: UUID
    note: str  # sealed
    verified_by: UUID


class ApplicationDecided(Event):
    """approve (with its amount, reserved from the fund in the same transaction), reject,
    or refer to a scheme that should pay first."""

    event_type: ClassVar[str] = "ApplicationDecided"
    subject: ClassVar[str] = "assistance.application.decided"

    application_id: UUID
    decision: str  # approve, reject, refer
    amount: int  # approve's; 0 otherwise
    scheme: str | None  # refer's
    reason: str  # sealed
    decided_by: UUID


class DisbursementRecorded(Event):
    event_type: ClassVar[str] = "DisbursementRecorded"
    subject: ClassVar[str] = "assistance.application.disbursed"

    application_id: UUID
    amount: int
    payee: str  # hospital or bank
    reference: str  # the transfer's reference
    recorded_by: UUID


class ApplicationClosed(Event):
    event_type: ClassVar[str] = "ApplicationClosed"
    subject: ClassVar[str] = "assistance.application.closed"

    application_id: UUID
    outcome: str
    note: str  # sealed
    closed_by: UUID


class ApplicationProgressed(Event):
    """A step of a case its applicant is to hear of (the feed's notifications): documents
    requested, hospital_verified, approved, rejected, referred, disbursed, closed."""

    event_type: ClassVar[str] = "ApplicationProgressed"
    subject: ClassVar[str] = "assistance.application.progressed"

    application_id: UUID
    user_id: UUID  # who is told: the owner, or the caseworker of someone without an account
    step: str


REGISTRY = EventRegistry([SponsorshipRecorded, FundsReserved, FundsDisbursed, FundsReleased,
                          ApplicationSubmitted, DocumentsRequested, DocumentAdded,
                          HospitalVerified, ApplicationDecided, DisbursementRecorded,
                          ApplicationClosed, ApplicationProgressed])
