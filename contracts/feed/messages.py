"""Request and reply bodies of the feed service."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.identity.messages import Language
from contracts.pharmacovigilance.messages import AdrReportForm

COMMON = "common"
# A voice note's bytes travel base64 in one NATS message, which holds 1 MiB: 700 KB grow
# to 933 KB in base64, with room left for the headers.
MAX_VOICE_NOTE_BYTES = 700_000
MAX_VOICE_NOTE_B64 = 4 * -(-MAX_VOICE_NOTE_BYTES // 3)
# The most of a voice note one reply carries (the gateway asks range by range).
MAX_VOICE_CHUNK = 512 * 1024


class CreatePost(BaseModel):
    """POST /v1/posts."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    kind: Literal["discussion", "question", "policy_input"] = "discussion"
    title: str | None = Field(default=None, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    language: Language | None = None  # not given: the feed tells it from the words
    voice_note_id: UUID | None = None


class PostRef(BaseModel):
    post_id: UUID


class EditBody(BaseModel):
    """PUT /v1/posts/{id}: the author's new words."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)


class EditPost(EditBody):
    post_id: UUID


class PostVersion(BaseModel):
    title: str | None
    body: str
    at: datetime


class PostHistory(BaseModel):
    """GET /v1/posts/{id}/history (the author, moderators): every version, oldest first."""

    post_id: UUID
    versions: list[PostVersion]
    deleted_at: datetime | None = None


class PolicyInputsQuery(BaseModel):
    """GET /v1/policy-inputs (moderators, admins)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    community: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9-]+$")
    starting: datetime | None = Field(default=None, alias="from")
    until: datetime | None = Field(default=None, alias="to")
    format: Literal["json", "csv", "markdown"] = "json"


class PolicyInput(BaseModel):
    post_id: UUID
    community: str
    theme: str  # the post's title, or its first words
    body: str
    language: str
    created_at: datetime


class PolicyInputs(BaseModel):
    items: list[PolicyInput]


class Notice(BaseModel):
    """Something the author must be told about their post, in their language."""

    kind: Literal["held", "helpline"]
    message: str


class SideEffectOffer(BaseModel):
    """A side-effect report the author may start from their own words: `prefill` is a
    draft for `POST /v1/adr-reports` that they complete and submit themselves (nothing is
    reported for them)."""

    kind: Literal["side_effect_report"] = "side_effect_report"
    message: str
    endpoint: str = "/v1/adr-reports"
    prefill: AdrReportForm


class PostAccepted(BaseModel):
    post_id: UUID
    status: Literal["published", "held"] = "published"
    notices: list[Notice] = []
    offers: list[SideEffectOffer] = []


ReactionKind = Literal["support", "helpful", "same_here"]


class CommentBody(BaseModel):
    """POST /v1/posts/{id}/comments."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=5_000)
    language: Language | None = None  # not given: the feed tells it from the words
    parent_id: UUID | None = None  # a reply to this comment of the same post
    voice_note_id: UUID | None = None  # one of the caller's, on no post or comment yet


class AddComment(CommentBody):
    post_id: UUID


class CommentAccepted(BaseModel):
    comment_id: UUID
    notices: list[Notice] = []
    offers: list[SideEffectOffer] = []


class React(BaseModel):
    """PUT or DELETE /v1/posts/{id}/reactions/{kind}."""

    model_config = ConfigDict(extra="forbid")

    post_id: UUID
    kind: ReactionKind


class Reactions(BaseModel):
    """A post's reactions: how many of each kind, and the caller's own."""

    counts: dict[str, int]
    mine: list[str]


class Comment(BaseModel):
    comment_id: UUID
    author: "Author"
    body: str
    language: str
    created_at: datetime
    professional_answer: bool  # a verified professional's comment on a question
    replies: list["Comment"] = []
    # hidden: a moderator took it down; others see a placeholder in its place
    status: Literal["published", "hidden"] = "published"
    voice_note_id: UUID | None = None  # GET /v1/media/voice-notes/{id} plays it


class AskDrugQuery(BaseModel):
    """POST /v1/drug-queries."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    medicine: str = Field(min_length=2, max_length=200)
    question: str = Field(min_length=5, max_length=5_000)
    language: Language = "en"


class DrugQueryAccepted(BaseModel):
    query_id: UUID
    notices: list[Notice] = []
    offers: list[SideEffectOffer] = []


