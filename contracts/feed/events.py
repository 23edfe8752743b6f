"""Events of the feed context."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class PostCreated(Event):
    event_type: ClassVar[str] = "PostCreated"
    subject: ClassVar[str] = "feed.post.created"

    post_id: UUID
    author_id: UUID
    community: str  # a community slug, or "common"
    kind: str
    title: str | None = None
    body: str
    language: str
    voice_note_id: UUID | None = None


class CommunityFollowed(Event):
    """Someone follows a community: its posts come into their feed."""

    event_type: ClassVar[str] = "CommunityFollowed"
    subject: ClassVar[str] = "feed.member.followed"

    user_id: UUID
    community: str  # a community slug


class CommunityUnfollowed(Event):
    event_type: ClassVar[str] = "CommunityUnfollowed"
    subject: ClassVar[str] = "feed.member.unfollowed"

    user_id: UUID
    community: str


class PostHeld(Event):
    """The guidelines' screening held a new post for a moderator before publication (with
    its PostCreated, in one append); `reasons` are GUIDELINES.md's rule names."""

    event_type: ClassVar[str] = "PostHeld"
    subject: ClassVar[str] = "feed.post.held"

    post_id: UUID
    reasons: list[str]


class PostFlagged(Event):
    """Someone (or, with no flagger, the screening) asks a moderator to look at a post;
    `urgent` puts it first in the queue (self-harm)."""

    event_type: ClassVar[str] = "PostFlagged"
    subject: ClassVar[str] = "feed.post.flagged"

    post_id: UUID
    flag_id: UUID
    reason: str
    flagger_id: UUID | None = None
    urgent: bool = False


class PostModerated(Event):
    """A moderator's decision on a post's open flags or hold: `hide` takes it out of every
    feed, `restore` publishes it, `dismiss` closes the flags and leaves it as it was."""

    event_type: ClassVar[str] = "PostModerated"
    subject: ClassVar[str] = "feed.post.moderated"

    post_id: UUID
    moderator_id: UUID
    decision: str  # hide, restore or dismiss
    note: str


class CommentAdded(Event):
    """A comment on a post, or a reply to one of its comments (one level of replies)."""

    event_type: ClassVar[str] = "CommentAdded"
    subject: ClassVar[str] = "feed.comment.added"

    comment_id: UUID
    post_id: UUID
    author_id: UUID
    parent_id: UUID | None = None  # the comment replied to
    body: str
    language: str
    voice_note_id: UUID | None = None


class CommentFlagged(Event):
    """Someone asks a moderator to look at a comment (once per person and comment);
    `urgent` puts it first in the queue (self-harm)."""

    event_type: ClassVar[str] = "CommentFlagged"
    subject: ClassVar[str] = "feed.comment.flagged"

    comment_id: UUID
    post_id: UUID  # the post it is on
    flag_id: UUID
    reason: str
    flagger_id: UUID
    urgent: bool = False


class CommentModerated(Event):
    """A moderator's decision on a comment: `hide` takes its words off the post page and
    out of search (a placeholder keeps the thread), `restore` shows it again, `dismiss`
    closes its open flags."""

    event_type: ClassVar[str] = "CommentModerated"
    subject: ClassVar[str] = "feed.comment.moderated"

    comment_id: UUID
    post_id: UUID
    moderator_id: UUID
    decision: str  # hide, restore or dismiss
    note: str


class ReactionAdded(Event):
    event_type: ClassVar[str] = "ReactionAdded"
    subject: ClassVar[str] = "feed.reaction.added"

    post_id: UUID
    user_id: UUID
    kind: str  # support, helpful or same_here


class ReactionRemoved(Event):
    event_type: ClassVar[str] = "ReactionRemoved"
    subject: ClassVar[str] = "feed.reaction.removed"

    post_id: UUID
    user_id: UUID
    kind: str


class DrugQueryAsked(Event):
    """Someone asks the pharmacists' drug-information team about a medicine."""

    event_type: ClassVar[str] = "DrugQueryAsked"
    subject: ClassVar[str] = "feed.drug_query.asked"

    query_id: UUID
    asker_id: UUID
    medicine: str
    question: str
    language: str


