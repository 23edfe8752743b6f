"""The ratings' use cases, in one table, and what its domain errors mean to a caller."""

from contracts.ratings.messages import (
    DecideProvider,
    Designate,
    FlagReview,
    HeldQuery,
    ModerateRating,
    MyRatingsQuery,
    PendingQuery,
    ProviderRef,
    ProvidersQuery,
    RateProvider,
    ReplyToReview,
    ReviewsQuery,
    SuggestProvider,
)
from contracts.roles import ADMIN, MEMBERS, MODERATOR
from contracts.subjects import rpc
from kit.usecases import ANYONE, ErrorMap, Handler
from ratings import domain
from ratings.handlers.providers import (
    decide_provider,
    get_provider,
    list_providers,
    pending_providers,
    suggest_provider,
)
from ratings.handlers.ratings import (
    designate_representative,
    flag_review,
    held_ratings,
    moderate_rating,
    my_rating,
    my_ratings,
    provider_reviews,
    rate_provider,
    reply_to_review,
    withdraw_rating,
)

VETTED = tuple(sorted(MEMBERS))  # applicants awaiting vetting do not rate
MODERATORS = (MODERATOR, ADMIN)

HANDLERS = {
    rpc("ratings", "suggest_provider"): Handler(suggest_provider, SuggestProvider,
                                                roles=VETTED, idempotent=True, status=201),
    rpc("ratings", "decide_provider"): Handler(decide_provider, DecideProvider, roles=(ADMIN,)),
    rpc("ratings", "list_providers"): Handler(list_providers, ProvidersQuery, roles=ANYONE),
    rpc("ratings", "get_provider"): Handler(get_provider, ProviderRef, roles=ANYONE),
    rpc("ratings", "pending_providers"): Handler(pending_providers, PendingQuery,
                                                 roles=MODERATORS),
    rpc("ratings", "rate_provider"): Handler(rate_provider, RateProvider, roles=VETTED,
                                             grouped=True),
    rpc("ratings", "my_rating"): Handler(my_rating, ProviderRef, roles=VETTED),
    rpc("ratings", "my_ratings"): Handler(my_ratings, MyRatingsQuery, roles=VETTED),
    rpc("ratings", "withdraw_rating"): Handler(withdraw_rating, ProviderRef, roles=VETTED),
    rpc("ratings", "provider_reviews"): Handler(provider_reviews, ReviewsQuery, roles=ANYONE),
    rpc("ratings", "reply_to_review"): Handler(reply_to_review, ReplyToReview, roles=VETTED,
                                               status=201),
    rpc("ratings", "flag_review"): Handler(flag_review, FlagReview, roles=VETTED, status=201),
    rpc("ratings", "designate_representative"): Handler(designate_representative, Designate,
                                                        roles=(ADMIN,)),
    rpc("ratings", "held_ratings"): Handler(held_ratings, HeldQuery, roles=MODERATORS),
    rpc("ratings", "moderate_rating"): Handler(moderate_rating, ModerateRating,
                                               roles=MODERATORS),
}

ERRORS: ErrorMap = {
    domain.NoSuchProviderError: 404,
    domain.NotRateableError: 409,
    domain.AlreadyDecidedError: 409,
    domain.CriterionError: 422,
    domain.RefusedError: 403,
    domain.NoRatingError: 404,
    domain.AccountErasedError: 403,
    domain.NoSuchReviewError: 404,
    domain.NotYoursToReplyError: 403,
    domain.AlreadyRepliedError: 409,
    domain.NothingToModerateError: 409,
    domain.AlreadyFlaggedError: 409,
    domain.NotRepresentableError: 422,
}
