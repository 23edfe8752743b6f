"""The ratings' rules: providers and ratings folded from their events, the decisions that
return new events, and the refusals a rater is told about. Pure: no I/O."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import singledispatch
from uuid import UUID, uuid5

from contracts.events import Event
from contracts.ratings.events import (
    ProviderAdded,
    ProviderDecided,
    ProviderRated,
    RatingModerated,
    RatingRevised,
    RatingWithdrawn,
    RepresentativeDesignated,
    ReviewFlagged,
    ReviewReplied,
)
from contracts.ratings.messages import CRITERIA, DecideProvider, RateProvider, SuggestProvider

NAMESPACE = UUID("5b0f7c52-8d7e-4b8e-a0f1-3c2d9e6a7b10")
LISTED, PENDING, REJECTED = "listed", "pending", "rejected"
COUNTED, HELD, HIDDEN, WITHDRAWN = "counted", "held", "hidden", "withdrawn"
BURST, NEW_ACCOUNT, UNKNOWN_ACCOUNT = "burst", "new_account", "unknown_account"


class RatingsError(Exception):
    field: str | None = None


class NoSuchProviderError(RatingsError):
    def __init__(self) -> None:
        super().__init__("there is no such provider in the directory")


class NotRateableError(RatingsError):
    def __init__(self) -> None:
        super().__init__("this provider is waiting for an admin's approval (or was "
                         "rejected) and cannot be rated yet")


class AlreadyDecidedError(RatingsError):
    def __init__(self) -> None:
        super().__init__("an admin has already decided on this provider")


class CriterionError(RatingsError):
    field = "criteria"


class RefusedError(RatingsError):
    """Who may not rate this provider (403), with why."""


class AccountErasedError(RatingsError):
    def __init__(self) -> None:
        super().__init__("this account's personal data was erased")


class NoRatingError(RatingsError):
    def __init__(self) -> None:
        super().__init__("you have no rating of this provider")


class NoSuchReviewError(RatingsError):
    def __init__(self) -> None:
        super().__init__("there is no such review of this provider")


class NotYoursToReplyError(RatingsError):
    def __init__(self) -> None:
        super().__init__("only the verified professional who was rated may reply to a "
                         "review of them")


class AlreadyRepliedError(RatingsError):
    def __init__(self) -> None:
        super().__init__("you have already replied to this review (once per review)")


class NothingToModerateError(RatingsError):
    def __init__(self) -> None:
        super().__init__("this rating is neither held nor flagged (release), or not shown "
                         "(hide)")


class AlreadyFlaggedError(RatingsError):
    def __init__(self) -> None:
        super().__init__("you have already flagged this review")


class NotRepresentableError(RatingsError):
    field = "provider_id"

    def __init__(self) -> None:
        super().__init__("only a hospital, clinic or scheme has representatives (a doctor "
                         "replies in person)")


def provider_stream(provider_id: UUID) -> str:
    return f"provider-{provider_id}"


def rating_id_of(provider_id: UUID, rater_id: UUID) -> UUID:
    """One rating per person per provider: its id (and stream) is made from both."""
    return uuid5(NAMESPACE, f"{provider_id}:{rater_id}")


def rating_stream(rating_id: UUID) -> str:
    return f"rating-{rating_id}"


# Providers

@dataclass(frozen=True)
class Provider:
    """A provider's own stream: added here (provider_id set), or only the representatives
    an admin designated for a provider another context publishes (a scheme)."""

    provider_id: UUID | None = None
    kind: str = ""
    status: str = ""
    representatives: frozenset[UUID] = frozenset()


def evolve_provider(state: Provider, event: Event) -> Provider:
    if isinstance(event, ProviderAdded):
        return replace(state, provider_id=event.provider_id, kind=event.kind,
                       status=event.status)
    if isinstance(event, RepresentativeDesignated):
        return replace(state, representatives=state.representatives | {event.user_id})
    if isinstance(event, ProviderDecided):
        return replace(state, status=LISTED if event.decision == "approve" else REJECTED)
    return state


def add_provider(state: Provider, provider_id: UUID, command: SuggestProvider, by: UUID,
                 admin: bool) -> list[Event]:
    if state.provider_id is not None:
        return []
    return [ProviderAdded(provider_id=provider_id, status=LISTED if admin else PENDING,
                          added_by=by, **command.model_dump())]


def decide_provider(state: Provider, command: DecideProvider, by: UUID) -> list[Event]:
    if state.provider_id is None:
        raise NoSuchProviderError()
    if state.status != PENDING:
        raise AlreadyDecidedError()
    return [ProviderDecided(provider_id=command.provider_id, decision=command.decision,
                            reason=command.reason, decided_by=by)]


# Ratings

@dataclass(frozen=True)
class Target:
    """The provider rated, as the directory knows it; `user_id`: the verified professional
    it is (a doctor from identity), if any."""

    provider_id: UUID
    kind: str
    status: str
    user_id: UUID | None = None
    representatives: frozenset[UUID] = frozenset()


@dataclass(frozen=True)
class Rater:
    """Who rates, as identity's events tell the ratings (None fields: not heard of)."""

    user_id: UUID
    known: bool = False
    registered_at: datetime | None = None
    sandbox_until: datetime | None = None
    verified: bool = False
    profession: str | None = None


