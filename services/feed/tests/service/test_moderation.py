"""The community guidelines at work: holds, urgent flags, flags, the queue, decisions."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import projections
from feed.adapters import sql
from tests.service_tier import Tier, person

from .test_handlers import events, known_author, project

MEERA, RAVI = person("patient"), person("caregiver")
MODERATOR = person("moderator")


async def page(feed: Tier, community: str) -> list[str]:
    return [p["body"] for p in (await feed.ok("get_feed", {"community": community}))["items"]]


async def queue(feed: Tier, **filters: str) -> list[dict]:
    return (await feed.ok("moderation_queue", filters, MODERATOR))["items"]


async def test_a_post_with_a_phone_number_is_held_until_a_moderator_restores_it(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    held = await feed.ok("create_post", {"community": "diabetes",
                                         "body": "Call me on 98765 43210 for the diet chart"},
                         MEERA)
    assert held["status"] == "held" and held["notices"][0]["kind"] == "held"
    assert "phone number" in held["notices"][0]["message"]
    await project(engine)
    assert await page(feed, "diabetes") == []
    post_id = held["post_id"]
    assert (await feed.call("get_post", {"post_id": post_id}, RAVI)).status == 404
    assert (await feed.ok("get_post", {"post_id": post_id}, MEERA))["status"] == "held"
    [item] = await queue(feed)
    assert item["post_id"] == post_id and item["reasons"] == ["contact_details"]
    assert item["status"] == "held" and item["urgent"] is False

    restored = await feed.ok("decide_item", {"item_id": post_id, "decision": "restore",
                                             "note": "the number is a public helpline"},
                             MODERATOR)
    assert restored == {"item_id": post_id, "decision": "restore", "status": "published"}
    await project(engine)
    assert await page(feed, "diabetes") == ["Call me on 98765 43210 for the diet chart"]
    assert await queue(feed) == []


async def test_a_post_about_self_harm_is_published_flagged_urgently_with_the_helpline(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    await known_author(engine, RAVI.user_id)
    calm = await feed.ok("create_post", {"community": "mental-health",
                                         "body": "Walking helps my anxiety"}, RAVI)
    await feed.ok("flag_post", {"target_type": "post", "target_id": calm["post_id"],
                                "reason": "spam"}, MEERA)
    reply = await feed.call("create_post", {"community": "mental-health",
                                            "body": "मैं आत्महत्या के बारे में सोचती हूँ"},
                            MEERA, language="hi")
    assert reply.status == 201 and reply.body["status"] == "published"
    [notice] = reply.body["notices"]
    assert notice["kind"] == "helpline" and "14416" in notice["message"]
    assert "टेली-मानस" in notice["message"]
    await project(engine)
    assert "मैं आत्महत्या के बारे में सोचती हूँ" in await page(feed, "mental-health")
    first, second = await queue(feed)
    assert first["post_id"] == reply.body["post_id"] and first["urgent"] is True
    assert first["reasons"] == ["self_harm"] and second["post_id"] == calm["post_id"]


async def test_a_flagged_post_hidden_by_a_moderator_leaves_the_feed_and_stays_on_record(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, RAVI.user_id)
    posted = await feed.ok("create_post", {"community": "cancer",
                                           "body": "Stop chemo, drink this juice"}, RAVI)
    post_id = posted["post_id"]
    for _ in range(2):  # a second flag of Meera's, while the first is open, adds nothing
        await feed.ok("flag_post", {"target_type": "post", "target_id": post_id,
                                    "reason": "misinformation"}, MEERA)
    assert await events(engine) == 2
    assert [i["post_id"] for i in await queue(feed, reason="misinformation")] == [post_id]
    assert await queue(feed, reason="spam") == []
    assert [i["flags"] for i in await queue(feed, flagger=str(MEERA.user_id))] == [1]
    assert await queue(feed, flagger=str(RAVI.user_id)) == []
    assert (await feed.call("moderation_queue", {}, MEERA)).status == 403
    assert (await feed.call("decide_item", {"item_id": post_id, "decision": "hide",
                                            "note": "x"}, MEERA)).status == 403

    await feed.ok("decide_item", {"item_id": post_id, "decision": "hide",
                                  "note": "dangerous advice (rule 3)"}, MODERATOR)
    await project(engine)
    assert await page(feed, "cancer") == []
    assert (await feed.call("get_post", {"post_id": post_id}, MEERA)).status == 404
    assert (await feed.ok("get_post", {"post_id": post_id}, MODERATOR))["status"] == "hidden"
    again = await feed.call("decide_item", {"item_id": post_id, "decision": "dismiss",
                                            "note": "x"}, MODERATOR)
    assert again.status == 409
    flagged_again = await feed.call("flag_post", {"target_type": "post", "target_id": post_id,
                                                  "reason": "spam"}, MEERA)
    assert flagged_again.status == 404
    async with engine.connect() as conn:  # the audit trail: every decision is an event
        kinds = (await conn.scalars(sa.select(sql.store.events.c.event_type)
                                    .order_by(sql.store.events.c.position))).all()
    assert kinds == ["PostCreated", "PostFlagged", "PostModerated"]


async def test_keywords_hold_and_bad_decisions_change_nothing(feed: Tier,
                                                              engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    held = await feed.ok("create_post", {"community": "diabetes",
                                         "body": "A GUARANTEED cure for diabetes!"}, MEERA)
    assert held["status"] == "held"
    before = await events(engine)
    for body, status in (({"item_id": held["post_id"], "decision": "dismiss", "note": "x"},
                          409),
                         ({"item_id": held["post_id"], "decision": "ban", "note": "x"}, 422),
                         ({"item_id": held["post_id"], "decision": "hide", "note": ""}, 422),
                         ({"item_id": str(MEERA.user_id), "decision": "hide", "note": "x"},
                          404)):
        assert (await feed.call("decide_item", body, MODERATOR)).status == status, body
    assert (await feed.call("flag_post", {"target_type": "post", "target_id": held["post_id"],
                                          "reason": "rude"}, MEERA)).status == 422
    assert (await feed.call("moderation_queue", {"cursor": "bad"}, MODERATOR)).status == 422
    assert await events(engine) == before


async def test_the_posts_and_flags_models_are_rebuilt_from_the_events(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    held = await feed.ok("create_post", {"community": "hiv", "body": "mail me: a@b.in"},
                         MEERA)
    await feed.ok("create_post", {"community": "hiv", "body": "I want to die"}, MEERA)
    await feed.ok("decide_item", {"item_id": held["post_id"], "decision": "hide",
                                  "note": "contact details (rule 2)"}, MODERATOR)
    tables = (sql.posts, sql.flags)
    async with engine.begin() as conn:
        before = [sorted(map(tuple, (await conn.execute(sa.select(t))).all()), key=str)
                  for t in tables]
        for model in (projections.POSTS, projections.FLAGS):
            await model.replay(conn)
        after = [sorted(map(tuple, (await conn.execute(sa.select(t))).all()), key=str)
                 for t in tables]
    assert after == before


async def test_a_moderator_scoped_to_a_community_acts_only_there(feed: Tier,
                                                                  engine: AsyncEngine) -> None:
    partner, admin = person("moderator"), person("admin")
    await known_author(engine, MEERA.user_id)
    in_scope = await feed.ok("create_post", {"community": "diabetes",
                                             "body": "call 9876543210"}, MEERA)
    outside = await feed.ok("create_post", {"community": "cancer",
                                            "body": "mail me at a@b.in"}, MEERA)
    scoped = await feed.ok("scope_moderator", {"user_id": str(partner.user_id),
                                               "communities": ["diabetes"]}, admin)
    assert scoped["communities"] == ["diabetes"]
    assert [i["post_id"] for i in (await feed.ok("moderation_queue", {}, partner))["items"]
            ] == [in_scope["post_id"]]
    assert len((await feed.ok("moderation_queue", {}, admin))["items"]) == 2
    before = await events(engine)
    refused = await feed.call("decide_item", {"item_id": outside["post_id"],
                                              "decision": "restore", "note": "x"}, partner)
    assert refused.status == 403 and await events(engine) == before
    await feed.ok("decide_item", {"item_id": in_scope["post_id"], "decision": "restore",
                                  "note": "a clinic's public number"}, partner)
    for body, by, status in (
            ({"user_id": str(partner.user_id), "communities": ["astrology"]}, admin, 422),
            ({"user_id": str(partner.user_id), "communities": ["Diabetes"]}, admin, 422),
            ({"user_id": str(partner.user_id), "communities": []}, partner, 403)):
        assert (await feed.call("scope_moderator", body, by)).status == status, body
    await feed.ok("scope_moderator", {"user_id": str(partner.user_id), "communities": []},
                  admin)
    await feed.ok("decide_item", {"item_id": outside["post_id"], "decision": "hide",
                                  "note": "contact details (rule 2)"}, partner)
