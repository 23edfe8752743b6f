"""Request and reply bodies of the ratings service (../shared/API.md, Ratings)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.identity.messages import Language

Kind = Literal["doctor", "hospital", "scheme"]
HospitalType = Literal["government", "private", "charitable"]
# What each kind of provider is rated on, besides its stars (1-5 each, all optional).
CRITERIA: dict[str, tuple[str, ...]] = {
    "doctor": ("explanation", "listening", "waiting_time", "cost_transparency"),
    "hospital": ("cleanliness", "staff_behaviour", "waiting_time", "billing_transparency"),
    "scheme": ("ease_of_enrolment", "claim_or_benefit_received", "grievance_handling",
               "helpline"),
}
Place = Field(default=None, min_length=2, max_length=80)


class SuggestProvider(BaseModel):
    """POST /v1/providers: a doctor or a hospital or clinic (schemes come from the schemes
    directory). An admin's is listed at once; anyone else's waits for an admin."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["doctor", "hospital"]
    name: str = Field(min_length=2, max_length=200)
    city: str | None = Place
    state: str | None = Place
    pincode: str | None = Field(default=None, max_length=6, pattern=r"^[1-9][0-9]{5}$")
    speciality: str | None = Field(default=None, min_length=2, max_length=80)
    type: HospitalType | None = None

    @model_validator(mode="after")
    def _hospital_has_place_and_type(self) -> "SuggestProvider":
        if self.kind == "hospital" and not (self.city and self.state and self.type):
            raise ValueError("a hospital or clinic needs its city, state and type")
        if self.kind == "doctor" and self.type is not None:
            raise ValueError("type is a hospital's (government, private or charitable)")
        return self


class ProviderAccepted(BaseModel):
    provider_id: UUID
    status: Literal["listed", "pending"]


class DecisionBody(BaseModel):
    """POST /v1/admin/providers/{id}/decision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["approve", "reject"]
    reason: str = Field(min_length=1, max_length=500)


class DecideProvider(DecisionBody):
    provider_id: UUID


class ProviderDecision(BaseModel):
    provider_id: UUID
    status: Literal["listed", "rejected"]


class ProvidersQuery(BaseModel):
    """GET /v1/providers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Kind | None = None
    q: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=80)
    state: str | None = Field(default=None, max_length=80)
    speciality: str | None = Field(default=None, max_length=80)
    sort: Literal["score", "count", "recent"] = "score"
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class ProviderRef(BaseModel):
    provider_id: UUID


class PendingQuery(BaseModel):
    """GET /v1/admin/providers/pending: suggestions waiting for an admin, oldest first."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class PendingProvider(BaseModel):
    provider_id: UUID
    kind: Kind
    name: str
    status: Literal["pending"]
    city: str | None = None
    state: str | None = None
    pincode: str | None = None
    speciality: str | None = None
    type: str | None = None
    added_at: datetime  # when it was suggested


class PendingProviders(BaseModel):
    items: list[PendingProvider]
    next_cursor: str | None


class Confidence(BaseModel):
    """How sure the score is (SCORES.md): a level and a 95% credible interval."""

    level: Literal["no ratings", "few ratings", "some ratings", "many ratings"]
    interval: list[float] | None  # [low, high]


class Prior(BaseModel):
    mean: float  # the kind's mean of counted stars
    weight: int  # C: how many ratings' worth the prior counts for


class Score(BaseModel):
    score: float | None  # the Bayesian average: what is shown
    average: float | None  # the raw mean of the counted stars
    count: int
    histogram: dict[str, int]  # "1".."5" -> how many
    criteria: dict[str, float]  # criterion -> its mean
    percentile: float | None  # within the kind
    confidence: Confidence
    prior: Prior


class ProviderView(BaseModel):
    provider_id: UUID
    kind: Kind
    name: str
    status: str  # listed, pending, rejected
    city: str | None = None
    state: str | None = None
    pincode: str | None = None
    speciality: str | None = None
    type: str | None = None
    rating: Score


class ProvidersPage(BaseModel):
    items: list[ProviderView]
    next_cursor: str | None


class RateBody(BaseModel):
    """PUT /v1/providers/{id}/my-rating: one rating per person per provider."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stars: int = Field(ge=1, le=5)
    criteria: dict[str, int] = Field(default_factory=dict, max_length=4)
    review: str | None = Field(default=None, max_length=4000)
    language: Language = "en"

    @model_validator(mode="after")
    def _criteria_stars(self) -> "RateBody":
        for name, stars in self.criteria.items():
            if len(name) > 40 or not 1 <= stars <= 5:
                raise ValueError(f"criterion {name[:40]}: 1 to 5 stars")
        return self


