"""Search through its HANDLERS entry: by language, across kinds, never what is hidden."""

import asyncio
import os
from base64 import b64encode
from typing import Any
from uuid import UUID as uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import projections
from feed.adapters import sql
from kit import personal
from tests.service_tier import Tier, person

from .test_handlers import known_author

MEERA, RAVI, MODERATOR = person("patient"), person("caregiver"), person("moderator")
PERSONAL = personal.PersonalData(personal.master_key_from(b64encode(os.urandom(32)).decode()))


async def index(engine: AsyncEngine) -> None:
    """Feed the search projection from the store, as its consumer would from the stream."""
    projection = projections.search(PERSONAL)
    async with engine.begin() as conn:
        envelopes = [e for e in await sql.store.read_all(conn)
                     if projection.handler_for(e.event_type)]
        await conn.execute(sql.searched_posts.delete())
        await projection.apply(conn, [projection.registry.decode(e) for e in envelopes],
                               envelopes)


async def found(feed: Tier, q: str) -> list[tuple[str, str]]:
    return [(i["kind"], i["snippet"]) for i in (await feed.ok("search", {"q": q}))["items"]]


async def ids(feed: Tier, q: str) -> list[tuple[str, str | None]]:
    """What was found: the kind, and a post's id (a comment's is its own)."""
    return [(i["kind"], i["link"].rsplit("/", 1)[1] if i["kind"] == "post" else None)
            for i in (await feed.ok("search", {"q": q}))["items"]]


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


async def test_words_of_other_indian_scripts_are_found_by_their_inflected_forms(
        feed: Tier, engine: AsyncEngine) -> None:
    """No stemmer knows Telugu or Bengali: trigram similarity finds a word in its
    inflected form (needles: సూదులు, the doctor's: ডাক্তারের), ranked after what full text
    finds; Tamil words are read with Postgres' Tamil stemmer, as Tamil posts are stored."""
    await known_author(engine, MEERA.user_id)
    telugu = await feed.ok("create_post", {"community": "diabetes", "language": "te",
                                           "body": "రోజూ సూదులు వేయించుకోవడం కష్టంగా ఉంది"}, MEERA)
    bengali = await feed.ok("create_post", {"community": "diabetes", "language": "bn",
                                            "body": "কাল ডাক্তারের সাথে কথা বললাম"}, MEERA)
    tamil = await feed.ok("create_post", {"community": "diabetes", "language": "ta",
                                          "body": "நான் தினமும் மருந்துகளை எடுத்துக்கொள்கிறேன்"},
                          MEERA)
    said = await feed.ok("create_post", {"community": "diabetes", "language": "bn",
                                         "body": "ডাক্তার বললেন হাঁটতে"}, MEERA)
    comment = uuid((await feed.ok("add_comment", {
        "post_id": said["post_id"], "language": "te",
        "body": "నాకు కూడా సూదులు అంటే భయం"}, RAVI))["comment_id"])
    await index(engine)
    async with engine.connect() as conn:  # full text alone misses the inflected forms
        exact = {(word, r.id): r.exact for word in ("సూది", "ডাক্তার", "மருந்து")
                 for r in await sql.search(conn, word, 10)}
    assert exact == {("సూది", uuid(telugu["post_id"])): False, ("సూది", comment): False,
                     ("ডাক্তার", uuid(bengali["post_id"])): False,
                     ("ডাক্তার", uuid(said["post_id"])): True,
                     ("மருந்து", uuid(tamil["post_id"])): True}  # Tamil stems: மரு
    assert sorted(await ids(feed, "సూది")) == [("comment", None), ("post", telugu["post_id"])]
    assert await ids(feed, "ডাক্তার") == [("post", said["post_id"]), ("post", bengali["post_id"])]
    assert await ids(feed, "மருந்து") == [("post", tamil["post_id"])]
    assert await ids(feed, "ডাক্তারের") == [("post", bengali["post_id"]),
                                           ("post", said["post_id"])]
    await feed.ok("flag_post", {"target_type": "post", "target_id": bengali["post_id"],
                                "reason": "spam"}, RAVI)
    await feed.ok("decide_item", {"item_id": bengali["post_id"], "decision": "hide",
                                  "note": "test"}, MODERATOR)
    await index(engine)  # hidden: found neither by its words nor by words like them
    assert await ids(feed, "ডাক্তারের") == [("post", said["post_id"])]
    await feed.ok("flag_post", {"target_type": "post", "target_id": said["post_id"],
                                "reason": "spam"}, RAVI)
    await feed.ok("decide_item", {"item_id": said["post_id"], "decision": "hide",
                                  "note": "test"}, MODERATOR)
    await index(engine)  # nor the comments of a hidden post
    assert await ids(feed, "సూది") == [("post", telugu["post_id"])]


