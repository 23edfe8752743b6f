"""Events of the identity context. Personal fields hold ciphertext (see kit.personal)."""

from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class AccountRegistered(Event):
    event_type: ClassVar[str] = "AccountRegistered"
    subject: ClassVar[str] = "identity.account.registered"

    user_id: UUID
    role: str
    preferred_language: str
    display_name: str  # encrypted with the person's data key
    email: str | None = None  # encrypted
    phone: str | None = None  # encrypted


REGISTRY = EventRegistry([AccountRegistered])
