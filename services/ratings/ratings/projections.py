"""The ratings' read models: the inline `providers` and `ratings`, written with the events
(a rater reads their own rating at once, the burst rule counts what was just written); the
projection `scores`, fed from the ratings' own stream (the day buckets and materialised
scores, SCORES.md: one consumer, so that the kinds' buckets every rating touches are never
fought over by concurrent writers); and the projection `directory`, fed from identity's and
the feed's streams: what the defences know of accounts, doctors as verified professionals,
and the government schemes."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contracts.envelope import Envelope
from contracts.events import Event
from contracts.feed.events import SchemeListed, SchemeRevised
from contracts.identity.events import (
    AccountRegistered,
    PersonErased,
    ProfessionalVerified,
    SandboxApplied,
)
from contracts.ratings.events import (
    REGISTRY,
    ProviderAdded,
    ProviderDecided,
    ProviderRated,
    RatingModerated,
    RatingRevised,
    RatingWithdrawn,
    ReviewFlagged,
    ReviewReplied,
)
from contracts.registry import ALL
from kit.personal import PersonalData
from kit.projection import Projection, one_by_one
from kit.readmodels import InlineModel
from ratings import domain, score_models
from ratings.adapters import sql

FORMER_MEMBER = "former member"


async def add_provider(conn: AsyncConnection, event: ProviderAdded, envelope: Envelope) -> None:
    values = event.model_dump(exclude={"added_by"})
    await conn.execute(insert(sql.providers).values(**values, added_at=envelope.occurred_at)
                       .on_conflict_do_nothing())


async def decide_provider(conn: AsyncConnection, event: ProviderDecided, _: Envelope) -> None:
    status = domain.LISTED if event.decision == "approve" else domain.REJECTED
    await conn.execute(sql.providers.update().where(
        sql.providers.c.provider_id == event.provider_id).values(status=status))


PROVIDERS = InlineModel(name="providers", tables=[sql.providers], registry=REGISTRY,
                        store=sql.store,
                        handlers={ProviderAdded: one_by_one(add_provider),
                                  ProviderDecided: one_by_one(decide_provider)})


async def rated(conn: AsyncConnection, event: ProviderRated, _: Envelope) -> None:
    """A rating or its revision: the whole rating again (first_rated_at stays)."""
    values = {"provider_id": event.provider_id, "kind": event.kind, "rater_id": event.rater_id,
              "stars": event.stars, "criteria": event.criteria, "review": event.review,
              "language": event.language, "rated_at": event.rated_at, "held": event.held,
              "status": domain.HELD if event.held else domain.COUNTED}
    statement = insert(sql.ratings).values(rating_id=event.rating_id, **values,
                                           first_rated_at=event.rated_at)
    fresh = {"first_rated_at": sa.case(
        (sql.ratings.c.status == domain.WITHDRAWN, statement.excluded.first_rated_at),
        else_=sql.ratings.c.first_rated_at)}
    # A revision keeps the professional's reply; a rating after a withdrawal starts anew.
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["rating_id"],
        set_={**{k: statement.excluded[k] for k in values}, **fresh}))


async def withdrawn(conn: AsyncConnection, event: RatingWithdrawn, _: Envelope) -> None:
    await _set(conn, event.rating_id, status=domain.WITHDRAWN, review=None, reply=None,
               replied_at=None, held=[], flags=0)


async def moderated(conn: AsyncConnection, event: RatingModerated, _: Envelope) -> None:
    status = domain.COUNTED if event.decision == "release" else domain.HIDDEN
    await _set(conn, event.rating_id, status=status, held=[], flags=0)


async def flagged(conn: AsyncConnection, event: ReviewFlagged, _: Envelope) -> None:
    await _set(conn, event.rating_id, flags=sql.ratings.c.flags + 1)


async def replied(conn: AsyncConnection, event: ReviewReplied, envelope: Envelope) -> None:
    await _set(conn, event.rating_id, reply=event.text, replied_at=envelope.occurred_at)


async def _set(conn: AsyncConnection, rating_id: UUID, **values: object) -> None:
    await conn.execute(sql.ratings.update().where(sql.ratings.c.rating_id == rating_id)
                       .values(**values))


RATINGS = InlineModel(name="ratings", tables=[sql.ratings], registry=REGISTRY, store=sql.store,
                      handlers={ProviderRated: one_by_one(rated),
                                RatingRevised: one_by_one(rated),
                                RatingWithdrawn: one_by_one(withdrawn),
                                RatingModerated: one_by_one(moderated),
                                ReviewReplied: one_by_one(replied),
                                ReviewFlagged: one_by_one(flagged)})


async def scored(conn: AsyncConnection, run: list[tuple[Event, Envelope]]) -> None:
    """A run of rating events into the day buckets and materialised scores (SCORES.md)."""
    await score_models.project(conn, [event for event, _ in run])


SCORE_TABLES = [sql.scored_ratings, sql.provider_buckets, sql.kind_buckets,
                sql.provider_scores]


def scores() -> Projection:
    """Each provider's and each kind's counted ratings by day, and the materialised scores
    (SCORES.md); fed from the ratings' own stream."""
    return Projection(
        service="ratings", name="scores", registry=REGISTRY,
        handlers={ProviderRated: scored, RatingRevised: scored, RatingWithdrawn: scored,
                  RatingModerated: scored},
        tables=SCORE_TABLES)


