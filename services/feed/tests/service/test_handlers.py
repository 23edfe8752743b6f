"""Every feed use case through its HANDLERS entry: posts, pages, communities."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import handlers, projections
from feed.adapters import sql
from kit import personal
from kit.pagination import PAGE_BYTES
from tests.service_tier import Tier, operations_called_in, operations_of, person

PATIENT = person("patient")


async def project(engine: AsyncEngine) -> None:
    """Feed the timeline from the store, as its consumer would from the stream."""
    timeline = projections.timeline(personal.PersonalData(b"k" * 32))
    async with engine.begin() as conn:
        envelopes = await sql.store.read_all(conn)
        await conn.execute(sql.timeline.delete())
        await timeline.apply(conn, [timeline.registry.decode(e) for e in envelopes], envelopes)


async def known_author(engine: AsyncEngine, user_id: UUID, **sandbox: object) -> None:
    async with engine.begin() as conn:
        await projections.upsert_author(conn, user_id, display_name="Meera", **sandbox)


async def events(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(sql.store.events)))


async def test_a_post_is_read_back_at_once_by_its_author(feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, PATIENT.user_id)
    accepted = await feed.call("create_post", {"community": "diabetes", "body": "Sugar at 140"},
                               PATIENT)
    assert accepted.status == 201
    post = await feed.ok("get_post", {"post_id": accepted.body["post_id"]})
    assert post["body"] == "Sugar at 140" and post["author"]["display_name"] == "Meera"


async def test_a_page_of_a_community_newest_first_in_pages(feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, PATIENT.user_id)
    for n in range(3):
        await feed.ok("create_post", {"community": "tuberculosis", "body": f"day {n}"}, PATIENT)
    await project(engine)
    first = await feed.ok("get_feed", {"community": "tuberculosis", "limit": 2})
    assert [p["body"] for p in first["items"]] == ["day 2", "day 1"]
    rest = await feed.ok("get_feed", {"community": "tuberculosis", "cursor": first["next_cursor"]})
    assert [p["body"] for p in rest["items"]] == ["day 0"] and rest["next_cursor"] is None


async def test_unknown_communities_posts_and_cursors_are_problems(feed: Tier) -> None:
    refused = await feed.call("create_post", {"community": "astrology", "body": "x"}, PATIENT)
    assert refused.status == 422 and refused.body["errors"][0]["field"] == "community"
    assert (await feed.call("get_feed", {"community": "astrology"})).status == 404
    assert (await feed.call("get_post", {"post_id": str(uuid4())})).status == 404
    assert (await feed.call("get_feed", {"cursor": "garbage"})).status == 422


async def test_writing_needs_a_signed_in_person_and_reading_does_not(feed: Tier) -> None:
    assert (await feed.call("create_post", {"community": "common", "body": "x"})).status == 401
    assert (await feed.call("get_feed", {})).status == 200


async def test_a_repeated_idempotency_key_makes_one_post(feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, PATIENT.user_id)
    body = {"community": "common", "body": "once"}
    replies = await asyncio.gather(*(feed.call("create_post", body, PATIENT,
                                               idempotency_key="k-1") for _ in range(8)))
    assert {r.status for r in replies} == {201}
    assert len({r.body["post_id"] for r in replies}) == 1
    assert await events(engine) == 1


async def test_a_new_account_posts_a_few_times_an_hour_without_links(
        feed: Tier, engine: AsyncEngine) -> None:
    newcomer = person("patient")
    await known_author(engine, newcomer.user_id, sandbox_until=datetime.now(UTC) + timedelta(
        hours=1), sandbox_posts_per_hour=2, sandbox_links_allowed=False)
    linked = await feed.call("create_post", {"community": "common", "body": "see x.com"},
                             newcomer)
    assert linked.status == 422 and linked.body["errors"][0]["field"] == "body"
    for n in range(2):
        await feed.ok("create_post", {"community": "common", "body": f"post {n}"}, newcomer)
    third = await feed.call("create_post", {"community": "common", "body": "one more"}, newcomer)
    assert third.status == 429
    assert await events(engine) == 2


async def test_an_author_the_feed_has_not_heard_of_is_treated_as_brand_new(feed: Tier) -> None:
    stranger = person("patient")
    for n in range(3):  # FeedSettings' sandbox_posts_per_hour in this tier
        await feed.ok("create_post", {"community": "common", "body": f"post {n}"}, stranger)
    assert (await feed.call("create_post", {"community": "common", "body": "x"},
                            stranger)).status == 429


async def test_the_27_communities_in_the_callers_language_with_counts(feed: Tier) -> None:
    english = await feed.ok("list_communities")
    hindi = await feed.ok("list_communities", language="hi")
    assert len(english["items"]) == len(hindi["items"]) == 27
    assert english["items"][0]["name"] != hindi["items"][0]["name"]
    assert all(c["post_count"] == 0 for c in english["items"])


def test_every_handler_is_exercised_here() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)


async def test_a_page_of_long_posts_stays_within_a_message_and_loses_none(
        feed: Tier, engine: AsyncEngine) -> None:
    """Forty posts of 10,000 Devanagari characters (30 KB each) would be a 1.2 MB page:
    more than NATS carries. The page ends early instead, and its cursor goes on."""
    await known_author(engine, PATIENT.user_id)
    long = "स्वास्थ्य" * 1111  # 9,999 characters, 30 KB
    ids = {(await feed.ok("create_post", {"community": "cancer", "body": long}, PATIENT)
            )["post_id"] for _ in range(40)}
    await project(engine)
    seen: list[str] = []
    cursor = None
    while True:
        page = await feed.ok("get_feed", {"community": "cancer", "limit": 100,
                                          **({"cursor": cursor} if cursor else {})})
        assert len(orjson.dumps(page)) <= PAGE_BYTES + 1024
        seen += [item["post_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 40 and set(seen) == ids
