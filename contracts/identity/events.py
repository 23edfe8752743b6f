"""Events of the identity context. Personal fields hold ciphertext (see kit.personal)."""

from datetime import datetime
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


class SandboxApplied(Event):
    """A new account's first-day limits, for every service that takes content."""

    event_type: ClassVar[str] = "SandboxApplied"
    subject: ClassVar[str] = "identity.account.sandboxed"

    user_id: UUID
    until: datetime
    posts_per_hour: int
    links_allowed: bool


class RolesChanged(Event):
    """The account's whole set of roles after the change."""

    event_type: ClassVar[str] = "RolesChanged"
    subject: ClassVar[str] = "identity.account.roles_changed"

    user_id: UUID
    roles: list[str]
    reason: str | None = None


class ProfessionalVerified(Event):
    """An admin vetted this professional's registration: patients may trust the badge."""

    event_type: ClassVar[str] = "ProfessionalVerified"
    subject: ClassVar[str] = "identity.account.professional_verified"

    user_id: UUID
    profession: str


class ConsentGiven(Event):
    event_type: ClassVar[str] = "ConsentGiven"
    subject: ClassVar[str] = "identity.account.consent_given"

    user_id: UUID
    purpose: str
    consent_version: str  # the version of the text the person agreed to


class ConsentWithdrawn(Event):
    event_type: ClassVar[str] = "ConsentWithdrawn"
    subject: ClassVar[str] = "identity.account.consent_withdrawn"

    user_id: UUID
    purpose: str


class PersonErased(Event):
    """The person's data key is destroyed: remove or pseudonymise what you hold of them."""

    event_type: ClassVar[str] = "PersonErased"
    subject: ClassVar[str] = "identity.account.erased"

    user_id: UUID


class SessionEnded(Event):
    """One session's tokens stop working: the person signed out, or its refresh token came
    back after it was used. Access tokens carry their session as the `sid` claim."""

    event_type: ClassVar[str] = "SessionEnded"
    subject: ClassVar[str] = "identity.account.session_ended"

    user_id: UUID
    session_id: UUID
    reason: str  # "signed_out" or "refresh_token_reused"


REGISTRY = EventRegistry([AccountRegistered, SandboxApplied, RolesChanged,
                          ProfessionalVerified, ConsentGiven, ConsentWithdrawn, PersonErased,
                          SessionEnded])
