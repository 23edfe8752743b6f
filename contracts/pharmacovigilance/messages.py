"""Request and reply bodies of the pharmacovigilance service: PvPI's consumer
"Medicines Side Effect Reporting Form", as ../shared/API.md gives it.

Every field may be missing while a report is a draft: validity (ICH E2D's four minimum
criteria) is decided by the service, which names what is missing.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

YesNoUnknown = Literal["yes", "no", "unknown"]
Sex = Literal["female", "male", "other", "unknown"]
Outcome = Literal["recovered", "recovering", "not_recovered", "recovered_with_sequelae",
                  "fatal", "unknown"]
Relation = Literal["self", "parent", "child", "spouse", "other"]
AdvisedBy = Literal["doctor", "pharmacist", "friends_relatives", "self"]
DrugRole = Literal["suspect", "concomitant", "interacting"]
ActionTaken = Literal["withdrawn", "dose_reduced", "dose_increased", "dose_not_changed",
                      "not_applicable", "unknown"]
Rechallenge = Literal["yes", "no", "unknown", "not_done"]
# A case version in the relay queue: waiting, with the regulator, answered, or back with
# the officer unsent.
RelayState = Literal["pending", "sent", "acknowledged", "rejected", "returned"]
Causality = Literal["certain", "probable", "possible", "unlikely", "conditional",
                    "unassessable"]
# Free text is bounded everywhere, so that no request can fill a case, a NATS message or a
# page: an officer's question, and a reporter's answer to one.
Question = Annotated[str, Field(min_length=1, max_length=1000)]
Answer = Annotated[str, Field(min_length=1, max_length=2000)]


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Reporter(_Form):
    name: str | None = Field(default=None, max_length=120)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=20)
    relation: Relation = "self"
    is_health_professional: bool = False
    consent_to_contact: bool = False
    consent_to_be_named: bool = False


class Age(_Form):
    value: int = Field(ge=0, le=130)
    unit: Literal["years", "months"] = "years"


class Patient(_Form):
    initials: str | None = Field(default=None, max_length=10)
    sex: Sex | None = None
    age: Age | None = None
    date_of_birth: date | None = None
    weight_kg: float | None = Field(default=None, gt=0, le=400)


class Seriousness(_Form):
    """Three-valued: a flag the reporter did not answer is "unknown", never "no"."""

    death: YesNoUnknown = "unknown"
    life_threatening: YesNoUnknown = "unknown"
    hospitalisation: YesNoUnknown = "unknown"
    disability: YesNoUnknown = "unknown"
    congenital_anomaly: YesNoUnknown = "unknown"
    other_medically_important: YesNoUnknown = "unknown"


class Reaction(_Form):
    description: str = Field(min_length=1, max_length=2000)  # the person's own words
    language: str = Field(default="en", max_length=8)
    start_date: date | None = None
    stop_date: date | None = None
    outcome: Outcome = "unknown"
    seriousness: Seriousness = Seriousness()


class Medicine(_Form):
    name: str = Field(min_length=1, max_length=200)  # as on the pack
    manufacturer: str | None = Field(default=None, max_length=200)
    batch: str | None = Field(default=None, max_length=60)
    expiry: str | None = Field(default=None, max_length=20)
    dose: str | None = Field(default=None, max_length=100)
    route: str | None = Field(default=None, max_length=60)
    frequency: str | None = Field(default=None, max_length=100)
    start_date: date | None = None
    stop_date: date | None = None
    indication: str | None = Field(default=None, max_length=300)
    advised_by: AdvisedBy | None = None
    role: DrugRole = "suspect"
    action_taken: ActionTaken = "unknown"
    rechallenge: Rechallenge = "not_done"


class AdrReportForm(_Form):
    """POST /v1/adr-reports."""

    reporter: Reporter = Reporter()
    patient: Patient = Patient()
    reactions: list[Reaction] = Field(default=[], max_length=20)
    medicines: list[Medicine] = Field(default=[], max_length=30)
    history: str = Field(default="", max_length=5000)
    draft: bool = False


class AdrReportAccepted(BaseModel):
    report_id: UUID
    reference: str
    status: str  # draft or received
    missing: list[str]


class MeddraTerm(_Form):
    code: str = Field(pattern=r"^\d{8}$")  # a lowest-level term's code
    term: str = Field(min_length=1, max_length=100)
    version: str = Field(pattern=r"^\d{1,2}\.\d$")


class ConfirmedSeriousness(_Form):
    """The officer's word on the criteria given (E.i.3.2); the others stay as the reporter
    answered them, and the reporter's answers stay in the report as given."""

    death: YesNoUnknown | None = None
    life_threatening: YesNoUnknown | None = None
    hospitalisation: YesNoUnknown | None = None
    disability: YesNoUnknown | None = None
    congenital_anomaly: YesNoUnknown | None = None
    other_medically_important: YesNoUnknown | None = None


class ReactionCoding(_Form):
    reaction_id: UUID
    meddra: MeddraTerm
    seriousness: ConfirmedSeriousness | None = None


class CausalityAssessment(_Form):
    medicine_id: UUID
    reaction_id: UUID
    category: Causality


class Assessment(_Form):
    """POST /v1/pv/cases/{id}/assessment: the officer's coding, WHO-UMC causality, confirmed
    seriousness and, optionally, the case narrative (H.1) in the officer's words."""

    reactions: list[ReactionCoding] = Field(default=[], max_length=20)
    causality: list[CausalityAssessment] = Field(default=[], max_length=100)
    seriousness_confirmed: bool = False
    narrative: str | None = Field(default=None, min_length=1, max_length=20000)


