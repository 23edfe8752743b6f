"""Events the feed keeps in its own store and never publishes, beside those of
`contracts.feed.events`; `REGISTRY` reads the feed's store."""

from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry
from contracts.feed.events import REGISTRY as PUBLISHED


class NotificationsRead(Event):
    """Someone read some of their notifications (stays in the feed's store)."""

    event_type: ClassVar[str] = "NotificationsRead"
    subject: ClassVar[str] = "feed.notifications.read"
    published: ClassVar[bool] = False

    user_id: UUID
    notification_ids: list[UUID]


REGISTRY = PUBLISHED.merged(EventRegistry([NotificationsRead]))