class AnswerBody(BaseModel):
    """POST /v1/drug-queries/{id}/answer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=5, max_length=10_000)
    references: list[Annotated[str, Field(max_length=500)]] = Field(default=[], max_length=20)


class AnswerDrugQuery(AnswerBody):
    query_id: UUID


class DrugQueryRef(BaseModel):
    query_id: UUID


class DrugQueriesQuery(BaseModel):
    """GET /v1/drug-queries (reviewers) and GET /v1/me/drug-queries."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "answered"] | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class DrugAnswer(BaseModel):
    body: str
    references: list[str]
    answered_at: datetime
    by: str  # always the team, never a person's name: "verified drug-information team"
    verified: bool = True


class DrugQuery(BaseModel):
    query_id: UUID
    medicine: str
    question: str
    language: str
    asked_at: datetime
    status: Literal["open", "answered"]
    age_hours: float  # since it was asked (until it was answered)
    overdue: bool  # open past the team's time to answer (DRUG_QUERY_SLA_HOURS)
    answer: DrugAnswer | None = None


class DrugQueries(BaseModel):
    items: list[DrugQuery]
    next_cursor: str | None


class SchemesQuery(BaseModel):
    """GET /v1/schemes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=40, pattern=r"^[a-z-]+$")
    need: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_]+$")


class SchemeRef(BaseModel):
    scheme_id: UUID


class SchemeView(BaseModel):
    """One scheme, in the caller's language (English where it has no translation)."""

    scheme_id: UUID
    slug: str
    name: str
    covers: str
    eligibility: str
    how_to_apply: str
    documents: str
    helpline: str
    link: str
    needs: list[str]
    states: list[str]


class Schemes(BaseModel):
    items: list[SchemeView]


class NotificationsQuery(BaseModel):
    """GET /v1/me/notifications."""

    model_config = ConfigDict(extra="forbid")

    unread: bool | None = None  # only the unread ones
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class MarkRead(BaseModel):
    """POST /v1/me/notifications/read."""

    model_config = ConfigDict(extra="forbid")

    ids: list[UUID] = Field(min_length=1, max_length=100)


class Notification(BaseModel):
    notification_id: UUID
    kind: str
    text: str  # in the caller's language
    link: str  # the API path of what it is about
    created_at: datetime
    read: bool


class Notifications(BaseModel):
    items: list[Notification]
    unread_count: int
    next_cursor: str | None = None


FlagReason = Literal["spam", "misinformation", "harassment", "personal_information",
                     "self_harm", "other"]


class FlagBody(BaseModel):
    """POST /v1/comments/{id}/flags."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: FlagReason
    note: str | None = Field(default=None, max_length=1000)


class FlagPost(FlagBody):
    """POST /v1/flags: a post or a comment."""

    target_type: Literal["post", "comment"]
    target_id: UUID


class FlagComment(FlagBody):
    comment_id: UUID


class FlagAccepted(BaseModel):
    flag_id: UUID


class ModerationQueueQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=64, pattern=r"^[a-z_]+$")
    flagger: UUID | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class ModerationItem(BaseModel):
    """A post or a comment waiting for a moderator: held, or flagged and not decided yet."""

    item_id: UUID  # the post's or the comment's id: one item each
    item_type: Literal["post", "comment"] = "post"
    post_id: UUID  # the post, or the post the comment is on
    community: str  # the post's
    status: Literal["published", "held", "hidden"]
    title: str | None  # the post's (a comment's item: the title of the post it is on)
    body: str  # the post's or the comment's
    author_id: UUID
    author_name: str  # as the feed shows it ("former member" once erased)
    reasons: list[str]
    flags: int
    urgent: bool
    since: datetime  # the oldest open flag or hold


class ModerationQueue(BaseModel):
    items: list[ModerationItem]
    next_cursor: str | None


class ScopeBody(BaseModel):
    """PUT /v1/admin/moderators/{user_id}/communities: [] moderates every community."""

    model_config = ConfigDict(extra="forbid")

    communities: list[Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9-]+$")]] = Field(
        max_length=27)


class ScopeModerator(ScopeBody):
    user_id: UUID


class ModeratorScope(BaseModel):
    user_id: UUID
    communities: list[str]  # empty: every community


Slug = Annotated[str, Field(max_length=64, pattern=r"^[a-z0-9-]+$")]
Link = Annotated[str, Field(max_length=500, pattern=r"^https://[^\s]+$")]


class AddResource(BaseModel):
    """POST /v1/resources (admin)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    kind: Literal["video", "written"]
    organisation: str = Field(min_length=2, max_length=200)
    language: Language = "en"
    communities: list[Slug] = Field(default=[], max_length=27)
    link: Link
    summary: str | None = Field(default=None, max_length=2000)


class ResourcesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9-]+$")
    language: Language | None = None
    q: str | None = Field(default=None, max_length=100)


class ResourceRef(BaseModel):
    resource_id: UUID


class Resource(AddResource):
    resource_id: UUID
    added_at: datetime


class Resources(BaseModel):
    items: list[Resource]