class FollowUpRequest(_Form):
    questions: list[Question] = Field(min_length=1, max_length=10)


class FollowUpAnswers(_Form):
    answers: list[Answer] = Field(min_length=1, max_length=10)


# Requests of the service's operations (rpc.pharmacovigilance.*), as the gateway sends them.

class ReportRef(BaseModel):
    """get_report, get_case, case_e2b, submit_case."""

    report_id: UUID


class _On(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_id: UUID


class UpdateReport(_On):
    """PUT /v1/adr-reports/{id}: the form again, complete or corrected."""

    form: AdrReportForm


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class CaseFilter(Page):
    """The officer's work list."""

    status: str | None = Field(default=None, max_length=40)
    serious: YesNoUnknown | None = None
    overdue: bool | None = None  # not yet with the regulator, and past its due date
    sort: Literal["received", "due"] = "received"  # due: the most urgent first


class ReadsQuery(Page):
    """A case's access log."""

    report_id: UUID


class SignalQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_count: int = Field(default=3, ge=1, le=10_000)


class AssessCase(_On):
    assessment: Assessment


class AskReporter(_On):
    request: FollowUpRequest


class AnswerQuestions(_On):
    answers: FollowUpAnswers


class RelayFilter(Page):
    state: RelayState | None = None


class ResolveDuplicate(_On):
    other_report_id: UUID
    decision: Literal["link", "separate"]


class ExportQuery(BaseModel):
    """The regulator liaison's export: the cases received in a period."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: date = Field(alias="from")
    end: date = Field(alias="to")
    status: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _ordered(self) -> "ExportQuery":
        if self.end < self.start:
            raise ValueError("`to` is before `from`")
        return self


class ChunkRef(BaseModel):
    export_id: UUID
    index: int = Field(ge=0, le=100_000)  # a chunk is 512 KiB: far beyond any export


# Replies of the service's operations.

class HistoryEntry(BaseModel):
    """A step of the status timeline the reporter sees."""

    status: str
    at: datetime


class ReportSummary(BaseModel):
    """A report or case in a list: what it is, where it stands, when it is due."""

    report_id: UUID
    reference: str | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    serious: bool | None  # None: not known yet
    due_at: datetime | None  # when the case should be with the regulator
    overdue: bool


class CaseReaction(Reaction):
    reaction_id: UUID | None = None  # once the report is a case


class CaseMedicine(Medicine):
    medicine_id: UUID | None = None  # once the report is a case


class FollowUp(BaseModel):
    asked_at: datetime
    questions: list[str]
    answers: list[str] | None  # None: not answered yet, or erased with the reporter's data
    answered_at: datetime | None


class RelayInfo(BaseModel):
    safety_report_id: str | None  # C.1.1 of the version last submitted
    detail: str | None  # the regulator's words on a rejection, or why it came back unsent


class ReportView(ReportSummary):
    """A report (or case) in full: the form as given (identifiers only while the reporter's
    data key exists), its timeline, and the officer's work on it."""

    reporter: Reporter
    patient: Patient
    reactions: list[CaseReaction]
    medicines: list[CaseMedicine]
    draft: bool
    missing: list[str]
    history: list[HistoryEntry]
    coding: dict[str, dict[str, str]]  # reaction id -> MedDRA {code, term, version}
    causality: list[dict[str, str]]  # {medicine_id, reaction_id, category}
    seriousness_confirmed: bool
    confirmed_seriousness: dict[str, dict[str, str]]  # reaction id -> the officer's criteria
    narrative: str | None
    follow_ups: list[FollowUp]
    relay: RelayInfo


class PossibleDuplicate(BaseModel):
    report_id: UUID
    score: float
    decision: str | None  # link, separate, or None while undecided


class CaseView(ReportView):
    """A case as the PV roles read it, with its likely duplicates."""

    possible_duplicates: list[PossibleDuplicate]


class ReportPage(BaseModel):
    items: list[ReportView]
    next_cursor: str | None


class CasePage(BaseModel):
    items: list[ReportSummary]
    next_cursor: str | None


class CaseRead(BaseModel):
    reader_id: UUID
    what: str  # report, case, e2b or export
    at: datetime


class CaseReads(BaseModel):
    items: list[CaseRead]
    next_cursor: str | None


class QueuedVersion(BaseModel):
    """A case version in the relay queue."""

    safety_report_id: str
    report_id: UUID
    version: int
    state: RelayState
    attempts: int
    last_error: str | None
    queued_at: datetime
    updated_at: datetime


class RelayQueue(BaseModel):
    items: list[QueuedVersion]
    next_cursor: str | None


class Signal(BaseModel):
    """Disproportionality of one (medicine, reaction) pair (see SIGNALS.md)."""

    medicine: str
    reaction: str
    a: int
    b: int
    c: int
    d: int
    prr: float
    prr_ci: list[float]
    ror: float
    ror_ci: list[float]
    chi2: float | None
    ic: float
    ic025: float
    evans: bool
    corrected: bool


class Signals(BaseModel):
    items: list[Signal]


class ExportStarted(BaseModel):
    """An export gathered: fetch its `chunks` with export_chunk."""

    export_id: UUID
    filename: str
    size: int
    chunks: int
    cases: int
