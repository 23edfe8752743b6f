"""Ratings routes of the public API (../shared/API.md, Ratings): the providers directory,
one rating per person per provider, reviews and the rated professional's reply."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.responses import Response

from contracts.ratings.messages import (
    DecideProvider,
    DecisionBody,
    Designate,
    Designated,
    FlagBody,
    FlagReview,
    HeldQuery,
    HeldRatings,
    Moderated,
    ModerateRating,
    ModerationBody,
    MyRating,
    MyRatings,
    MyRatingsQuery,
    PendingProviders,
    PendingQuery,
    ProviderAccepted,
    ProviderDecision,
    ProviderRef,
    ProvidersPage,
    ProvidersQuery,
    ProviderView,
    RateBody,
    RateProvider,
    RatingAccepted,
    Replied,
    ReplyBody,
    ReplyToReview,
    ReviewFlagAccepted,
    Reviews,
    ReviewsQuery,
    SuggestProvider,
    Withdrawn,
)
from contracts.subjects import rpc
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES

router = APIRouter(prefix="/v1", responses=RESPONSES)  # type: ignore[arg-type]
Text = Annotated[str | None, Query(max_length=100)]
Place = Annotated[str | None, Query(max_length=80)]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=200)]


@router.get("/providers", response_model=ProvidersPage, tags=["ratings"])
async def providers(caller: CallerDep, bus: BusDep,
                    kind: Literal["doctor", "hospital", "scheme"] | None = None,
                    q: Text = None, city: Place = None, state: Place = None,
                    speciality: Place = None,
                    sort: Literal["score", "count", "recent"] = "score",
                    limit: Limit = 20, cursor: Cursor = None) -> Response:
    """Doctors, hospitals and clinics, and government schemes, with their scores; searched
    by name, city, state and speciality; by score (Bayesian, SCORES.md), count or recency."""
    return await bus.forward(rpc("ratings", "list_providers"), caller, ProvidersQuery(
        kind=kind, q=q, city=city, state=state, speciality=speciality, sort=sort,
        limit=limit, cursor=cursor))


@router.get("/providers/{provider_id}", response_model=ProviderView, tags=["ratings"])
async def provider(provider_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """A provider's profile and `rating`: score, average, count, histogram, criteria,
    percentile within its kind and how sure the score is."""
    return await bus.forward(rpc("ratings", "get_provider"), caller,
                             ProviderRef(provider_id=provider_id))


@router.post("/providers", status_code=201, response_model=ProviderAccepted, tags=["ratings"])
async def suggest(body: SuggestProvider, caller: CallerDep, bus: BusDep) -> Response:
    """Suggest a doctor, hospital or clinic (pending until an admin approves); an admin's
    is listed at once."""
    return await bus.forward(rpc("ratings", "suggest_provider"), caller, body)


@router.post("/admin/providers/{provider_id}/decision", response_model=ProviderDecision,
             tags=["ratings"])
async def decide(provider_id: UUID, body: DecisionBody, caller: CallerDep,
                 bus: BusDep) -> Response:
    return await bus.forward(rpc("ratings", "decide_provider"), caller,
                             DecideProvider(provider_id=provider_id, **body.model_dump()))


@router.get("/admin/providers/pending", response_model=PendingProviders, tags=["ratings"])
async def pending(caller: CallerDep, bus: BusDep, limit: Limit = 20,
                  cursor: Cursor = None) -> Response:
    """Providers members suggested that wait for an admin's decision, oldest first
    (admins and moderators)."""
    return await bus.forward(rpc("ratings", "pending_providers"), caller,
                             PendingQuery(limit=limit, cursor=cursor))


@router.put("/providers/{provider_id}/my-rating", response_model=RatingAccepted,
            tags=["ratings"])
async def rate(provider_id: UUID, body: RateBody, caller: CallerDep, bus: BusDep) -> Response:
    """Your one rating of a provider (a second PUT revises it). A rating held for a
    moderator (a burst, a new account, contact details) is accepted with the reason."""
    return await bus.forward(rpc("ratings", "rate_provider"), caller,
                             RateProvider(provider_id=provider_id, **body.model_dump()))


@router.get("/providers/{provider_id}/my-rating", response_model=MyRating, tags=["ratings"])
async def my_rating(provider_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Your one active rating of a provider and where it stands: counted, held for a
    moderator (the notices say why) or hidden by one; 404 when you have none."""
    return await bus.forward(rpc("ratings", "my_rating"), caller,
                             ProviderRef(provider_id=provider_id))


