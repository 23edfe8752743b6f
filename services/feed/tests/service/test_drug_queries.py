"""Drug-information queries through the HANDLERS entries: asked, queued oldest first,
answered by a pharmacist reviewer only, overdue past the team's time to answer."""

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from feed import watch
from feed.adapters import sql
from feed.bootstrap import deps_for
from feed.settings import FeedSettings
from kit.usecases import Database
from tests.service_tier import Tier, person

from .test_handlers import events

MEERA, RAVI = person("patient"), person("caregiver")
REVIEWER, DOCTOR = person("pharmacist_reviewer"), person("professional")


async def ask(feed: Tier, medicine: str, who: object = MEERA) -> str:
    return (await feed.ok("ask_drug_query", {
        "medicine": medicine, "question": f"Can I take {medicine} with milk?"}, who))["query_id"]


async def test_a_reviewer_answers_and_the_asker_sees_the_teams_answer(feed: Tier) -> None:
    query_id = await ask(feed, "Levothyroxine")
    answered = await feed.ok("answer_drug_query", {
        "query_id": query_id, "body": "Take it with water, 30 minutes before breakfast.",
        "references": ["NFI 2021, p. 412"]}, REVIEWER)
    assert answered["status"] == "answered" and answered["overdue"] is False
    mine = await feed.ok("get_drug_query", {"query_id": query_id}, MEERA)
    assert mine["answer"]["by"] == "verified drug-information team"
    assert mine["answer"]["verified"] is True
    assert mine["answer"]["references"] == ["NFI 2021, p. 412"]
    assert "reviewer" not in str(mine)
    assert [q["query_id"] for q in (await feed.ok("my_drug_queries", {}, MEERA))["items"]] == [
        query_id]
    assert (await feed.ok("my_drug_queries", {}, RAVI))["items"] == []
    assert (await feed.call("get_drug_query", {"query_id": query_id}, RAVI)).status == 404
    again = await feed.call("answer_drug_query", {"query_id": query_id,
                                                  "body": "a second opinion"}, REVIEWER)
    assert again.status == 409


async def test_only_reviewers_answer_or_see_the_queue(feed: Tier, engine: AsyncEngine) -> None:
    query_id = await ask(feed, "Metformin")
    before = await events(engine)
    for who in (MEERA, DOCTOR, RAVI):
        assert (await feed.call("answer_drug_query", {"query_id": query_id,
                                                      "body": "I think it is fine"}, who)
                ).status == 403
        assert (await feed.call("drug_query_queue", {}, who)).status == 403
    assert (await feed.call("answer_drug_query", {"query_id": str(MEERA.user_id),
                                                  "body": "no such query"}, REVIEWER)
            ).status == 404
    assert (await feed.call("ask_drug_query", {"medicine": "x", "question": "short"},
                            MEERA)).status == 422
    assert (await feed.call("ask_drug_query", {
        "medicine": "Insulin", "question": "Call me on 9876543210 please"}, MEERA)
            ).status == 422
    assert await events(engine) == before


async def test_the_queue_is_oldest_first_with_age_and_overdue_past_the_sla(
        feed: Tier, engine: AsyncEngine, settings: FeedSettings) -> None:
    first, second, third = [await ask(feed, m) for m in ("Amlodipine", "Warfarin", "Aspirin")]
    q = sql.drug_queries
    async with engine.begin() as conn:  # the first was asked three days ago
        await conn.execute(q.update().where(q.c.query_id == first)
                           .values(asked_at=q.c.asked_at - timedelta(days=3)))
    await feed.ok("answer_drug_query", {"query_id": third, "body": "Not on an empty "
                                        "stomach."}, REVIEWER)
    queue = (await feed.ok("drug_query_queue", {"status": "open"}, REVIEWER))["items"]
    assert [item["query_id"] for item in queue] == [first, second]
    assert queue[0]["overdue"] is True and queue[0]["age_hours"] >= 72
    assert queue[1]["overdue"] is False
    paged = await feed.ok("drug_query_queue", {"limit": 1}, REVIEWER)
    rest = await feed.ok("drug_query_queue", {"cursor": paged["next_cursor"]}, REVIEWER)
    assert [q["query_id"] for q in paged["items"] + rest["items"]] == [first, second, third]

    deps = deps_for(Database(engine), settings)
    watching = asyncio.create_task(watch.overdue_drug_queries(deps, every=0.01))
    try:
        while watch.OVERDUE_DRUG_QUERIES._value.get() != 1:
            await asyncio.sleep(0.01)
    finally:
        watching.cancel()

