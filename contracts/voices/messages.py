"""Request and reply bodies of the voices service (../shared/API.md, Voices)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.identity.messages import Language

Kind = Literal["video", "audio", "written"]
Role = Literal["patient", "caregiver"]
Visibility = Literal["public", "members", "policy", "embargoed"]
Variant = Literal["full", "audio_only", "text_only"]
Purpose = Literal["take_part", "subject_consent", "third_party"]
GivenBy = Literal["storyteller", "patient", "guardian", "third_party"]
Status = Literal["draft", "submitted", "changes_requested", "rejected", "published"]
Origin = Literal["machine", "storyteller", "curator"]
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)
MAX_TEXT = 100_000  # a written story: some forty pages
MAX_SEGMENTS = 2_000
PART_BYTES = 256 * 1024 - 4096  # one part of an upload: under the gateway's body limit
MAX_CHUNK = 512 * 1024  # the media bytes of one reply (a NATS message holds 1 MiB)


class StoryRef(BaseModel):
    model_config = STRICT
    story_id: UUID


class CreateStory(BaseModel):
    """POST /v1/stories: a draft, private to its storyteller."""

    model_config = STRICT

    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(min_length=10, max_length=2_000)
    language: Language
    communities: list[str] = Field(min_length=1, max_length=5)
    kind: Kind
    storyteller_role: Role | None = None  # the caller's own role when not given
    about_someone_else: bool = False  # a caregiver telling the story of the person cared for
    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)

    @model_validator(mode="after")
    def _slugs(self) -> "CreateStory":
        for slug in self.communities:
            if not (2 <= len(slug) <= 60 and slug.replace("-", "").isalnum()
                    and slug == slug.lower()):
                raise ValueError(f"communities: {slug[:60]!r} is not a community's slug")
        if len(set(self.communities)) != len(self.communities):
            raise ValueError("communities: each community once")
        return self


class StoryAccepted(BaseModel):
    story_id: UUID
    status: Status


class WriteBody(BaseModel):
    """PUT /v1/stories/{id}/text."""

    model_config = STRICT
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class WriteStory(WriteBody):
    story_id: UUID


class MediaPart(BaseModel):
    """One part of a recording too large for one request, numbered from 0."""

    model_config = STRICT
    story_id: UUID
    index: int = Field(ge=0, le=10_000)
    data_b64: str = Field(max_length=(PART_BYTES * 4) // 3 + 8)


class PartAccepted(BaseModel):
    index: int
    size: int


class UploadMedia(BaseModel):
    """The recording: `parts` parts PUT before, then this last piece (may be empty)."""

    model_config = STRICT
    story_id: UUID
    parts: int = Field(default=0, ge=0, le=10_000)
    data_b64: str = Field(max_length=(PART_BYTES * 4) // 3 + 8)


class Recording(BaseModel):
    story_id: UUID
    content_type: str
    duration_s: float
    size: int
    transcript: Literal["machine", "awaiting"]  # a machine transcribes it, or a person must


class ConsentBody(BaseModel):
    """POST /v1/stories/{id}/consents: one consent, as the wording was shown."""

    model_config = STRICT

    purpose: Purpose
    version: str = Field(min_length=1, max_length=40)
    language: Literal["en", "hi"] = "en"
    given_by: GivenBy = "storyteller"
    name: str | None = Field(default=None, min_length=1, max_length=200)  # who, if not you

    @model_validator(mode="after")
    def _who(self) -> "ConsentBody":
        if self.given_by == "storyteller" and self.name is not None:
            raise ValueError("name: the storyteller's own consent names no one")
        if self.given_by != "storyteller" and self.name is None:
            raise ValueError("name: whose consent this is")
        return self


class GiveConsent(ConsentBody):
    story_id: UUID


class ConsentAccepted(BaseModel):
    story_id: UUID
    purpose: Purpose
    version: str


class Wording(BaseModel):
    purpose: str
    version: str
    language: str
    wording: str


class Wordings(BaseModel):
    items: list[Wording]


class WordingsQuery(BaseModel):
    model_config = STRICT
    language: Literal["en", "hi"] | None = None


class Segment(BaseModel):
    model_config = STRICT

    start: float = Field(ge=0, le=24 * 3600)
    end: float = Field(gt=0, le=24 * 3600)
    text: str = Field(min_length=1, max_length=2_000)
    redacted: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> "Segment":
        if self.end <= self.start:
            raise ValueError("a segment ends after it starts")
        return self


class TranscriptBody(BaseModel):
    """PUT /v1/stories/{id}/transcript: the whole transcript, corrected, with redactions."""

    model_config = STRICT
    segments: list[Segment] = Field(min_length=1, max_length=MAX_SEGMENTS)

    @model_validator(mode="after")
    def _in_order(self) -> "TranscriptBody":
        for before, after in zip(self.segments, self.segments[1:], strict=False):
            if after.start < before.end:
                raise ValueError("segments: in order, none overlapping the one before")
        return self


class SetTranscript(TranscriptBody):
    story_id: UUID


class Transcript(BaseModel):
    """A story's transcript. `origin` says who wrote it as it stands; `machine_made`, that
    a machine wrote it first (a machine's words, even corrected, are labelled so)."""

    origin: Origin
    machine_made: bool
    label: str
    model: str | None = None
    segments: list[Segment]


class ReleaseBody(BaseModel):
    """POST /v1/stories/{id}/release: after the preview, how the story may be shown."""

    model_config = STRICT

    visibility: Visibility
    until: datetime | None = None  # an embargo's end
    anonymous: bool = False
    variant: Variant = "full"  # anonymous stories may be shown as audio or text only
    policy_use: bool = False  # in the union's reports to policy makers
    version: str = Field(min_length=1, max_length=40)  # of the release wording shown
    language: Literal["en", "hi"] = "en"
    names_others: bool = False  # identifiable other people appear (their consent recorded)

    @model_validator(mode="after")
    def _embargo(self) -> "ReleaseBody":
        if (self.visibility == "embargoed") != (self.until is not None):
            raise ValueError("until: an embargoed story, and only one, has an end date")
        if self.until is not None and self.until.tzinfo is None:
            raise ValueError("until: a time with its zone (RFC 3339)")
        return self


class ReleaseStory(ReleaseBody):
    story_id: UUID


class Released(BaseModel):
    story_id: UUID
    status: Status


class Pointer(BaseModel):
    """Something in a story for a curator to have redacted: contact details, or another
    person's name (`found`: the name as written)."""

    where: str  # title, summary, text, segment
    index: int | None = None  # the segment's
    kind: Literal["phone", "email", "name"]
    found: str | None = None


class StoryView(BaseModel):
    """A story as the caller may see it."""

    story_id: UUID
    status: Status
    title: str
    summary: str
    language: str
    communities: list[str]
    kind: Kind
    storyteller_role: Role
    about_someone_else: bool
    storyteller: str | None = None  # the name, unless anonymous
    storyteller_id: UUID | None = None  # to the storyteller and the curators only
    text: str | None = None
    media: bool = False  # `GET /v1/stories/{id}/media` plays it for this caller
    content_type: str | None = None
    duration_s: float | None = None
    captions: bool = False  # `GET /v1/stories/{id}/captions.vtt`
    transcript: Transcript | None = None
    visibility: Visibility | None = None
    embargo_until: datetime | None = None
    anonymous: bool | None = None
    variant: Variant | None = None
    policy_use: bool | None = None
    consents: list[str] = []  # the purposes consented to (storyteller and curators)
    previewed: bool = False  # the current revision was previewed (storyteller)
    review_note: str | None = None  # the curator's note (storyteller and curators)
    # What to have redacted (contact details, others' names): in a story's own reply, to
    # its storyteller and the curators.
    pointers: list[Pointer] = []
    created_at: datetime
    published_at: datetime | None = None


class StoriesQuery(BaseModel):
    """GET /v1/stories: the gallery."""

    model_config = STRICT
    community: str | None = Field(default=None, max_length=60)
    language: Language | None = None
    kind: Kind | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class PolicyQuery(BaseModel):
    """GET /v1/policy/stories: for the union's reports to policy makers."""

    model_config = STRICT
    community: str | None = Field(default=None, max_length=60)
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class MyStoriesQuery(BaseModel):
    model_config = STRICT
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class StoriesPage(BaseModel):
    items: list[StoryView]
    next_cursor: str | None = None


class MediaInfo(BaseModel):
    story_id: UUID
    content_type: str
    size: int


class MediaRange(BaseModel):
    model_config = STRICT
    story_id: UUID
    start: int = Field(ge=0)
    length: int = Field(ge=1, le=MAX_CHUNK)


class Withdrawn(BaseModel):
    story_id: UUID
    status: Literal["withdrawn"]


class DecisionBody(BaseModel):
    """POST /v1/curation/stories/{id}/decision."""

    model_config = STRICT
    decision: Literal["approve", "request_changes", "reject"]
    note: str = Field(default="", max_length=2_000)

    @model_validator(mode="after")
    def _noted(self) -> "DecisionBody":
        if self.decision != "approve" and not self.note:
            raise ValueError("note: say what to change, or why not")
        return self


class DecideStory(DecisionBody):
    story_id: UUID


class Decided(BaseModel):
    story_id: UUID
    status: Status


class FlagBody(BaseModel):
    """POST /v1/stories/{id}/flags."""

    model_config = STRICT
    reason: str = Field(min_length=3, max_length=1_000)


class FlagStory(FlagBody):
    story_id: UUID


class FlagAccepted(BaseModel):
    story_id: UUID
    flag_id: UUID


class FlagsDecisionBody(BaseModel):
    """POST /v1/curation/stories/{id}/flags/decision."""

    model_config = STRICT
    decision: Literal["dismiss", "take_down"]
    note: str = Field(min_length=1, max_length=2_000)


class DecideFlags(FlagsDecisionBody):
    story_id: UUID


class FlaggedItem(BaseModel):
    """A published story with open flags: the 24-hour clock runs from the first."""

    story: StoryView
    open_flags: int
    reasons: list[str]
    first_flagged_at: datetime
    waiting_hours: float
    overdue: bool  # open longer than 24 hours


class QueueItem(BaseModel):
    story: StoryView
    waiting_hours: float
    pointers: list[Pointer]


class CurationQueue(BaseModel):
    items: list[QueueItem]
    flagged: list[FlaggedItem] = []


class QueueQuery(BaseModel):
    model_config = STRICT
    limit: int = Field(default=50, ge=1, le=100)
