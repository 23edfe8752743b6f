"""Search through its HANDLERS entry: by language, across kinds, never what is hidden."""

from sqlalchemy.ext.asyncio import AsyncEngine

from feed import projections
from feed.adapters import sql
from tests.service_tier import Tier, person

from .test_handlers import known_author

MEERA, RAVI, MODERATOR = person("patient"), person("caregiver"), person("moderator")


async def index(engine: AsyncEngine) -> None:
    """Feed the search projection from the store, as its consumer would from the stream."""
    projection = projections.search()
    async with engine.begin() as conn:
        envelopes = [e for e in await sql.store.read_all(conn)
                     if projection.handler_for(e.event_type)]
        await conn.execute(sql.searched_posts.delete())
        await projection.apply(conn, [projection.registry.decode(e) for e in envelopes],
                               envelopes)


async def found(feed: Tier, q: str) -> list[tuple[str, str]]:
    return [(i["kind"], i["snippet"]) for i in (await feed.ok("search", {"q": q}))["items"]]


async def test_words_are_found_stemmed_by_language_and_hidden_posts_never(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    walking = await feed.ok("create_post", {"community": "diabetes",
                                            "body": "Walking after dinners lowers my sugar"},
                            MEERA)
    hindi = await feed.ok("create_post", {"community": "diabetes", "language": "hi",
                                          "body": "रोज़ सुबह योग करने से मेरी शुगर कम हुई"}, MEERA)
    await feed.ok("add_comment", {"post_id": hindi["post_id"], "body": "Yoga helped my mother",
                                  "language": "en"}, RAVI)
    await index(engine)  # posts are searched in projection "search": the published ones
    assert [k for k, _ in await found(feed, "walk dinner")] == ["post"]  # stems: walking
    assert [k for k, _ in await found(feed, "योग")] == ["post"]
    assert [k for k, _ in await found(feed, "yoga")] == ["comment"]
    assert (await feed.ok("search", {"q": "walking"}))["items"][0]["link"] == (
        f"/v1/posts/{walking['post_id']}")
    await feed.ok("flag_post", {"target_type": "post", "target_id": walking["post_id"],
                                "reason": "spam"}, RAVI)
    await feed.ok("decide_item", {"item_id": walking["post_id"], "decision": "hide",
                                  "note": "test"}, MODERATOR)
    await index(engine)
    assert await found(feed, "walking") == []
    held = await feed.ok("create_post", {"community": "diabetes",
                                         "body": "Walking group: call 9876543210"}, MEERA)
    await index(engine)
    assert held["status"] == "held" and await found(feed, "walking") == []
    assert [k for k, _ in await found(feed, "dialysis")] == []  # no scheme seeded here
    for q in ("", "x", "y" * 201):
        assert (await feed.call("search", {"q": q})).status == 422
    assert await found(feed, "'\\\" OR 1=1 --") == []  # only words
