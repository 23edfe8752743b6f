"""Comments under the community guidelines: flagged, queued, hidden, restored, dismissed."""

from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import projections
from feed.adapters import sql
from feed.handlers.comments import REMOVED
from tests.service_tier import Tier, person

from .test_handlers import events
from .test_search import found

MEERA, RAVI, ASHA = person("patient"), person("caregiver"), person("patient")
MODERATOR, ADMIN = person("moderator"), person("admin")
ADVICE = "Stop your insulin and take this herbal powder instead"


async def thread(feed: Tier, engine: AsyncEngine, community: str = "diabetes") -> dict:
    """Meera's post, Ravi's comment on it and Asha's reply to that comment."""
    async with engine.begin() as conn:
        for who, name in ((MEERA, "Meera"), (RAVI, "Ravi"), (ASHA, "Asha")):
            await projections.upsert_author(conn, who.user_id, display_name=name)
    post = await feed.ok("create_post", {"community": community, "title": "Night sugar",
                                         "body": "My sugar drops at night"}, MEERA)
    comment = await feed.ok("add_comment", {"post_id": post["post_id"], "body": ADVICE}, RAVI)
    reply = await feed.ok("add_comment", {"post_id": post["post_id"], "body": "Is that safe?",
                                          "parent_id": comment["comment_id"]}, ASHA)
    return {"post_id": post["post_id"], "comment_id": comment["comment_id"],
            "reply_id": reply["comment_id"]}


async def queue(feed: Tier, by: object = MODERATOR, **filters: object) -> list[dict]:
    return (await feed.ok("moderation_queue", filters, by))["items"]


async def shown(feed: Tier, post_id: str, by: object = None) -> dict:
    [comment] = (await feed.ok("get_post", {"post_id": post_id}, by))["comments"]
    return comment


async def test_a_flagged_comment_is_queued_hidden_from_the_post_and_search_and_restored(
        feed: Tier, engine: AsyncEngine) -> None:
    ids = await thread(feed, engine)
    comment_id = ids["comment_id"]
    flagged = await feed.call("flag_post", {"target_type": "comment", "target_id": comment_id,
                                            "reason": "misinformation"}, MEERA)
    assert flagged.status == 201
    [item] = await queue(feed)
    assert {k: item[k] for k in ("item_id", "item_type", "post_id", "community", "status",
                                 "title", "body", "author_id", "author_name", "reasons",
                                 "flags", "urgent")} == {
        "item_id": comment_id, "item_type": "comment", "post_id": ids["post_id"],
        "community": "diabetes", "status": "published", "title": "Night sugar",
        "body": ADVICE, "author_id": str(RAVI.user_id), "author_name": "Ravi",
        "reasons": ["misinformation"], "flags": 1, "urgent": False}
    assert [i["item_id"] for i in await queue(feed, flagger=str(MEERA.user_id))] == [comment_id]
    assert await queue(feed, flagger=str(RAVI.user_id)) == []
    assert await queue(feed, reason="spam") == []
    assert ("comment", ADVICE) in await found(feed, "herbal powder")

    hidden = await feed.ok("decide_item", {"item_id": comment_id, "decision": "hide",
                                           "note": "dangerous advice (rule 3)"}, MODERATOR)
    assert hidden == {"item_id": comment_id, "decision": "hide", "status": "hidden"}
    assert await queue(feed) == []
    placeholder = await shown(feed, ids["post_id"], ASHA)
    assert placeholder["body"] == REMOVED and placeholder["status"] == "hidden"
    assert [r["body"] for r in placeholder["replies"]] == ["Is that safe?"]  # the thread stays
    assert (await shown(feed, ids["post_id"]))["body"] == REMOVED  # anonymous readers too
    for insider in (RAVI, MODERATOR):  # its author and the moderators still read it
        assert (await shown(feed, ids["post_id"], insider))["body"] == ADVICE
    assert await found(feed, "herbal powder") == []
    gone = await feed.call("flag_comment", {"comment_id": comment_id, "reason": "spam"}, ASHA)
    assert gone.status == 404
    reply = await feed.call("add_comment", {"post_id": ids["post_id"], "body": "why?",
                                            "parent_id": comment_id}, ASHA)
    assert reply.status == 422 and reply.body["errors"][0]["field"] == "parent_id"

    restored = await feed.ok("decide_item", {"item_id": comment_id, "decision": "restore",
                                             "note": "the author added a doctor's caution"},
                             MODERATOR)
    assert restored["status"] == "published"
    assert (await shown(feed, ids["post_id"], ASHA))["body"] == ADVICE
    assert ("comment", ADVICE) in await found(feed, "herbal powder")
    async with engine.connect() as conn:  # the audit trail: every decision an event
        trail = (await conn.execute(
            sa.select(sql.store.events.c.event_type, sql.store.events.c.data)
            .where(sql.store.events.c.stream_id == f"comment-{comment_id}")
            .order_by(sql.store.events.c.position))).all()
    assert [kind for kind, _ in trail] == ["CommentAdded", "CommentFlagged",
                                           "CommentModerated", "CommentModerated"]
    assert trail[2][1]["note"] == "dangerous advice (rule 3)"


