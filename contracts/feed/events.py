"""Events of the feed context."""

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


REGISTRY = EventRegistry([PostCreated, CommunityFollowed, CommunityUnfollowed])
