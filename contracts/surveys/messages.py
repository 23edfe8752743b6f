"""Request and reply bodies of the surveys service (../shared/API.md, Surveys), and the
survey definition itself (what SurveyDrafted carries).

Skip logic (`show_if`) is data, never code: `{"question": "<an earlier id>", <one
operator>}` with the operator one of `in` / `not_in` (a list of option values or numbers:
true when the answer, or one of a multiple choice's answers, is among them), `gte` / `lte`
(a number: the answer is at least / at most it) or `answered` (true or false). A question
whose condition names an unanswered or hidden question is hidden (`answered: false`
aside)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
)

LangCode = Annotated[str, Field(pattern=r"^[a-z]{2}$", max_length=2)]
Label = Annotated[str, Field(min_length=1, max_length=500)]
Labels = Annotated[dict[LangCode, Label], Field(min_length=1, max_length=13)]
SomeLabels = Annotated[dict[LangCode, Label] | None, Field(max_length=13)]
QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", max_length=40)]
OptionValue = Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$", max_length=40)]
Slug = Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9-]+$")]
Role = Annotated[str, Field(max_length=40, pattern=r"^[a-z_]+$")]
QuestionType = Literal["single_choice", "multiple_choice", "likert", "nps", "number", "date",
                       "text"]
Mode = Literal["identified", "anonymous"]
Compared = StrictInt | StrictFloat | OptionValue
# One answer: an option value or a date (text), a number, or a multiple choice's values.
Answer = (StrictInt | StrictFloat | Annotated[StrictStr, Field(max_length=4000)]
          | Annotated[list[OptionValue], Field(max_length=30)])
Answers = Annotated[dict[QuestionId, Answer], Field(max_length=60)]
DONT_KNOW = "dont_know"  # the answer "don't know" of a likert or nps question that offers it


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True,
                              allow_inf_nan=False)


class Condition(Strict):
    """`show_if`: see the module's docstring."""

    question: QuestionId
    is_in: list[Compared] | None = Field(default=None, alias="in", max_length=30)
    not_in: list[Compared] | None = Field(default=None, max_length=30)
    gte: float | None = None
    lte: float | None = None
    answered: bool | None = None


class Option(Strict):
    value: OptionValue
    label: Labels


class Question(Strict):
    id: QuestionId
    type: QuestionType
    label: Labels
    hint: SomeLabels = None
    required: bool = False
    options: list[Option] = Field(default=[], max_length=30)  # the choices' only
    dont_know: bool = False  # likert and nps: "don't know" may be answered
    min: float | None = None  # number: the range allowed
    max: float | None = None
    max_length: int = Field(default=2000, ge=1, le=4000)  # text
    show_if: Condition | None = None


class Audience(Strict):
    """Who sees the survey: everyone signed in, or those in one of the communities (they
    follow it) or with one of the roles."""

    everyone: bool = False
    communities: list[Slug] = Field(default=[], max_length=27)
    roles: list[Role] = Field(default=[], max_length=13)


class Definition(Strict):
    """POST /v1/surveys, PUT /v1/surveys/{id}: one version of a survey."""

    title: Labels
    description: SomeLabels = None
    default_language: LangCode = "en"
    audience: Audience
    opens_at: AwareDatetime | None = None  # None: from publication
    closes_at: AwareDatetime | None = None  # None: until further notice
    mode: Mode = "identified"
    questions: list[Question] = Field(min_length=1, max_length=60)


class ReviseSurvey(Definition):
    survey_id: UUID


class SurveyRef(Strict):
    survey_id: UUID
    # The caller's Accept-Language, best first (empty: their preferred language).
    languages: list[LangCode] = Field(default=[], max_length=8)


class SurveysQuery(Strict):
    languages: list[LangCode] = Field(default=[], max_length=8)
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


SurveyStatus = Literal["draft", "published", "closed"]


class StaffSurveysQuery(Strict):
    """GET /v1/admin/surveys: every survey, for survey managers and admins."""

    status: SurveyStatus | None = None
    languages: list[LangCode] = Field(default=[], max_length=8)
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class ExportRef(Strict):
    survey_id: UUID
    export_id: UUID