class RateProvider(RateBody):
    provider_id: UUID


class Notice(BaseModel):
    reason: str  # burst, new_account, unknown_account, contact_details, keyword
    message: str


class RatingAccepted(BaseModel):
    rating_id: UUID
    status: Literal["counted", "held"]
    revised: bool
    notices: list[Notice]


class Withdrawn(BaseModel):
    rating_id: UUID
    status: Literal["withdrawn"]


class ReviewsQuery(BaseModel):
    provider_id: UUID
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class ReplyView(BaseModel):
    text: str
    replied_at: datetime


class MyRatingsQuery(BaseModel):
    """GET /v1/me/ratings: your active ratings, the latest given or revised first."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=200)


class MyRating(BaseModel):
    """GET /v1/providers/{id}/my-rating: your one active rating of the provider and where
    it stands: counted, held for a moderator (`notices` say why) or hidden by one."""

    rating_id: UUID
    provider_id: UUID
    stars: int
    criteria: dict[str, int]
    review: str | None
    language: str
    rated_at: datetime
    status: Literal["counted", "held", "hidden"]
    notices: list[Notice]
    reply: ReplyView | None


class MyRatingItem(MyRating):
    provider_name: str
    kind: Kind


class MyRatings(BaseModel):
    items: list[MyRatingItem]
    next_cursor: str | None


class ReviewView(BaseModel):
    rating_id: UUID
    stars: int
    criteria: dict[str, int]
    review: str | None
    language: str
    rated_at: datetime
    reply: ReplyView | None


class Reviews(BaseModel):
    items: list[ReviewView]
    next_cursor: str | None


class ReplyBody(BaseModel):
    """POST /v1/providers/{id}/reviews/{review_id}/reply."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=2000)


class ReplyToReview(ReplyBody):
    provider_id: UUID
    rating_id: UUID


class Replied(BaseModel):
    rating_id: UUID
    reply: ReplyView


class FlagBody(BaseModel):
    """POST /v1/providers/{id}/reviews/{review_id}/flags."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Literal["false_information", "abusive", "contact_details",
                    "conflict_of_interest", "spam", "other"]


class FlagReview(FlagBody):
    provider_id: UUID
    rating_id: UUID


class ReviewFlagAccepted(BaseModel):
    rating_id: UUID
    flagged: bool


class Designate(BaseModel):
    """PUT /v1/admin/providers/{id}/representatives/{user_id}."""

    provider_id: UUID
    user_id: UUID


class Designated(BaseModel):
    provider_id: UUID
    user_id: UUID


class HeldQuery(BaseModel):
    """GET /v1/moderation/ratings: held and flagged ratings, oldest first."""

    model_config = ConfigDict(extra="forbid")

    provider_id: UUID | None = None
    limit: int = Field(default=50, ge=1, le=200)


class HeldRating(BaseModel):
    rating_id: UUID
    provider_id: UUID
    stars: int
    review: str | None
    held: list[str]
    flags: int  # open flags from members
    rated_at: datetime


class HeldRatings(BaseModel):
    items: list[HeldRating]


class ModerationBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: Literal["release", "hide"]
    note: str = Field(default="", max_length=500)


class ModerateRating(ModerationBody):
    rating_id: UUID


class Moderated(BaseModel):
    rating_id: UUID
    status: Literal["counted", "hidden"]
