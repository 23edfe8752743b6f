"""A post's language: the client's when it says, else told from the title and body, and
recorded in its PostCreated event like a given one."""

from sqlalchemy.ext.asyncio import AsyncEngine

from feed.adapters import sql
from tests.service_tier import Tier, person

from .test_handlers import known_author

MEERA = person("patient")


async def recorded(engine: AsyncEngine, post_id: str) -> str:
    """The language of the post's PostCreated event, as the store holds it."""
    async with engine.connect() as conn:
        [created] = [e for e in await sql.store.load(conn, f"post-{post_id}")
                     if e.event_type == "PostCreated"]
    return str(created.data["language"])


async def test_a_post_without_a_language_is_in_the_language_of_its_words(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    posts = {
        "hi": {"title": "दाता चाहिए", "body": "हर महीने रक्त चढ़ाने के लिए दाता ढूँढना मुश्किल है"},
        "en": {"body": "Finding blood donors every month is hard"},
        "ta": {"body": "நான் தினமும் மருந்துகளை எடுத்துக்கொள்கிறேன்"},
    }
    for language, words in posts.items():
        accepted = await feed.ok("create_post", {"community": "diabetes", **words}, MEERA)
        assert (await feed.ok("get_post", accepted))["language"] == language
        assert await recorded(engine, accepted["post_id"]) == language
    short = await feed.ok("create_post", {"community": "diabetes", "body": "ok"}, MEERA)
    assert (await feed.ok("get_post", short))["language"] == "en"  # too short to tell
    assert await recorded(engine, short["post_id"]) == "en"


async def test_a_language_the_client_gives_is_kept(feed: Tier, engine: AsyncEngine) -> None:
    """Even where the words seem another's (a Hindi speaker writing in English, say)."""
    await known_author(engine, MEERA.user_id)
    for language in ("hi", "en"):
        accepted = await feed.ok("create_post", {
            "community": "diabetes", "language": language,
            "body": "Finding blood donors every month is hard"}, MEERA)
        assert (await feed.ok("get_post", accepted))["language"] == language
        assert await recorded(engine, accepted["post_id"]) == language
    explicit_none = await feed.ok("create_post", {
        "community": "diabetes", "language": None,
        "body": "हर महीने रक्त चढ़ाने के लिए दाता ढूँढना मुश्किल है"}, MEERA)
    assert (await feed.ok("get_post", explicit_none))["language"] == "hi"
    assert (await feed.call("create_post", {"community": "diabetes", "language": "fr",
                                            "body": "Bonjour"}, MEERA)).status == 422


async def test_a_comment_without_a_language_is_in_the_language_of_its_words(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    post = await feed.ok("create_post", {"community": "diabetes", "language": "en",
                                         "body": "Finding blood donors every month is hard"},
                         MEERA)
    said = {"hi": "मेरे भाई को भी हर महीने दाता ढूँढने पड़ते हैं", "en": "Same here, every month",
            None: "ok"}
    for body in said.values():
        await feed.ok("add_comment", {"post_id": post["post_id"], "body": body}, MEERA)
    await feed.ok("add_comment", {"post_id": post["post_id"], "body": "Same here, every month",
                                  "language": "hi"}, MEERA)  # given: kept
    comments = (await feed.ok("get_post", post))["comments"]
    assert [(c["body"], c["language"]) for c in comments] == [
        (said["hi"], "hi"), (said["en"], "en"), ("ok", "en"), ("Same here, every month", "hi")]