@dataclass(frozen=True)
class Rating:
    rating_id: UUID | None = None
    provider_id: UUID | None = None
    rater_id: UUID | None = None
    status: str = ""  # counted, held, hidden, withdrawn; "": never rated
    held: tuple[str, ...] = ()
    replied: bool = False
    has_review: bool = False
    flaggers: frozenset[UUID] = frozenset()  # everyone who ever flagged it
    open_flags: int = 0  # flags since the last moderator's decision

    @property
    def active(self) -> bool:
        return self.status in (COUNTED, HELD, HIDDEN)


@singledispatch
def _evolve(event: Event, state: Rating) -> Rating:
    return state


@_evolve.register
def _(event: ProviderRated, state: Rating) -> Rating:  # RatingRevised too
    return replace(state, rating_id=event.rating_id, provider_id=event.provider_id,
                   rater_id=event.rater_id, status=HELD if event.held else COUNTED,
                   held=tuple(event.held), has_review=bool(event.review))


@_evolve.register
def _(event: RatingWithdrawn, state: Rating) -> Rating:
    return replace(state, status=WITHDRAWN, held=(), replied=False, open_flags=0)


@_evolve.register
def _(event: RatingModerated, state: Rating) -> Rating:
    return replace(state, status=COUNTED if event.decision == "release" else HIDDEN, held=(),
                   open_flags=0)


@_evolve.register
def _(event: ReviewFlagged, state: Rating) -> Rating:
    return replace(state, flaggers=state.flaggers | {event.flagger_id},
                   open_flags=state.open_flags + 1)


@_evolve.register
def _(event: ReviewReplied, state: Rating) -> Rating:
    return replace(state, replied=True)


def evolve_rating(state: Rating, event: Event) -> Rating:
    return _evolve(event, state)


def check_may_rate(target: Target, rater: Rater, now: datetime) -> None:
    """The defences that refuse outright (403), each with its reason."""
    if target.status != LISTED:
        raise NotRateableError()
    if rater.sandbox_until is not None and rater.sandbox_until > now:
        raise RefusedError("new accounts cannot rate during their first-day sandbox; "
                           "you can rate once it ends")
    if target.user_id is not None and target.user_id == rater.user_id:
        raise RefusedError("you cannot rate yourself")
    if rater.user_id in target.representatives:
        raise RefusedError("you represent this provider: you cannot rate your own workplace")
    if target.kind == "doctor" and rater.verified and rater.profession == "doctor":
        raise RefusedError("doctors cannot rate other doctors (a conflict of interest)")