async def test_each_person_flags_a_comment_once_and_a_dismissal_closes_the_flags(
        feed: Tier, engine: AsyncEngine) -> None:
    ids = await thread(feed, engine)
    comment_id = ids["comment_id"]
    await feed.ok("flag_comment", {"comment_id": comment_id, "reason": "misinformation"},
                  MEERA)
    before = await events(engine)
    again = await feed.call("flag_comment", {"comment_id": comment_id, "reason": "spam"}, MEERA)
    assert again.status == 409 and again.body["status"] == 409 and "already" in again.body["detail"]
    assert await events(engine) == before
    await feed.ok("flag_post", {"target_type": "comment", "target_id": comment_id,
                                "reason": "spam"}, ASHA)
    [item] = await queue(feed)
    assert item["flags"] == 2 and item["reasons"] == ["misinformation", "spam"]
    await feed.ok("decide_item", {"item_id": comment_id, "decision": "dismiss",
                                  "note": "a personal remedy, told as such"}, MODERATOR)
    assert await queue(feed) == []
    assert (await shown(feed, ids["post_id"], ASHA))["body"] == ADVICE
    dismissed_again = await feed.call("decide_item", {"item_id": comment_id,
                                                      "decision": "dismiss", "note": "x"},
                                      MODERATOR)
    assert dismissed_again.status == 409
    still_once = await feed.call("flag_comment", {"comment_id": comment_id, "reason": "spam"},
                                 MEERA)
    assert still_once.status == 409


async def test_bad_flags_and_decisions_on_comments_change_nothing(
        feed: Tier, engine: AsyncEngine) -> None:
    ids = await thread(feed, engine)
    before = await events(engine)
    for name, body, by, status in (
            ("flag_comment", {"comment_id": str(uuid4()), "reason": "spam"}, MEERA, 404),
            ("flag_post", {"target_type": "comment", "target_id": ids["post_id"],
                           "reason": "spam"}, MEERA, 404),  # a post's id is no comment's
            ("flag_comment", {"comment_id": ids["comment_id"], "reason": "rude"}, MEERA, 422),
            ("flag_comment", {"comment_id": ids["comment_id"], "reason": "spam"}, None, 401),
            ("decide_item", {"item_id": ids["comment_id"], "decision": "dismiss",
                             "note": "x"}, MODERATOR, 409),  # no open flag
            ("decide_item", {"item_id": ids["comment_id"], "decision": "restore",
                             "note": "x"}, MODERATOR, 409),  # not hidden
            ("decide_item", {"item_id": ids["comment_id"], "decision": "hide", "note": ""},
             MODERATOR, 422),
            ("decide_item", {"item_id": ids["comment_id"], "decision": "hide", "note": "x"},
             MEERA, 403)):
        reply = await feed.call(name, body, by)
        assert reply.status == status, (name, body, reply.body)
        assert reply.body["status"] == status and reply.body["title"]  # a problem
    assert await events(engine) == before


