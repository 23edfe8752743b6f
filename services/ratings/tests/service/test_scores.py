"""The score read models (SCORES.md, "How they are kept"): day buckets moved exactly by
ratings, revisions, withdrawals and moderators; the materialised scores lists sort by,
refreshed as the window moves; and a rebuild that gives the same numbers."""

from collections import defaultdict
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.roles import ADMIN, MODERATOR, PATIENT
from kit import readmodels
from ratings import buckets, projections
from ratings.adapters import sql
from tests.service_tier import person

from .conftest import Clock, RatingsTier, account
from .test_handlers import HOSPITAL, listed_hospital


async def rater(engine: AsyncEngine) -> Any:
    return person(PATIENT, user_id=await account(engine))


async def table(engine: AsyncEngine, t: sa.Table) -> list[tuple]:
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(t))).all()
    return sorted((tuple(row) for row in rows), key=repr)


async def buckets_from_the_ratings(engine: AsyncEngine) -> dict[tuple, list[int]]:
    """The provider buckets computed afresh from the inline `ratings` read model's counted
    rows: what the projection's moves in and out must add up to."""
    found: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    async with engine.connect() as conn:
        for row in await conn.execute(sa.select(sql.ratings).where(
                sql.ratings.c.status == "counted")):
            key = (row.provider_id, buckets.day_of(row.rated_at))
            found[key][0] += 1
            found[key][1] += row.stars
            found[key][2] += row.stars ** 2
    return dict(found)


async def kept_buckets(engine: AsyncEngine) -> dict[tuple, list[int]]:
    return {(row[0], row[1]): [row[2], row[3], row[4]]
            for row in await table(engine, sql.provider_buckets)}


async def test_held_hidden_withdrawn_and_revised_ratings_move_their_contribution_exactly(
        ratings: RatingsTier, engine: AsyncEngine, clock: Clock) -> None:
    hospital = await listed_hospital(ratings)
    meera, arjun, kavya = await rater(engine), await rater(engine), await rater(engine)
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 5,
                                       "criteria": {"cleanliness": 4}}, meera)
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 1}, arjun)
    held = await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 3,
                                              "review": "Call 98765 43210"}, kavya)
    assert held["status"] == "held"
    shown = (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]
    assert (shown["count"], shown["average"]) == (2, 3.0)
    assert shown["criteria"] == {"cleanliness": 4.0}
    clock.advance(timedelta(days=3))  # a revision is a fresh account: another day's bucket
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 2,
                                       "criteria": {"staff_behaviour": 2}}, meera)
    await ratings.ok("moderate_rating", {"rating_id": held["rating_id"],
                                         "decision": "release"}, person(MODERATOR))
    shown = (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]
    assert (shown["count"], shown["average"]) == (3, 2.0)
    assert shown["histogram"] == {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0}
    assert shown["criteria"] == {"staff_behaviour": 2.0}  # the revision took its old one out
    await ratings.ok("withdraw_rating", {"provider_id": hospital}, arjun)
    await ratings.ok("get_provider", {"provider_id": hospital})  # the projection catches up
    assert await kept_buckets(engine) == await buckets_from_the_ratings(engine)
    revised = (await ratings.ok("list_providers", {"kind": "hospital"}))["items"][0]["rating"]
    assert (revised["count"], revised["average"]) == (2, 2.5)
    async with engine.connect() as conn:
        kind = (await conn.execute(sa.select(sql.kind_buckets))).all()
    assert sorted((row.count, row.total, row.squares) for row in kind) == [(1, 3, 9),
                                                                          (1, 2, 4)][::-1]


