"""An author's edits and deletion, a post's history, and the policy-inputs report."""

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncEngine

from feed import handlers
from feed.adapters import sql
from feed.bootstrap import deps_for
from feed.settings import FeedSettings
from kit.usecases import Database, serve
from tests.service_tier import Tier, person

from .test_handlers import events, known_author, project

MEERA, RAVI, MODERATOR = person("patient"), person("caregiver"), person("moderator")


async def page(feed: Tier) -> list[str]:
    return [p["body"] for p in (await feed.ok("get_feed", {"community": "cancer"}))["items"]]


async def test_the_author_edits_keeping_the_history_and_deletes(feed: Tier,
                                                                engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    post_id = (await feed.ok("create_post", {"community": "cancer", "body": "Chemo day 1"},
                             MEERA))["post_id"]
    edited = await feed.ok("edit_post", {"post_id": post_id, "title": "Chemo diary",
                                         "body": "Chemo day 1: tired but fine"}, MEERA)
    assert edited["status"] == "published"
    await project(engine)
    assert await page(feed) == ["Chemo day 1: tired but fine"]
    view = await feed.ok("get_post", {"post_id": post_id})
    assert view["title"] == "Chemo diary" and view["edited_at"] is not None
    history = await feed.ok("post_history", {"post_id": post_id}, MEERA)
    assert [v["body"] for v in history["versions"]] == ["Chemo day 1",
                                                        "Chemo day 1: tired but fine"]
    assert (await feed.call("post_history", {"post_id": post_id}, RAVI)).status == 404
    assert (await feed.ok("post_history", {"post_id": post_id}, MODERATOR))["versions"]
    before = await events(engine)
    assert (await feed.call("edit_post", {"post_id": post_id, "body": "mine now"}, RAVI)
            ).status == 403
    assert (await feed.call("delete_post", {"post_id": post_id}, RAVI)).status == 403
    assert await events(engine) == before
    await feed.ok("flag_post", {"target_type": "post", "target_id": post_id,
                                "reason": "spam"}, RAVI)
    await feed.ok("delete_post", {"post_id": post_id}, MEERA)
    assert (await feed.ok("moderation_queue", {}, MODERATOR))["items"] == []
    await project(engine)
    assert await page(feed) == []
    assert (await feed.call("get_post", {"post_id": post_id}, RAVI)).status == 404
    assert (await feed.call("delete_post", {"post_id": post_id}, MEERA)).status == 404
    assert (await feed.ok("post_history", {"post_id": post_id}, MEERA))["deleted_at"]


async def test_an_edit_with_contact_details_is_held_again(feed: Tier,
                                                         engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    post_id = (await feed.ok("create_post", {"community": "cancer", "body": "Support group"},
                             MEERA))["post_id"]
    held = await feed.ok("edit_post", {"post_id": post_id,
                                       "body": "Support group: call 9876543210"}, MEERA)
    assert held["status"] == "held" and held["notices"][0]["kind"] == "held"
    await project(engine)
    assert await page(feed) == []
    [item] = (await feed.ok("moderation_queue", {}, MODERATOR))["items"]
    assert item["post_id"] == post_id and item["reasons"] == ["contact_details"]


async def test_policy_inputs_are_reported_by_community_and_theme(feed: Tier,
                                                                 engine: AsyncEngine) -> None:
    await known_author(engine, MEERA.user_id)
    for community, title, body in (
            ("kidney-health", "Dialysis costs", "=HYPERLINK(\"x\") Dialysis costs too much"),
            ("diabetes", "Insulin supply", "Insulin runs out at the PHC every month"),
            ("kidney-health", "Dialysis costs", "Travel to the unit costs more than the session"),
            ("kidney-health", None, "Dialysis units need more staff at night")):
        await feed.ok("create_post", {"community": community, "kind": "policy_input",
                                      "title": title, "body": body}, MEERA)
    await feed.ok("create_post", {"community": "diabetes", "body": "not a policy input"},
                  MEERA)
    listed = (await feed.ok("policy_inputs", {}, MODERATOR))["items"]
    assert [(i["community"], i["theme"]) for i in listed] == [
        ("diabetes", "Insulin supply"), ("kidney-health", "Dialysis costs"),
        ("kidney-health", "Dialysis costs"),
        ("kidney-health", "Dialysis units need more staff at night")]
    csv = await feed.call("policy_inputs", {"format": "csv"}, MODERATOR)
    text = csv.body.decode()
    assert csv.content_type.startswith("text/csv") and text.startswith("\ufeff")
    assert "\"'=HYPERLINK" in text  # a formula is only text
    markdown = (await feed.call("policy_inputs", {"format": "markdown",
                                                  "community": "kidney-health"},
                                MODERATOR)).body.decode()
    assert markdown.splitlines()[2:5] == ["## kidney-health", "", "### Dialysis costs"]
    assert "Insulin" not in markdown
    assert (await feed.call("policy_inputs", {}, MEERA)).status == 403
    assert (await feed.call("policy_inputs", {"from": "yesterday"}, MODERATOR)).status == 422


async def test_a_period_with_more_policy_inputs_than_a_report_carries_is_refused_not_cut(
        engine: AsyncEngine, settings: FeedSettings) -> None:
    db = Database(engine)
    small = Tier("feed", serve(handlers.HANDLERS, replace(deps_for(db, settings),
                                                          policy_report_max=2),
                               errors=handlers.ERRORS, db=db, idempotency=sql.idempotency))
    await known_author(engine, MEERA.user_id)
    for n in range(3):
        await small.ok("create_post", {"community": "diabetes", "kind": "policy_input",
                                       "body": f"Insulin ran out again, week {n}"}, MEERA)
    for format in ("json", "csv", "markdown"):
        refused = await small.call("policy_inputs", {"format": format}, MODERATOR)
        assert refused.status == 422, format
        assert "more than 2 policy inputs" in refused.body["detail"]
    one_community = await small.call("policy_inputs", {"community": "hiv"}, MODERATOR)
    assert one_community.status == 200 and one_community.body["items"] == []