class ScheduleGathering(BaseModel):
    """POST /v1/events (admin): a place, an online link, or both."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    kind: Literal["workshop", "webinar", "regional_meeting", "annual_conference",
                  "health_day"]
    starts_at: datetime
    ends_at: datetime | None = None
    place: str | None = Field(default=None, max_length=300)
    online_link: str | None = Field(default=None, max_length=500, pattern=r"^https://[^\s]+$")
    language: Language = "en"
    communities: list[Slug] = Field(default=[], max_length=27)
    summary: str | None = Field(default=None, max_length=2000)


class GatheringsQuery(BaseModel):
    """GET /v1/events: upcoming from `from` (now when not given)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    starting: datetime | None = Field(default=None, alias="from")
    community: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9-]+$")


class GatheringRef(BaseModel):
    gathering_id: UUID


class Gathering(ScheduleGathering):
    gathering_id: UUID


class Gatherings(BaseModel):
    items: list[Gathering]


class SearchQuery(BaseModel):
    """GET /v1/search."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    q: str = Field(min_length=2, max_length=200)
    limit: int = Field(default=20, ge=1, le=50)
    cursor: str | None = Field(default=None, max_length=200)  # the last page's next_cursor


class Found(BaseModel):
    kind: Literal["post", "comment", "story", "resource", "scheme"]
    id: UUID
    title: str | None
    snippet: str
    link: str  # the API path of what was found


class SearchResults(BaseModel):
    items: list[Found]
    next_cursor: str | None = None  # best first: the next page of matches, when there is one


class DecisionBody(BaseModel):
    """POST /v1/moderation/items/{id}/decision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["hide", "restore", "dismiss"]
    note: str = Field(min_length=1, max_length=2000)


class Decide(DecisionBody):
    item_id: UUID


class Decision(BaseModel):
    item_id: UUID
    decision: str
    status: Literal["published", "held", "hidden"]


class FeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    community: str = Field(default=COMMON, max_length=64, pattern=r"^[a-z0-9-]+$")
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class MyFeedQuery(BaseModel):
    """GET /v1/me/feed: the common feed and the communities one follows."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class CommunityRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    community: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")


class Following(BaseModel):
    """The caller's follow of one community, after following or unfollowing it."""

    community: str
    following: bool


class Follows(BaseModel):
    """GET /v1/me/follows: the communities the caller follows, by slug."""

    items: list[str]


class Author(BaseModel):
    user_id: UUID | None
    display_name: str
    verified: bool = False
    profession: str | None = None


class FeedItem(BaseModel):
    post_id: UUID
    community: str
    kind: str
    title: str | None
    body: str
    language: str
    author: Author
    created_at: datetime
    story_id: UUID | None = None  # a post of kind `story`: the voices' story it shows


class FeedPage(BaseModel):
    items: list[FeedItem]
    next_cursor: str | None


class Community(BaseModel):
    id: UUID
    slug: str
    name: str
    description: str
    post_count: int = 0
    member_count: int = 0  # people who follow it


class Communities(BaseModel):
    items: list[Community]


class PostView(FeedItem):
    """GET /v1/posts/{id}: the post with its comments (replies nested under the comment
    they answer) and its reactions."""

    status: Literal["published", "held", "hidden", "deleted"] = "published"
    edited_at: datetime | None = None  # the author changed it: GET …/history
    comments: list[Comment] = []
    reactions: Reactions
    voice_note_id: UUID | None = None  # GET /v1/media/voice-notes/{id} plays it


Comment.model_rebuild()


class UploadVoiceNote(BaseModel):
    """POST /v1/media/voice-notes: the file's bytes, base64 (RPC bodies are JSON)."""

    model_config = ConfigDict(extra="forbid")

    data_b64: str = Field(min_length=1, max_length=MAX_VOICE_NOTE_B64)
    filename: str | None = Field(default=None, max_length=200)  # kept nowhere: not trusted


class VoiceNoteAccepted(BaseModel):
    voice_note_id: UUID
    duration_s: float
    content_type: str


class VoiceNoteRef(BaseModel):
    voice_note_id: UUID


class VoiceNote(BaseModel):
    """What a voice note is, before its bytes are asked for."""

    voice_note_id: UUID
    content_type: str
    duration_s: float
    size: int


class VoiceNoteRange(BaseModel):
    """Bytes of a voice note, from `start`, at most MAX_VOICE_CHUNK of them."""

    model_config = ConfigDict(extra="forbid")

    voice_note_id: UUID
    start: int = Field(default=0, ge=0, le=MAX_VOICE_NOTE_BYTES)
    length: int = Field(default=MAX_VOICE_CHUNK, ge=1, le=MAX_VOICE_CHUNK)
