"""Notifications through the HANDLERS entries, fed by the projection from the store."""

from datetime import timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import notifications
from feed.adapters import sql
from tests.service_tier import Tier, person

from .test_handlers import known_author

ARJUN, MEERA = person("patient"), person("caregiver")


class Told:
    def __init__(self) -> None:
        self.delivered: list[tuple[UUID, str]] = []

    async def deliver(self, user_id: UUID, kind: str, message: str) -> None:
        self.delivered.append((user_id, kind))


async def project(engine: AsyncEngine, notifier: Told) -> None:
    projection = notifications.notifications(notifier)
    async with engine.begin() as conn:
        envelopes = await sql.store.read_all(conn)
        known = [e for e in envelopes if projection.handler_for(e.event_type)]
        await projection.apply(conn, [projection.registry.decode(e) for e in known], known)


async def test_comments_reactions_and_answers_notify_the_author_once_and_are_read(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, ARJUN.user_id)
    post_id = (await feed.ok("create_post", {"community": "hiv", "body": "Day 100 on ART"},
                             ARJUN))["post_id"]
    proud = await feed.ok("add_comment", {"post_id": post_id, "body": "Proud of you"}, MEERA)
    await feed.ok("add_comment", {"post_id": post_id, "body": "Thanks",
                                  "parent_id": proud["comment_id"]}, ARJUN)
    await feed.ok("react", {"post_id": post_id, "kind": "helpful"}, MEERA)
    told = Told()
    await project(engine, told)
    await project(engine, told)  # redelivered events tell no one twice
    async with engine.begin() as conn:  # a rebuild empties the read model and replays
        await conn.execute(sql.notifications.delete())
    await project(engine, told)
    assert sorted(told.delivered) == sorted([(ARJUN.user_id, "comment_on_post"),
                                            (ARJUN.user_id, "reaction_to_post"),
                                            (MEERA.user_id, "reply_to_comment")])
    page = await feed.ok("my_notifications", {}, ARJUN)
    assert page["unread_count"] == 2 and "(helpful)" in page["items"][0]["text"]
    read = await feed.ok("mark_notifications_read",
                         {"ids": [page["items"][0]["notification_id"]]}, ARJUN)
    assert read["unread_count"] == 1
    assert [i["read"] for i in (await feed.ok("my_notifications", {}, ARJUN))["items"]] == [
        True, False]
    refused = await feed.call("mark_notifications_read",
                              {"ids": [page["items"][1]["notification_id"]]}, MEERA)
    assert refused.status == 422 and refused.body["errors"][0]["field"] == "ids"
    assert (await feed.ok("my_notifications", {"unread": True}, ARJUN))["unread_count"] == 1


async def test_a_rebuild_replaying_old_events_tells_no_one_again(feed: Tier,
                                                                 engine: AsyncEngine) -> None:
    await known_author(engine, ARJUN.user_id)
    post_id = (await feed.ok("create_post", {"community": "hiv", "body": "Old news"},
                             ARJUN))["post_id"]
    await feed.ok("add_comment", {"post_id": post_id, "body": "Seen"}, MEERA)
    async with engine.begin() as conn:  # as if these events were two days old
        events = sql.store.events
        await conn.execute(events.update().values(
            occurred_at=events.c.occurred_at - timedelta(days=2)))
    told = Told()
    await project(engine, told)
    assert told.delivered == []
    async with engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(
            sql.notifications)) == 1


async def test_a_commenter_hears_of_a_moderator_hiding_and_restoring_their_comment(
        feed: Tier, engine: AsyncEngine) -> None:
    await known_author(engine, ARJUN.user_id)
    moderator = person("moderator")
    post_id = (await feed.ok("create_post", {"community": "hiv", "body": "Day 200 on ART"},
                             ARJUN))["post_id"]
    comment = await feed.ok("add_comment", {"post_id": post_id, "body": "Buy my cure"}, MEERA)
    await feed.ok("flag_comment", {"comment_id": comment["comment_id"], "reason": "spam"},
                  ARJUN)
    for decision in ("hide", "restore"):
        await feed.ok("decide_item", {"item_id": comment["comment_id"], "decision": decision,
                                      "note": "checked"}, moderator)
    told = Told()
    await project(engine, told)
    assert [kind for user, kind in told.delivered if user == MEERA.user_id] == [
        "comment_hidden", "comment_restored"]
    texts = [i["text"] for i in (await feed.ok("my_notifications", {}, MEERA))["items"]]
    assert texts == ["A moderator showed your comment again.",
                     "A moderator hid your comment under the community guidelines."]
