"""Rating a provider (once per person, revised by a second rating, withdrawn), its reviews,
the rated professional's reply, and the moderators' held ratings."""

from collections.abc import Sequence
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.ratings.messages import (
    Designate,
    Designated,
    FlagReview,
    HeldQuery,
    HeldRating,
    HeldRatings,
    Moderated,
    ModerateRating,
    MyRating,
    MyRatingItem,
    MyRatingsQuery,
    Notice,
    ProviderRef,
    RateProvider,
    RatingAccepted,
    Replied,
    ReplyToReview,
    ReplyView,
    ReviewFlagAccepted,
    ReviewsQuery,
    ReviewView,
    Withdrawn,
)
from kit.logging import get_logger
from kit.pagination import page
from kit.personal import KeyShreddedError
from kit.usecases import Call
from ratings import domain, screening
from ratings.adapters import sql
from ratings.deps import Deps

log = get_logger(__name__)


async def rate_provider(call: Call[RateProvider], deps: Deps) -> RatingAccepted:
    """One rating per person per provider: a first one, or a revision of it. Refusals are
    403s with their reason; a rating held for a moderator is accepted and says why."""
    command, rater_id, now = call.command, call.caller.user_id, deps.clock()
    rating_id = domain.rating_id_of(command.provider_id, rater_id)
    async with deps.db.transaction() as conn:
        target = await _target(conn, deps, command.provider_id)
        domain.check_criteria(target.kind, command.criteria)
        rater = await _rater(conn, rater_id)
        domain.check_may_rate(target, rater, now)
        state, version = await deps.ratings.get(conn, domain.rating_stream(rating_id))
        recent = domain.Recent(*await sql.recent(
            conn, target.provider_id, rater_id, now - timedelta(hours=1),
            now - deps.burst.young_account))
        held = [*domain.burst_holds(deps.burst, rater, recent, now),
                *screening.holds(command.review, deps.keywords)]
        if state.status == domain.HIDDEN:  # a moderator's decision is not undone by an edit
            held.append(screening.REVISED_AFTER_HIDING)
        sealed = await _sealed(conn, deps, rater_id, command.review)
        event = domain.rate(state, target, rater, command, now, tuple(held), sealed)
        await deps.ratings.append(conn, domain.rating_stream(rating_id), version, [event],
                                  call.caller.metadata)
    log.info("provider_rated", provider_id=str(target.provider_id), held=held)
    return RatingAccepted(rating_id=rating_id, status="held" if held else "counted",
                          revised=state.active,
                          notices=[Notice(reason=r, message=screening.message(r)) for r in held])


async def _sealed(conn: AsyncConnection, deps: Deps, rater_id: UUID,
                  review: str | None) -> str | None:
    """The review sealed with the rater's data key: erasing them shreds it everywhere."""
    if not review:
        return None
    try:
        key = await deps.personal.key(conn, rater_id)
    except KeyShreddedError:
        raise domain.AccountErasedError() from None
    return deps.personal.encrypt(key, rater_id, "review", review)


async def _revealed(conn: AsyncConnection, deps: Deps, rows: Sequence[Any]) -> list[Any]:
    """The rows with their reviews in clear (None once the rater was erased)."""
    return [SimpleNamespace(**{**row._mapping, "review": await deps.personal.reveal(
        conn, row.rater_id, "review", row.review)}) for row in rows]


async def _target(conn: AsyncConnection, deps: Deps, provider_id: UUID) -> domain.Target:
    """The provider: folded from its own stream when added here, else the directory's."""
    own, _ = await deps.providers.get(conn, domain.provider_stream(provider_id))
    if own.provider_id is not None:
        return domain.Target(provider_id, own.kind, own.status,
                             representatives=own.representatives)
    row = await sql.provider(conn, provider_id)
    if row is None:
        raise domain.NoSuchProviderError()
    return domain.Target(provider_id, row["kind"], row["status"], row["user_id"],
                         own.representatives)


async def _rater(conn: AsyncConnection, user_id: UUID) -> domain.Rater:
    row = await sql.account(conn, user_id)
    if row is None:
        return domain.Rater(user_id)
    return domain.Rater(user_id, known=True, registered_at=row["registered_at"],
                        sandbox_until=row["sandbox_until"], verified=row["verified"],
                        profession=row["profession"])


async def my_rating(call: Call[ProviderRef], deps: Deps) -> MyRating:
    """The caller's own active rating of the provider, with where it stands and why."""
    rating_id = domain.rating_id_of(call.command.provider_id, call.caller.user_id)
    async with deps.db.connect() as conn:
        if await sql.provider(conn, call.command.provider_id) is None:
            raise domain.NoSuchProviderError()
        row = await sql.rating(conn, rating_id)
        if row is None or row.status not in (domain.COUNTED, domain.HELD, domain.HIDDEN):
            raise domain.NoRatingError()
        [mine] = await _revealed(conn, deps, [row])
    return MyRating(**_mine(mine))