@router.get("/me/ratings", response_model=MyRatings, tags=["ratings"])
async def my_ratings(caller: CallerDep, bus: BusDep, limit: Limit = 20,
                     cursor: Cursor = None) -> Response:
    """Every active rating you gave, the latest given or revised first, each with where it
    stands (counted, held for a moderator and why, or hidden by one)."""
    return await bus.forward(rpc("ratings", "my_ratings"), caller,
                             MyRatingsQuery(limit=limit, cursor=cursor))


@router.delete("/providers/{provider_id}/my-rating", response_model=Withdrawn,
               tags=["ratings"])
async def withdraw(provider_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    return await bus.forward(rpc("ratings", "withdraw_rating"), caller,
                             ProviderRef(provider_id=provider_id))


@router.get("/providers/{provider_id}/reviews", response_model=Reviews, tags=["ratings"])
async def reviews(provider_id: UUID, caller: CallerDep, bus: BusDep, limit: Limit = 20,
                  cursor: Cursor = None) -> Response:
    """Published reviews, newest first, each with the professional's reply."""
    return await bus.forward(rpc("ratings", "provider_reviews"), caller, ReviewsQuery(
        provider_id=provider_id, limit=limit, cursor=cursor))


@router.post("/providers/{provider_id}/reviews/{review_id}/reply", status_code=201,
             response_model=Replied, tags=["ratings"])
async def reply(provider_id: UUID, review_id: UUID, body: ReplyBody, caller: CallerDep,
                bus: BusDep) -> Response:
    """The rated verified professional answers a review, once."""
    return await bus.forward(rpc("ratings", "reply_to_review"), caller, ReplyToReview(
        provider_id=provider_id, rating_id=review_id, **body.model_dump()))


@router.get("/moderation/ratings", response_model=HeldRatings, tags=["moderation"])
async def held(caller: CallerDep, bus: BusDep, provider_id: UUID | None = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    """Ratings held for a moderator, oldest first: they do not count until released."""
    return await bus.forward(rpc("ratings", "held_ratings"), caller,
                             HeldQuery(provider_id=provider_id, limit=limit))


@router.post("/moderation/ratings/{rating_id}/decision", response_model=Moderated,
             tags=["moderation"])
async def moderate(rating_id: UUID, body: ModerationBody, caller: CallerDep,
                   bus: BusDep) -> Response:
    """release (it counts from now) or hide (it stops counting, its review is not shown)."""
    return await bus.forward(rpc("ratings", "moderate_rating"), caller,
                             ModerateRating(rating_id=rating_id, **body.model_dump()))


@router.post("/providers/{provider_id}/reviews/{review_id}/flags", status_code=201,
             response_model=ReviewFlagAccepted, tags=["moderation"])
async def flag(provider_id: UUID, review_id: UUID, body: FlagBody, caller: CallerDep,
               bus: BusDep) -> Response:
    """Ask the moderators to look at a review, once; it counts until they hide it."""
    return await bus.forward(rpc("ratings", "flag_review"), caller, FlagReview(
        provider_id=provider_id, rating_id=review_id, **body.model_dump()))


@router.put("/admin/providers/{provider_id}/representatives/{user_id}",
            response_model=Designated, tags=["ratings"])
async def designate(provider_id: UUID, user_id: UUID, caller: CallerDep,
                    bus: BusDep) -> Response:
    """Make a member the representative of a hospital, clinic or scheme: they reply to its
    reviews and may not rate it."""
    return await bus.forward(rpc("ratings", "designate_representative"), caller,
                             Designate(provider_id=provider_id, user_id=user_id))
