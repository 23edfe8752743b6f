"""Following communities and the personal feed, through the HANDLERS entries."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import projections
from feed.adapters import sql
from tests.service_tier import Tier, person

from .test_handlers import events, known_author, project

MEERA, ARJUN = person("patient"), person("caregiver")


async def post(feed: Tier, community: str, body: str) -> None:
    await feed.ok("create_post", {"community": community, "body": body}, ARJUN)


async def bodies(feed: Tier, who: object, limit: int = 100) -> list[str]:
    """Every post of the caller's feed, page by page."""
    seen, cursor = [], None
    while True:
        page = await feed.ok("my_feed", {"limit": limit, **({"cursor": cursor} if cursor
                                                            else {})}, who)
        seen += [item["body"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            return seen


async def test_the_feed_is_the_common_one_and_the_communities_followed(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, ARJUN.user_id)
    for community in ("diabetes", "common", "cancer", "tuberculosis", "diabetes"):
        await post(feed, community, f"in {community}")
    await project(engine)
    assert await bodies(feed, MEERA) == ["in common"]
    for community in ("diabetes", "tuberculosis"):
        assert (await feed.ok("follow_community", {"community": community}, MEERA)
                ) == {"community": community, "following": True}
    assert await bodies(feed, MEERA) == ["in diabetes", "in tuberculosis", "in common",
                                         "in diabetes"]
    assert await bodies(feed, MEERA, limit=1) == await bodies(feed, MEERA)
    assert (await feed.ok("my_follows", {}, MEERA))["items"] == ["diabetes", "tuberculosis"]
    await feed.ok("unfollow_community", {"community": "diabetes"}, MEERA)
    assert await bodies(feed, MEERA) == ["in tuberculosis", "in common"]
    assert (await feed.ok("my_follows", {}, ARJUN))["items"] == []


async def test_following_twice_is_one_follow_and_members_are_counted(
        feed: Tier, engine: AsyncEngine) -> None:
    for who in (MEERA, MEERA, ARJUN):
        await feed.ok("follow_community", {"community": "kidney-health"}, who)
    await feed.ok("unfollow_community", {"community": "cancer"}, MEERA)  # never followed
    assert await events(engine) == 2
    stats = projections.community_stats()
    async with engine.begin() as conn:
        envelopes = await sql.store.read_all(conn)
        await stats.apply(conn, [stats.registry.decode(e) for e in envelopes], envelopes)
    listed = {c["slug"]: c for c in (await feed.ok("list_communities", {}))["items"]}
    assert listed["kidney-health"]["member_count"] == 2
    assert listed["cancer"]["member_count"] == 0


async def test_the_follows_model_is_rebuilt_from_the_events(feed: Tier,
                                                            engine: AsyncEngine) -> None:
    await feed.ok("follow_community", {"community": "hiv"}, MEERA)
    await feed.ok("follow_community", {"community": "cancer"}, MEERA)
    await feed.ok("unfollow_community", {"community": "hiv"}, MEERA)
    async with engine.begin() as conn:
        before = (await conn.execute(sa.select(sql.follows))).all()
        await projections.FOLLOWS.replay(conn)
        assert (await conn.execute(sa.select(sql.follows))).all() == before
    assert [tuple(row) for row in before] == [(MEERA.user_id, "cancer")]


async def test_what_cannot_be_followed_is_a_problem_and_changes_nothing(
        feed: Tier, engine: AsyncEngine) -> None:
    common = await feed.call("follow_community", {"community": "common"}, MEERA)
    assert common.status == 422 and common.body["errors"][0]["field"] == "community"
    assert (await feed.call("follow_community", {"community": "astrology"}, MEERA)
            ).status == 404
    assert (await feed.call("unfollow_community", {"community": "astrology"}, MEERA)
            ).status == 404
    assert (await feed.call("follow_community", {"community": "hiv"})).status == 401
    assert (await feed.call("my_feed", {})).status == 401
    assert (await feed.call("my_feed", {"cursor": "garbage"}, MEERA)).status == 422
    assert (await feed.call("my_feed", {"limit": 0}, MEERA)).status == 422
    assert await events(engine) == 0
