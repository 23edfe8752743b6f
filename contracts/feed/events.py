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


REGISTRY = EventRegistry([PostCreated])