async def test_a_scoped_moderator_decides_on_comments_only_in_their_communities(
        feed: Tier, engine: AsyncEngine) -> None:
    partner = person("moderator")
    ids = await thread(feed, engine, community="cancer")
    await feed.ok("flag_comment", {"comment_id": ids["comment_id"], "reason": "spam"}, MEERA)
    await feed.ok("scope_moderator", {"user_id": str(partner.user_id),
                                      "communities": ["diabetes"]}, ADMIN)
    assert await queue(feed, partner) == []
    assert [i["item_id"] for i in await queue(feed, ADMIN)] == [ids["comment_id"]]
    before = await events(engine)
    refused = await feed.call("decide_item", {"item_id": ids["comment_id"], "decision": "hide",
                                              "note": "spam"}, partner)
    assert refused.status == 403 and await events(engine) == before
    await feed.ok("scope_moderator", {"user_id": str(partner.user_id),
                                      "communities": ["cancer"]}, ADMIN)
    await feed.ok("decide_item", {"item_id": ids["comment_id"], "decision": "hide",
                                  "note": "spam"}, partner)


async def test_self_harm_in_a_comment_flags_its_post_urgently_and_a_flag_of_one_too(
        feed: Tier, engine: AsyncEngine) -> None:
    ids = await thread(feed, engine)
    words = await feed.ok("add_comment", {"post_id": ids["post_id"],
                                          "body": "Some nights I want to die"}, ASHA)
    assert words["notices"][0]["kind"] == "helpline"
    await feed.ok("flag_comment", {"comment_id": ids["comment_id"], "reason": "spam"}, MEERA)
    await feed.ok("flag_comment", {"comment_id": ids["reply_id"], "reason": "self_harm"},
                  MEERA)
    urgent_post, urgent_comment, other = await queue(feed)
    assert (urgent_post["item_type"], urgent_post["item_id"]) == ("post", ids["post_id"])
    assert urgent_post["urgent"] and urgent_post["reasons"] == ["self_harm"]
    assert (urgent_comment["item_id"], urgent_comment["urgent"]) == (ids["reply_id"], True)
    assert (other["item_id"], other["urgent"]) == (ids["comment_id"], False)
    first = await feed.ok("moderation_queue", {"limit": 1}, MODERATOR)  # urgent ones, then one
    assert [i["item_id"] for i in first["items"]] == [ids["post_id"], ids["reply_id"],
                                                     ids["comment_id"]]
    # A decision on the post leaves the queue's comments of it as they are.
    await feed.ok("decide_item", {"item_id": ids["post_id"], "decision": "dismiss",
                                  "note": "the helpline was shown"}, MODERATOR)
    assert [i["item_id"] for i in await queue(feed)] == [ids["reply_id"], ids["comment_id"]]
    await feed.ok("delete_post", {"post_id": ids["post_id"]}, MEERA)  # its author takes it down
    assert await queue(feed) == []


async def test_comment_moderation_is_rebuilt_from_the_events(
        feed: Tier, engine: AsyncEngine) -> None:
    ids = await thread(feed, engine)
    await feed.ok("flag_comment", {"comment_id": ids["comment_id"], "reason": "spam"}, MEERA)
    await feed.ok("flag_comment", {"comment_id": ids["reply_id"], "reason": "other"}, MEERA)
    await feed.ok("decide_item", {"item_id": ids["comment_id"], "decision": "hide",
                                  "note": "spam (rule 6)"}, MODERATOR)
    tables = (sql.posts, sql.flags, sql.comments, sql.voice_notes)
    models = (projections.POSTS, projections.FLAGS, projections.COMMENTS,
              projections.VOICE_NOTES)
    async with engine.begin() as conn:
        before = [sorted(map(tuple, (await conn.execute(sa.select(t))).all()), key=str)
                  for t in tables]
        for model in models:
            await model.replay(conn)
        after = [sorted(map(tuple, (await conn.execute(sa.select(t))).all()), key=str)
                 for t in tables]
    assert after == before
    assert [len(rows) for rows in after[1:3]] == [2, 2]
    assert (await shown(feed, ids["post_id"]))["body"] == REMOVED
    assert [i["item_id"] for i in await queue(feed)] == [ids["reply_id"]]
