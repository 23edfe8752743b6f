"""Events of the ratings context: the providers directory, ratings, their moderation and
the professionals' replies."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class ProviderAdded(Event):
    """A doctor, hospital or clinic added to the directory: `listed` when an admin adds it,
    `pending` when a member suggests it (an admin decides)."""

    event_type: ClassVar[str] = "ProviderAdded"
    subject: ClassVar[str] = "ratings.provider.added"

    provider_id: UUID
    kind: str  # doctor, hospital
    name: str
    status: str  # listed, pending
    added_by: UUID
    city: str | None = None
    state: str | None = None
    pincode: str | None = None
    speciality: str | None = None
    type: str | None = None  # a hospital's: government, private, charitable


class ProviderDecided(Event):
    """An admin approved (listed) or rejected a suggested provider."""

    event_type: ClassVar[str] = "ProviderDecided"
    subject: ClassVar[str] = "ratings.provider.decided"

    provider_id: UUID
    decision: str  # approve, reject
    reason: str
    decided_by: UUID


class ProviderRated(Event):
    """A person's one rating of a provider. `held`: kept back for a moderator (a burst, a
    new account, contact details in the review) and not counted until released."""

    event_type: ClassVar[str] = "ProviderRated"
    subject: ClassVar[str] = "ratings.provider.rated"

    rating_id: UUID
    provider_id: UUID
    kind: str
    rater_id: UUID
    stars: int
    criteria: dict[str, int]
    review: str | None = None  # encrypted with the rater's data key (kit.personal)
    language: str
    rated_at: datetime  # the service's clock (injectable), what the 24-month window reads
    held: list[str] = []  # the reasons it is held; empty: it counts


class RatingRevised(ProviderRated):
    """The rater changed their rating (the whole rating again)."""

    event_type: ClassVar[str] = "RatingRevised"
    subject: ClassVar[str] = "ratings.provider.rating_revised"


class RatingWithdrawn(Event):
    event_type: ClassVar[str] = "RatingWithdrawn"
    subject: ClassVar[str] = "ratings.provider.rating_withdrawn"

    rating_id: UUID
    provider_id: UUID
    rater_id: UUID


class RatingModerated(Event):
    """A moderator released a held or flagged rating (it counts from now, its flags
    closed) or hid it (it stops counting and its review is no longer shown)."""

    event_type: ClassVar[str] = "RatingModerated"
    subject: ClassVar[str] = "ratings.provider.rating_moderated"

    rating_id: UUID
    provider_id: UUID
    decision: str  # release, hide
    moderator_id: UUID


class ReviewReplied(Event):
    """The rated professional answered a review, once."""

    event_type: ClassVar[str] = "ReviewReplied"
    subject: ClassVar[str] = "ratings.provider.review_replied"

    rating_id: UUID
    provider_id: UUID
    replier_id: UUID
    text: str


class RepresentativeDesignated(Event):
    """An admin made a member the representative of a hospital, clinic or scheme: they may
    reply to its reviews, and may not rate it (their own workplace)."""

    event_type: ClassVar[str] = "RepresentativeDesignated"
    subject: ClassVar[str] = "ratings.provider.representative_designated"

    provider_id: UUID
    user_id: UUID
    designated_by: UUID


class ReviewFlagged(Event):
    """A member asked the moderators to look at a review (it counts until hidden)."""

    event_type: ClassVar[str] = "ReviewFlagged"
    subject: ClassVar[str] = "ratings.provider.review_flagged"

    rating_id: UUID
    provider_id: UUID
    flagger_id: UUID
    reason: str


REGISTRY = EventRegistry([ProviderAdded, ProviderDecided, ProviderRated, RatingRevised,
                          RatingWithdrawn, RatingModerated, ReviewReplied,
                          RepresentativeDesignated, ReviewFlagged])