MAX_EXPORT_CHUNK = 512 * 1024  # bytes of a file in one reply (a NATS message holds 1 MiB)


class ExportRange(ExportRef):
    start: int = Field(ge=0)
    length: int = Field(ge=1, le=MAX_EXPORT_CHUNK)


class AnswersBody(Strict):
    """PUT /v1/surveys/{id}/draft and POST /v1/surveys/{id}/responses."""

    answers: Answers
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$", max_length=2)


class SaveDraft(AnswersBody):
    survey_id: UUID


class SubmitResponse(AnswersBody):
    survey_id: UUID


class SurveyAccepted(BaseModel):
    survey_id: UUID
    version: int
    status: Literal["draft", "published"]


class OptionView(BaseModel):
    value: str
    label: str


class QuestionView(BaseModel):
    id: str
    type: QuestionType
    label: str
    label_language: str  # the caller's language, or the default one it fell back to
    hint: str | None = None
    required: bool
    options: list[OptionView]
    dont_know: bool
    min: float | None = None
    max: float | None = None
    max_length: int
    show_if: dict[str, Any] | None = None


class SurveyView(BaseModel):
    """A survey in the caller's language; staff also get the whole definition."""

    survey_id: UUID
    version: int  # the version answered now (the published one)
    status: Literal["draft", "published"]
    language: str
    title: str
    description: str | None = None
    mode: Mode
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    questions: list[QuestionView]
    answered: bool = False
    draft: dict[str, Any] | None = None  # the caller's saved answers, to resume
    definition: dict[str, Any] | None = None  # staff: the working version, every language
    working_version: int | None = None  # staff: the version an edit changes


class SurveySummary(BaseModel):
    survey_id: UUID
    version: int
    title: str
    language: str
    mode: Mode
    closes_at: datetime | None = None
    questions: int
    answered: bool = False  # the caller answered it already


class SurveysPage(BaseModel):
    items: list[SurveySummary]
    next_cursor: str | None = None


class StaffSurveySummary(BaseModel):
    """One survey as staff list it: `version` is the published one (0: never published),
    `working_version` the one an edit changes; `responses` is how many answered (in an
    anonymous survey: None while fewer than 5, the small-cell rule)."""

    survey_id: UUID
    title: str
    language: str
    mode: Mode
    status: SurveyStatus
    version: int
    working_version: int
    responses: int | None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    drafted_at: datetime
    published_at: datetime | None = None


class StaffSurveysPage(BaseModel):
    items: list[StaffSurveySummary]
    next_cursor: str | None = None


class ExportStatus(BaseModel):
    """An export job: `percent` of the responses written so far; the file (`size` bytes)
    at GET /v1/surveys/{id}/exports/{export_id}.csv once `done`."""

    export_id: UUID
    survey_id: UUID
    status: Literal["queued", "running", "done", "failed"]
    rows_done: int
    rows_total: int
    percent: float
    size: int | None = None
    requested_on: date


class DraftSaved(BaseModel):
    survey_id: UUID
    saved_on: date


class ResponseAccepted(BaseModel):
    survey_id: UUID
    version: int
    status: Literal["submitted"]


class OptionCount(BaseModel):
    value: str
    count: int | None  # None: suppressed
    percent: float | None


class QuestionResult(BaseModel):
    question: str
    type: QuestionType
    answers: int | None  # None: suppressed
    options: list[OptionCount]
    mean: float | None = None
    percent_positive: float | None = None  # likert: top two boxes, "don't know" left out
    nps: float | None = None  # nps: % promoters (9-10) - % detractors (0-6)
    suppressed: bool = False


class CommunityResults(BaseModel):
    community: str
    responses: int | None
    questions: list[QuestionResult]


class TextAnswer(BaseModel):
    question: str
    text: str | None  # None while held, or once its writer was erased
    status: Literal["published", "held"]
    reasons: list[str] = []


class Results(BaseModel):
    survey_id: UUID
    mode: Mode
    responses: int | None
    by_version: dict[str, int | None]
    suppressed_below: int  # anonymous surveys: cells of fewer answers are not shown
    questions: list[QuestionResult]
    communities: list[CommunityResults]
    texts: list[TextAnswer]