async def my_ratings(call: Call[MyRatingsQuery], deps: Deps) -> dict[str, Any]:
    """Every active rating the caller gave, the latest first, each where it stands."""
    query = call.command
    async with deps.db.connect() as conn:
        rows = await _revealed(conn, deps, await sql.ratings_of(
            conn, call.caller.user_id, query.cursor, query.limit))
    return page(rows, query.limit, "rated_at", "rating_id", lambda row: MyRatingItem(
        **_mine(row), provider_name=row.provider_name, kind=row.kind).model_dump(mode="json"))


def _mine(row: Any) -> dict[str, Any]:
    """A rater's own view of their rating: where it stands and why."""
    reasons = list(row.held) if row.status == domain.HELD else (
        [screening.HIDDEN] if row.status == domain.HIDDEN else [])
    reply = (ReplyView(text=row.reply, replied_at=row.replied_at)
             if row.reply is not None else None)
    return dict(rating_id=row.rating_id, provider_id=row.provider_id, stars=row.stars,
                criteria=row.criteria, review=row.review, language=row.language,
                rated_at=row.rated_at, status=row.status,
                notices=[Notice(reason=r, message=screening.message(r)) for r in reasons],
                reply=reply)


async def withdraw_rating(call: Call[ProviderRef], deps: Deps) -> Withdrawn:
    rating_id = domain.rating_id_of(call.command.provider_id, call.caller.user_id)
    async with deps.db.transaction() as conn:
        await deps.ratings.change(conn, domain.rating_stream(rating_id), domain.withdraw,
                                  call.caller.metadata)
    return Withdrawn(rating_id=rating_id, status="withdrawn")


async def provider_reviews(call: Call[ReviewsQuery], deps: Deps) -> dict[str, Any]:
    """Published reviews, newest first; each with the professional's reply under it."""
    query = call.command
    async with deps.db.connect() as conn:
        if await sql.provider(conn, query.provider_id) is None:
            raise domain.NoSuchProviderError()
        rows = await _revealed(conn, deps, await sql.reviews(conn, query.provider_id,
                                                             query.cursor, query.limit))
    return page(rows, query.limit, "rated_at", "rating_id", _review)


def _review(row: Any) -> dict[str, Any]:
    reply = (ReplyView(text=row.reply, replied_at=row.replied_at)
             if row.reply is not None else None)
    return ReviewView(rating_id=row.rating_id, stars=row.stars, criteria=row.criteria,
                      review=row.review, language=row.language, rated_at=row.rated_at,
                      reply=reply).model_dump(mode="json")


async def reply_to_review(call: Call[ReplyToReview], deps: Deps) -> Replied:
    command, now = call.command, deps.clock()
    async with deps.db.transaction() as conn:
        target = await _target(conn, deps, command.provider_id)
        replier = await _rater(conn, call.caller.user_id)
        await deps.ratings.change(
            conn, domain.rating_stream(command.rating_id),
            lambda state: domain.reply(state, target, replier, command.provider_id,
                                       command.text), call.caller.metadata)
    return Replied(rating_id=command.rating_id, reply=ReplyView(text=command.text,
                                                                 replied_at=now))


async def flag_review(call: Call[FlagReview], deps: Deps) -> ReviewFlagAccepted:
    """Ask the moderators to look at a review, once per person; it counts until hidden."""
    command = call.command
    async with deps.db.transaction() as conn:
        await deps.ratings.change(
            conn, domain.rating_stream(command.rating_id),
            lambda state: domain.flag(state, command.provider_id, call.caller.user_id,
                                      command.reason), call.caller.metadata)
    return ReviewFlagAccepted(rating_id=command.rating_id, flagged=True)


async def designate_representative(call: Call[Designate], deps: Deps) -> Designated:
    """An admin makes a member the representative of a hospital, clinic or scheme."""
    command = call.command
    stream = domain.provider_stream(command.provider_id)
    async with deps.db.transaction() as conn:
        target = await _target(conn, deps, command.provider_id)
        await deps.providers.change(
            conn, stream, lambda state: domain.designate(target, state, command.user_id,
                                                         call.caller.user_id),
            call.caller.metadata)
    return Designated(provider_id=command.provider_id, user_id=command.user_id)


async def held_ratings(call: Call[HeldQuery], deps: Deps) -> HeldRatings:
    async with deps.db.connect() as conn:
        rows = await _revealed(conn, deps, await sql.held(conn, call.command.provider_id,
                                                          call.command.limit))
    return HeldRatings(items=[HeldRating(rating_id=r.rating_id, provider_id=r.provider_id,
                                         stars=r.stars, review=r.review, held=list(r.held),
                                         flags=r.flags, rated_at=r.rated_at) for r in rows])


async def moderate_rating(call: Call[ModerateRating], deps: Deps) -> Moderated:
    command = call.command
    async with deps.db.transaction() as conn:
        await deps.ratings.change(
            conn, domain.rating_stream(command.rating_id),
            lambda state: domain.moderate(state, command.decision, call.caller.user_id),
            call.caller.metadata)
    return Moderated(rating_id=command.rating_id,
                     status="counted" if command.decision == "release" else "hidden")