class DrugQueryAnswered(Event):
    """A pharmacist reviewer's answer, with the references it rests on."""

    event_type: ClassVar[str] = "DrugQueryAnswered"
    subject: ClassVar[str] = "feed.drug_query.answered"

    query_id: UUID
    asker_id: UUID  # whom to tell (notifications)
    reviewer_id: UUID
    body: str
    references: list[str] = []


class SchemeListed(Event):
    """A government health scheme in the directory (ratings make it rateable). Texts are
    by language: `name` {"en": …, "hi": …}; `details` {field: {language: text}} for
    covers, eligibility, how_to_apply and documents."""

    event_type: ClassVar[str] = "SchemeListed"
    subject: ClassVar[str] = "feed.scheme.listed"

    scheme_id: UUID
    slug: str
    name: dict[str, str]
    details: dict[str, dict[str, str]]
    helpline: str
    link: str
    needs: list[str]
    states: list[str]  # "all" for a central scheme


class SchemeRevised(SchemeListed):
    """The scheme's facts as they are now (the whole entry again)."""

    event_type: ClassVar[str] = "SchemeRevised"
    subject: ClassVar[str] = "feed.scheme.revised"


class ModeratorScoped(Event):
    """An admin limits a moderator to some communities (a partner patient organisation
    moderating its own); an empty list lifts the limit."""

    event_type: ClassVar[str] = "ModeratorScoped"
    subject: ClassVar[str] = "feed.moderator.scoped"

    user_id: UUID
    communities: list[str]


class ResourceAdded(Event):
    """An admin adds a curated resource: a video or a written guide, by an organisation."""

    event_type: ClassVar[str] = "ResourceAdded"
    subject: ClassVar[str] = "feed.resource.added"

    resource_id: UUID
    title: str
    kind: str  # video or written
    organisation: str
    language: str
    communities: list[str]
    link: str
    summary: str | None = None


class ResourceRetired(Event):
    event_type: ClassVar[str] = "ResourceRetired"
    subject: ClassVar[str] = "feed.resource.retired"

    resource_id: UUID


class GatheringScheduled(Event):
    """A workshop, webinar, regional meeting, the annual conference or a health day."""

    event_type: ClassVar[str] = "GatheringScheduled"
    subject: ClassVar[str] = "feed.gathering.scheduled"

    gathering_id: UUID
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime | None = None
    place: str | None = None
    online_link: str | None = None
    language: str
    communities: list[str]
    summary: str | None = None


class GatheringCancelled(Event):
    event_type: ClassVar[str] = "GatheringCancelled"
    subject: ClassVar[str] = "feed.gathering.cancelled"

    gathering_id: UUID


class PostEdited(Event):
    """Its author changed a post: the earlier words stay in the post's stream (history)."""

    event_type: ClassVar[str] = "PostEdited"
    subject: ClassVar[str] = "feed.post.edited"

    post_id: UUID
    title: str | None = None
    body: str


class PostDeleted(Event):
    """Its author took a post down: it leaves every feed; the moderators' record keeps it."""

    event_type: ClassVar[str] = "PostDeleted"
    subject: ClassVar[str] = "feed.post.deleted"

    post_id: UUID


class VoiceNoteUploaded(Event):
    """Someone uploaded a voice note (its bytes are in the media store, under its id)."""

    event_type: ClassVar[str] = "VoiceNoteUploaded"
    subject: ClassVar[str] = "feed.voice_note.uploaded"

    voice_note_id: UUID
    owner_id: UUID
    content_type: str
    duration_s: float
    size: int


REGISTRY = EventRegistry([PostCreated, CommunityFollowed, CommunityUnfollowed, PostHeld,
                          PostFlagged, PostModerated, CommentAdded, ReactionAdded,
                          ReactionRemoved, DrugQueryAsked, DrugQueryAnswered, SchemeListed,
                          SchemeRevised, ModeratorScoped, ResourceAdded,
                          ResourceRetired, GatheringScheduled, GatheringCancelled, PostEdited,
                          PostDeleted, VoiceNoteUploaded, CommentFlagged, CommentModerated])