async def test_lists_rank_by_the_materialised_scores_and_the_refresh_moves_them_on(
        ratings: RatingsTier, engine: AsyncEngine, clock: Clock) -> None:
    """A listed score is as of the last refresh (SCORES.md): the kinds' priors and the
    window; a provider's own page is as of now."""
    good = await listed_hospital(ratings)
    poor = (await ratings.ok("suggest_provider", {**HOSPITAL, "name": "Poor Clinic"},
                             person(ADMIN)))["provider_id"]
    old = await rater(engine)
    await ratings.ok("rate_provider", {"provider_id": poor, "stars": 1}, old)
    clock.advance(timedelta(days=400))
    for stars in (5, 4):
        await ratings.ok("rate_provider", {"provider_id": good, "stars": stars},
                         await rater(engine))
    await ratings.ok("rate_provider", {"provider_id": poor, "stars": 2}, await rater(engine))
    listed = (await ratings.ok("list_providers", {"kind": "hospital"}))["items"]
    # Until a refresh, listed scores use the prior of the last one (no ratings: 3.0).
    assert [p["rating"]["prior"]["mean"] for p in listed] == [3.0, 3.0]
    assert listed[0]["rating"]["score"] == round((5 * 3.0 + 9) / 7, 2)
    assert listed[1]["rating"]["score"] == round((5 * 3.0 + 3) / 7, 2)
    assert [p["rating"]["percentile"] for p in listed] == [75.0, 25.0]
    await ratings.refresh()
    listed = (await ratings.ok("list_providers", {"kind": "hospital"}))["items"]
    detail = await ratings.ok("get_provider", {"provider_id": good})
    assert listed[0] == detail  # refreshed: the list shows what the provider's page shows
    assert detail["rating"]["prior"]["mean"] == 3.0  # (1 + 5 + 4 + 2) / 4

    clock.advance(timedelta(days=331))  # the first rating is now out of the window
    detail = await ratings.ok("get_provider", {"provider_id": poor})
    assert detail["rating"]["count"] == 1 and detail["rating"]["prior"]["mean"] == round(11 / 3, 4)
    stale = (await ratings.ok("list_providers", {"kind": "hospital", "sort": "count"}))
    assert [p["rating"]["count"] for p in stale["items"]] == [2, 2]  # as of the last refresh
    await ratings.refresh()
    fresh = (await ratings.ok("list_providers", {"kind": "hospital", "sort": "count"}))["items"]
    assert [p["rating"]["count"] for p in fresh] == [2, 1]
    assert fresh[1] == await ratings.ok("get_provider", {"provider_id": poor})
    async with engine.connect() as conn:
        oldest = await conn.scalar(sa.select(sql.provider_scores.c.oldest_day).where(
            sql.provider_scores.c.provider_id == poor))
    assert oldest == buckets.day_of(clock.now - timedelta(days=331))


async def test_rebuilding_the_read_models_gives_identical_scores(
        ratings: RatingsTier, engine: AsyncEngine, clock: Clock) -> None:
    hospital = await listed_hospital(ratings)
    clinic = (await ratings.ok("suggest_provider", {**HOSPITAL, "name": "Asha Clinic"},
                               person(ADMIN)))["provider_id"]
    raters = [await rater(engine) for _ in range(8)]
    for who, stars in zip(raters, (5, 3, 4, 1, 2, 5, 4, 2), strict=True):
        await ratings.ok("rate_provider", {"provider_id": hospital, "stars": stars,
                                           "criteria": {"cleanliness": stars}}, who)
    clock.advance(timedelta(days=400))
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 1}, raters[0])
    await ratings.ok("withdraw_rating", {"provider_id": hospital}, raters[1])
    for who, stars in zip(raters[2:5], (5, 4, 3), strict=True):
        await ratings.ok("rate_provider", {"provider_id": clinic, "stars": stars}, who)
    held = await ratings.ok("rate_provider", {"provider_id": clinic, "stars": 1,
                                              "review": "Write to x@y.in"}, raters[5])
    await ratings.ok("moderate_rating", {"rating_id": held["rating_id"],
                                         "decision": "release"}, person(MODERATOR))
    clock.advance(timedelta(days=331))  # the window moves: the first day's ratings leave it
    await ratings.refresh()
    views = [await ratings.ok("get_provider", {"provider_id": p}) for p in (hospital, clinic)]
    assert views[0]["rating"]["count"] == 1  # only the revised one is recent
    before = [await ratings.ok("list_providers", {"sort": sort}) for sort in ("score", "count")]
    kept = [await table(engine, t) for t in projections.SCORE_TABLES]

    for model in (projections.PROVIDERS, projections.RATINGS):
        await readmodels.rebuild(engine, model)
    await ratings.rebuild_scores()
    assert [await table(engine, t) for t in projections.SCORE_TABLES] == kept
    assert [await ratings.ok("list_providers", {"sort": sort})
            for sort in ("score", "count")] == before
    assert [await ratings.ok("get_provider", {"provider_id": p})
            for p in (hospital, clinic)] == views
    assert await kept_buckets(engine) == await buckets_from_the_ratings(engine)
