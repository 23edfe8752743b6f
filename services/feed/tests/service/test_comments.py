"""Comments, replies and reactions on a post, through the HANDLERS entries."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import projections
from feed.adapters import sql
from tests.service_tier import Tier, person

from .test_handlers import events

MEERA, RAVI, DOCTOR = person("patient"), person("caregiver"), person("professional")
MODERATOR = person("moderator")


async def question(feed: Tier, engine: AsyncEngine) -> str:
    async with engine.begin() as conn:
        for who, name in ((MEERA, "Meera"), (RAVI, "Ravi"), (DOCTOR, "Dr. Rao")):
            await projections.upsert_author(conn, who.user_id, display_name=name)
        await projections.verify_author(conn, projections.ProfessionalVerified(
            user_id=DOCTOR.user_id, profession="doctor"), None)  # type: ignore[arg-type]
    return (await feed.ok("create_post", {"community": "diabetes", "kind": "question",
                                          "body": "Is metformin safe with kidney disease?"},
                          MEERA))["post_id"]


async def test_comments_with_one_level_of_replies_and_the_professionals_answer_marked(
        feed: Tier, engine: AsyncEngine) -> None:
    post_id = await question(feed, engine)
    answer = await feed.ok("add_comment", {"post_id": post_id, "body": "Ask for your eGFR"},
                           DOCTOR)
    thanks = await feed.ok("add_comment", {"post_id": post_id, "parent_id":
                                           answer["comment_id"], "body": "धन्यवाद डॉक्टर",
                                           "language": "hi"}, MEERA)
    await feed.ok("add_comment", {"post_id": post_id, "body": "Same question here"}, RAVI)
    deeper = await feed.call("add_comment", {"post_id": post_id, "body": "and me",
                                             "parent_id": thanks["comment_id"]}, RAVI)
    assert deeper.status == 422 and deeper.body["errors"][0]["field"] == "parent_id"
    view = await feed.ok("get_post", {"post_id": post_id})
    first, second = view["comments"]
    assert first["body"] == "Ask for your eGFR" and first["professional_answer"] is True
    assert [r["body"] for r in first["replies"]] == ["धन्यवाद डॉक्टर"]
    assert first["replies"][0]["professional_answer"] is False
    assert first["author"] == {"user_id": str(DOCTOR.user_id), "display_name": "Dr. Rao",
                               "verified": True, "profession": "doctor"}
    assert second["author"]["display_name"] == "Ravi" and second["replies"] == []


async def test_reactions_count_once_per_person_and_kind_with_mine(
        feed: Tier, engine: AsyncEngine) -> None:
    post_id = await question(feed, engine)
    for who, kind in ((RAVI, "same_here"), (RAVI, "same_here"), (RAVI, "support"),
                      (DOCTOR, "support")):
        await feed.ok("react", {"post_id": post_id, "kind": kind}, who)
    after = await feed.ok("unreact", {"post_id": post_id, "kind": "support"}, DOCTOR)
    assert after == {"counts": {"support": 1, "helpful": 0, "same_here": 1}, "mine": []}
    mine = (await feed.ok("get_post", {"post_id": post_id}, RAVI))["reactions"]
    assert mine == {"counts": {"support": 1, "helpful": 0, "same_here": 1},
                    "mine": ["same_here", "support"]}
    assert (await feed.ok("get_post", {"post_id": post_id}))["reactions"]["mine"] == []
    assert await events(engine) == 1 + 3 + 1  # the post, three reactions, one withdrawn


async def test_what_cannot_be_commented_or_reacted_is_a_problem_and_changes_nothing(
        feed: Tier, engine: AsyncEngine) -> None:
    post_id = await question(feed, engine)
    held = (await feed.ok("create_post", {"community": "diabetes",
                                          "body": "call 9876543210"}, MEERA))["post_id"]
    before = await events(engine)
    for body, status in (
            ({"post_id": held, "body": "hello"}, 404),
            ({"post_id": str(MEERA.user_id), "body": "hello"}, 404),
            ({"post_id": post_id, "body": "mail me at a@b.in"}, 422),
            ({"post_id": post_id, "body": ""}, 422),
            ({"post_id": post_id, "body": "x", "parent_id": post_id}, 422)):
        assert (await feed.call("add_comment", body, RAVI)).status == status, body
    assert (await feed.call("react", {"post_id": held, "kind": "support"}, RAVI)).status == 404
    assert (await feed.call("react", {"post_id": post_id, "kind": "like"}, RAVI)).status == 422
    assert (await feed.call("add_comment", {"post_id": post_id, "body": "x"})).status == 401
    assert await events(engine) == before


async def test_a_comment_about_self_harm_flags_its_post_urgently_with_the_helpline(
        feed: Tier, engine: AsyncEngine) -> None:
    post_id = await question(feed, engine)
    reply = await feed.ok("add_comment", {"post_id": post_id,
                                          "body": "I feel like ending it all"}, RAVI)
    assert "14416" in reply["notices"][0]["message"]
    [item] = (await feed.ok("moderation_queue", {}, MODERATOR))["items"]
    assert item["post_id"] == post_id and item["urgent"] is True


async def test_comments_and_reactions_are_rebuilt_from_the_events(
        feed: Tier, engine: AsyncEngine) -> None:
    post_id = await question(feed, engine)
    await feed.ok("add_comment", {"post_id": post_id, "body": "Ask your nephrologist"}, RAVI)
    await feed.ok("react", {"post_id": post_id, "kind": "helpful"}, RAVI)
    await feed.ok("react", {"post_id": post_id, "kind": "support"}, RAVI)
    await feed.ok("unreact", {"post_id": post_id, "kind": "helpful"}, RAVI)
    async with engine.begin() as conn:
        tables = (sql.comments, sql.reactions)
        before = [sorted(map(tuple, (await conn.execute(sa.select(t))).all()), key=str)
                  for t in tables]
        for model in (projections.COMMENTS, projections.REACTIONS):
            await model.replay(conn)
        assert [sorted(map(tuple, (await conn.execute(sa.select(t))).all()), key=str)
                for t in tables] == before