def check_criteria(kind: str, criteria: dict[str, int]) -> None:
    unknown = sorted(set(criteria) - set(CRITERIA[kind]))
    if unknown:
        raise CriterionError(f"unknown criterion {unknown[0]!r} for a {kind}: rate "
                             + ", ".join(CRITERIA[kind]))


@dataclass(frozen=True)
class BurstRule:
    """More than `per_hour` ratings of one provider in an hour (or `young_per_hour` from
    accounts younger than `young_account`) are held for a moderator."""

    per_hour: int = 20
    young_per_hour: int = 3
    young_account: timedelta = timedelta(days=7)

    def is_young(self, rater: Rater, now: datetime) -> bool:
        return rater.registered_at is None or now - rater.registered_at < self.young_account


@dataclass(frozen=True)
class Recent:
    """Ratings of the provider by others in the past hour: all, and from young accounts."""

    all: int = 0
    young: int = 0


def burst_holds(rule: BurstRule, rater: Rater, recent: Recent, now: datetime) -> list[str]:
    if not rater.known:
        return [UNKNOWN_ACCOUNT]
    if recent.all >= rule.per_hour:
        return [BURST]
    if rule.is_young(rater, now) and recent.young >= rule.young_per_hour:
        return [NEW_ACCOUNT]
    return []


def rate(state: Rating, target: Target, rater: Rater, command: RateProvider, now: datetime,
         held: tuple[str, ...] = (), sealed_review: str | None = None) -> Event:
    """A first rating, or a revision of one's active rating; the review as sealed."""
    kind = RatingRevised if state.active else ProviderRated
    return kind(rating_id=rating_id_of(target.provider_id, rater.user_id),
                provider_id=target.provider_id, kind=target.kind, rater_id=rater.user_id,
                stars=command.stars, criteria=command.criteria, review=sealed_review,
                language=command.language, rated_at=now, held=list(held))


def withdraw(state: Rating) -> list[Event]:
    if not state.active or state.rating_id is None:
        raise NoRatingError()
    assert state.provider_id is not None and state.rater_id is not None
    return [RatingWithdrawn(rating_id=state.rating_id, provider_id=state.provider_id,
                            rater_id=state.rater_id)]


def moderate(state: Rating, decision: str, by: UUID) -> list[Event]:
    allowed = (state.status == HELD or (state.status == COUNTED and state.open_flags > 0)
               if decision == "release" else state.status in (COUNTED, HELD))
    if not allowed or state.rating_id is None or state.provider_id is None:
        raise NothingToModerateError()
    return [RatingModerated(rating_id=state.rating_id, provider_id=state.provider_id,
                            decision=decision, moderator_id=by)]


def reply(state: Rating, target: Target, replier: Rater, provider_id: UUID,
          text: str) -> list[Event]:
    if state.provider_id != provider_id or state.status != COUNTED or not state.has_review:
        raise NoSuchReviewError()
    professional = target.user_id == replier.user_id and replier.verified
    if not (professional or replier.user_id in target.representatives):
        raise NotYoursToReplyError()
    if state.replied:
        raise AlreadyRepliedError()
    assert state.rating_id is not None
    return [ReviewReplied(rating_id=state.rating_id, provider_id=provider_id,
                          replier_id=replier.user_id, text=text)]


def flag(state: Rating, provider_id: UUID, flagger: UUID, reason: str) -> list[Event]:
    if state.provider_id != provider_id or state.status != COUNTED or not state.has_review:
        raise NoSuchReviewError()
    if flagger in state.flaggers:
        raise AlreadyFlaggedError()
    assert state.rating_id is not None
    return [ReviewFlagged(rating_id=state.rating_id, provider_id=provider_id,
                          flagger_id=flagger, reason=reason)]


def designate(target: Target, state: Provider, user_id: UUID, by: UUID) -> list[Event]:
    """A representative of a hospital, clinic or scheme (designating twice is once)."""
    if target.kind == "doctor":
        raise NotRepresentableError()
    if user_id in state.representatives:
        return []
    return [RepresentativeDesignated(provider_id=target.provider_id, user_id=user_id,
                                     designated_by=by)]