async def test_short_words_and_signs_are_no_trigram_query(feed: Tier, engine: AsyncEngine) -> None:
    """Two letters would match the start of too many words: the longer ones alone count."""
    assert sql.trigram_words("ab సూది, ডাক্তার!! -- 1=1 सूई") == ["సూది", "ডাক্তার", "सूई"]
    assert sql.trigram_words("'\\\" OR 1=1 --") == []
    await known_author(engine, MEERA.user_id)
    await feed.ok("create_post", {"community": "diabetes", "body": "abc def ghi"}, MEERA)
    await index(engine)
    assert await found(feed, "ab") == []
    assert [k for k, _ in await found(feed, "ab defs")] == ["post"]


async def test_the_trigram_match_can_use_its_index(engine: AsyncEngine) -> None:
    """The query's expressions are the indexes' (constants inlined): the planner may take
    the GIN trigram indexes, of posts and of comments (no timing: the plan of the very
    statement search sends)."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    async with engine.begin() as conn:
        sa.event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            await sql.search(conn, "సూది ডাক্তার", 20)
        finally:
            sa.event.remove(engine.sync_engine, "before_cursor_execute", capture)
        # Tables this empty are read whole: let the planner show what else it can do.
        await conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        await conn.execute(sa.text("SET LOCAL enable_indexscan = off"))
        [(statement, parameters)] = sent
        driver = (await conn.get_raw_connection()).driver_connection
        plan = "\n".join(row[0] for row in await driver.fetch("EXPLAIN " + statement,
                                                              *parameters))
    assert "searched_posts_trigrams" in plan and "comments_trigrams" in plan, plan
    assert "searched_posts_words" in plan and "comments_search" in plan, plan


async def test_pg_trgm_is_created_once_whoever_creates_it_and_when(
        engine: AsyncEngine) -> None:
    """The extension is the database's: created again, it is nothing; created by two at
    once (two processes preparing their tables), the second finds the first's and goes on."""
    async with engine.begin() as conn:
        await conn.execute(sql.TRIGRAMS)
        await conn.run_sync(sql.metadata.create_all)
        await conn.execute(sa.text("DROP EXTENSION pg_trgm CASCADE"))  # and its indexes
    async with engine.connect() as first, engine.connect() as second:
        await first.execute(sql.TRIGRAMS)  # not committed yet
        other = await second.scalar(sa.text("SELECT pg_backend_pid()"))
        racing = asyncio.create_task(second.execute(sql.TRIGRAMS))
        async with engine.connect() as watch, asyncio.timeout(30):  # until it waits on the first
            while not await watch.scalar(sa.text(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": other}):
                await asyncio.sleep(0.01)
        await first.commit()
        await racing  # a unique violation, caught in the server
        await second.commit()
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text(
            "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) == 1


async def test_matches_come_a_page_at_a_time_without_repeats_or_gaps(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    posted = set()
    for n in range(7):
        accepted = await feed.ok("create_post", {
            "community": "diabetes", "language": "en",
            "body": f"Insulin pens, question {n}: " + "insulin " * n}, MEERA)
        posted.add(accepted["post_id"])
    await index(engine)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await feed.ok("search", {"q": "insulin", "limit": 3, "cursor": cursor})
        seen += [i["link"].rsplit("/", 1)[1] for i in page["items"]]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 7 and set(seen) == posted  # 3 + 3 + 1
    for bad in ("not-a-cursor", "cmFua2VkfDk5OTk5", "cmFua2VkfC0x"):  # junk, too deep, < 0
        refused = await feed.call("search", {"q": "insulin", "cursor": bad}, MEERA)
        assert refused.status == 422 and refused.body["errors"][0]["field"] == "cursor"