def directory(personal: PersonalData) -> Projection:
    """Accounts as the defences need them, doctors and schemes as rateable providers."""
    async def registered(conn: AsyncConnection, event: AccountRegistered,
                         envelope: Envelope) -> None:
        name = await personal.reveal(conn, event.user_id, "display_name", event.display_name)
        await upsert_account(conn, event.user_id, registered_at=envelope.occurred_at,
                             display_name=name or FORMER_MEMBER)
        await conn.execute(sql.external_providers.update().where(
            sql.external_providers.c.provider_id == event.user_id).values(
                name=name or FORMER_MEMBER))

    return Projection(
        service="ratings", name="directory", registry=ALL,
        handlers={AccountRegistered: one_by_one(registered),
                  ProfessionalVerified: one_by_one(verified),
                  SandboxApplied: one_by_one(sandboxed),
                  PersonErased: one_by_one(erased),
                  SchemeListed: one_by_one(scheme), SchemeRevised: one_by_one(scheme)},
        tables=[sql.accounts, sql.external_providers])


async def upsert_account(conn: AsyncConnection, user_id: UUID, **values: object) -> None:
    """Set some of an account's columns, whichever identity event arrives first."""
    statement = insert(sql.accounts).values(user_id=user_id, **values)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={k: statement.excluded[k] for k in values}))


async def verified(conn: AsyncConnection, event: ProfessionalVerified,
                   envelope: Envelope) -> None:
    await upsert_account(conn, event.user_id, verified=True, profession=event.profession)
    if event.profession != "doctor":
        return
    name = await conn.scalar(sa.select(sql.accounts.c.display_name).where(
        sql.accounts.c.user_id == event.user_id))
    await conn.execute(insert(sql.external_providers).values(
        provider_id=event.user_id, user_id=event.user_id, kind="doctor", status=domain.LISTED,
        name=name or FORMER_MEMBER, added_at=envelope.occurred_at).on_conflict_do_nothing())


async def sandboxed(conn: AsyncConnection, event: SandboxApplied, _: Envelope) -> None:
    await upsert_account(conn, event.user_id, sandbox_until=event.until)


async def erased(conn: AsyncConnection, event: PersonErased, _: Envelope) -> None:
    """The person was erased: no name kept; a doctor leaves the directory."""
    await upsert_account(conn, event.user_id, display_name=FORMER_MEMBER)
    await conn.execute(sql.external_providers.update().where(
        sql.external_providers.c.provider_id == event.user_id).values(
            status="removed", name=FORMER_MEMBER))


async def scheme(conn: AsyncConnection, event: SchemeListed, envelope: Envelope) -> None:
    statement = insert(sql.external_providers).values(
        provider_id=event.scheme_id, kind="scheme", status=domain.LISTED,
        name=event.name.get("en") or next(iter(event.name.values()), event.slug),
        names=event.name,
        state=None if event.states == ["all"] else ", ".join(event.states)[:200],
        added_at=envelope.occurred_at)
    await conn.execute(statement.on_conflict_do_update(
        index_elements=["provider_id"], set_={"name": statement.excluded.name,
                                              "names": statement.excluded.names,
                                              "state": statement.excluded.state}))
