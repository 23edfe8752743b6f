"""Request and reply bodies of the assistance service (../shared/API.md, Assistance).
Amounts are integers of paise (₹1 = 100 paise)."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

DiseaseArea = Literal["cancer", "heart", "kidney", "liver", "neurology", "transplant",
                      "tuberculosis", "maternity", "child", "accident", "other"]
HospitalType = Literal["government", "private_empanelled", "private", "charitable"]
# Household income a year: below the poverty line (with a BPL or Antyodaya card), then brackets.
IncomeBracket = Literal["bpl", "below_1_lakh", "1_to_2_5_lakh", "2_5_to_5_lakh",
                        "5_to_8_lakh", "above_8_lakh"]
Urgency = Literal["critical", "high", "normal"]
Relation = Literal["self", "parent", "child", "spouse", "sibling", "other"]
DocumentKind = Literal["estimate", "income_certificate", "ration_card", "id", "other"]
Status = Literal["submitted", "documents_requested", "verified", "approved", "rejected",
                 "referred", "disbursed", "closed"]
Outcome = Literal["treated", "referred_to_scheme", "rejected", "withdrawn", "deceased",
                  "other"]
MAX_AMOUNT = 10**11  # ₹100 crore in paise: anything above is a typing slip
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a scanned PDF of a few pages, or a phone's photo
# A NATS message holds 1 MiB: a document crosses the bus in pieces of this many bytes.
DOCUMENT_PART_BYTES = 512 * 1024
MAX_DOCUMENT_PARTS = -(-MAX_DOCUMENT_BYTES // DOCUMENT_PART_BYTES)
PART_B64 = (DOCUMENT_PART_BYTES * 4) // 3 + 8
Amount = Field(gt=0, le=MAX_AMOUNT, description="paise (₹1 = 100 paise)")
Note = Field(min_length=1, max_length=1000)
Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RecordSponsorship(BaseModel):
    """POST /v1/assistance/sponsorships: money into the fund."""

    model_config = Strict

    sponsor: str = Field(min_length=2, max_length=200)
    amount: int = Amount
    restriction: DiseaseArea | None = None  # only cases of this disease area draw on it


class SponsorshipAccepted(BaseModel):
    sponsorship_id: UUID
    available: int


class Pool(BaseModel):
    restriction: str | None  # a disease area, or null for the general fund
    available: int


class FundView(BaseModel):
    """GET /v1/assistance/fund, folded from the fund's events."""

    received: int
    approved: int  # reserved by approvals, paid or not
    disbursed: int
    available: int
    pools: list[Pool]


class SponsorLine(BaseModel):
    sponsor: str
    given: int
    restriction: str | None


class AreaLine(BaseModel):
    disease_area: str
    cases_approved: int
    approved: int
    disbursed: int


class FundReport(BaseModel):
    """The sponsors' report: money in by sponsor, money out by disease area; no patient, no
    application, no hospital is named, and an area with fewer than 3 cases is folded into
    "other" so that no one case can be picked out."""

    fund: FundView
    sponsors: list[SponsorLine]
    areas: list[AreaLine]


class Eligibility(BaseModel):
    """POST /v1/assistance/eligibility: what the check needs (nothing is recorded)."""

    model_config = Strict

    patient_age: int = Field(ge=0, le=120)
    disease_area: DiseaseArea
    hospital_type: HospitalType
    hospital_state: str = Field(min_length=2, max_length=80)
    income_bracket: IncomeBracket


class SchemeSuggestion(BaseModel):
    scheme_id: UUID | None
    slug: str
    name: str
    why: str
    link: str | None = None
    helpline: str | None = None


class EligibilityResult(BaseModel):
    suggested_schemes: list[SchemeSuggestion]
    advice: str


class Hospital(BaseModel):
    model_config = Strict

    name: str = Field(min_length=2, max_length=200)
    type: HospitalType
    state: str = Field(min_length=2, max_length=80)


class Payee(BaseModel):
    """Who is paid: the treating hospital by default (as Rashtriya Arogya Nidhi pays);
    `details` are the account to pay (sealed with the case owner's key)."""

    model_config = Strict

    kind: Literal["hospital", "bank"] = "hospital"
    details: str = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _bank_has_details(self) -> "Payee":
        if self.kind == "bank" and not self.details:
            raise ValueError("a bank payee needs the account's details")
        return self


class Apply(BaseModel):
    """POST /v1/assistance/applications."""

    model_config = Strict

    patient_name: str = Field(min_length=2, max_length=200)
    relation: Relation  # of the applicant to the patient
    patient_age: int = Field(ge=0, le=120)
    diagnosis: str = Field(min_length=2, max_length=500)
    disease_area: DiseaseArea
    hospital: Hospital
    estimate: int = Amount  # the hospital's cost estimate
    treatment_start: date
    treatment_end: date | None = None
    income_bracket: IncomeBracket
    urgency: Urgency = "normal"
    payee: Payee = Field(default_factory=Payee)
    # A caseworker applying for someone names their account; unset: the caller's own case.
    applicant_id: UUID | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Apply":
        if self.treatment_end is not None and self.treatment_end < self.treatment_start:
            raise ValueError("treatment_end is before treatment_start")
        return self


class ApplicationAccepted(BaseModel):
    application_id: UUID
    status: Status
    suggested_schemes: list[SchemeSuggestion]


class ApplicationRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: UUID


class UploadDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: UUID
    kind: DocumentKind
    data_b64: str = Field(min_length=1, max_length=PART_B64)  # the last (or only) piece
    # The pieces before it, put with DocumentPart under this upload id, numbered from 0.
    upload_id: UUID | None = None
    parts: int = Field(default=0, ge=0, lt=MAX_DOCUMENT_PARTS)


class DocumentPart(BaseModel):
    """One piece of a document too large for one message, kept until its upload ends."""

    model_config = ConfigDict(extra="forbid")

    application_id: UUID
    upload_id: UUID
    index: int = Field(ge=0, lt=MAX_DOCUMENT_PARTS)
    data_b64: str = Field(min_length=1, max_length=PART_B64)


class PartKept(BaseModel):
    index: int
    size: int


class DocumentRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: UUID
    document_id: UUID


class DocumentRange(DocumentRef):
    start: int = Field(ge=0)
    length: int = Field(ge=1, le=DOCUMENT_PART_BYTES)


class DocumentInfo(BaseModel):
    document_id: UUID
    content_type: str
    size: int


class DocumentAccepted(BaseModel):
    document_id: UUID
    kind: str
    content_type: str
    size: int
    status: Status


class DecisionBody(BaseModel):
    """POST /v1/assistance/applications/{id}/decision."""

    model_config = Strict

    decision: Literal["approve", "reject", "request_documents", "refer"]
    reason: str = Note
    amount: int | None = Field(default=None, gt=0, le=MAX_AMOUNT)  # approve: paise
    scheme: str | None = Field(default=None, min_length=2, max_length=80)  # refer: its slug
    documents: list[DocumentKind] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _what_each_needs(self) -> "DecisionBody":
        if (self.decision == "approve") != (self.amount is not None):
            raise ValueError("amount is given with an approval, and only then")
        if self.decision == "refer" and not self.scheme:
            raise ValueError("a referral names the scheme")
        if self.decision == "request_documents" and not self.documents:
            raise ValueError("name the documents to request")
        return self


class Decide(DecisionBody):
    application_id: UUID


class VerificationBody(BaseModel):
    """POST /v1/assistance/applications/{id}/verification: the hospital confirmed it."""

    model_config = Strict

    note: str = Note


class Verify(VerificationBody):
    application_id: UUID


class DisbursementBody(BaseModel):
    model_config = Strict

    amount: int = Amount
    payee: Literal["hospital", "bank"] = "hospital"
    reference: str = Field(min_length=2, max_length=100)


class Disburse(DisbursementBody):
    application_id: UUID


class ClosureBody(BaseModel):
    model_config = Strict

    outcome: Outcome
    note: str = Note


class Close(ClosureBody):
    application_id: UUID


class StepDone(BaseModel):
    application_id: UUID
    status: Status


class Step(BaseModel):
    """One step of the timeline: what happened, when, by whom (and in what capacity), why."""

    kind: str
    at: datetime
    by: UUID
    by_role: Literal["applicant", "caseworker", "officer"]
    note: str | None = None  # null once the owner was erased
    amount: int | None = None
    detail: str | None = None  # documents requested, the scheme referred to, the payee


class DocumentView(BaseModel):
    document_id: UUID
    kind: str
    content_type: str
    size: int
    added_at: datetime


class ApplicationView(BaseModel):
    application_id: UUID
    status: Status
    patient_name: str | None
    diagnosis: str | None
    disease_area: str
    hospital_name: str
    hospital_type: str
    estimate: int
    approved: int
    disbursed: int
    urgency: str
    payee_kind: str
    submitted_at: datetime
    documents_outstanding: list[str]
    documents: list[DocumentView]
    suggested_schemes: list[str]
    timeline: list[Step]


class ApplicationSummary(BaseModel):
    application_id: UUID
    status: Status
    disease_area: str
    hospital_name: str
    estimate: int
    urgency: str
    submitted_at: datetime
    updated_at: datetime
    age_days: int


class ApplicationsPage(BaseModel):
    items: list[ApplicationSummary]
    next_cursor: str | None


class QueueQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class MineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)
