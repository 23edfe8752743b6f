"""Curated resources and events through the HANDLERS entries, and the seeded health days."""

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from feed import health_days
from feed.bootstrap import deps_for
from feed.handlers.gatherings import seed_health_days
from feed.settings import FeedSettings
from kit.usecases import Database
from tests.service_tier import Tier, person

from .test_handlers import events

ADMIN, MEERA = person("admin"), person("patient")
VIDEO = {"title": "Living well on dialysis", "kind": "video",
         "organisation": "Kidney Warriors Foundation", "language": "hi",
         "communities": ["kidney-health"], "link": "https://example.org/dialysis-video",
         "summary": "Diet and fluids between sessions"}


async def test_admins_curate_resources_everyone_finds_them(feed: Tier,
                                                           engine: AsyncEngine) -> None:
    added = await feed.ok("add_resource", VIDEO, ADMIN)
    await feed.ok("add_resource", {**VIDEO, "title": "Insulin at school", "kind": "written",
                                   "language": "en", "communities": ["diabetes"],
                                   "link": "https://example.org/insulin",
                                   "summary": "For teachers and parents"}, ADMIN)
    assert [r["title"] for r in (await feed.ok("list_resources", {
        "community": "kidney-health"}))["items"]] == ["Living well on dialysis"]
    assert [r["title"] for r in (await feed.ok("list_resources", {"language": "en"}))["items"]
            ] == ["Insulin at school"]
    assert [r["title"] for r in (await feed.ok("list_resources", {"q": "FLUIDS"}))["items"]
            ] == ["Living well on dialysis"]
    before = await events(engine)
    for body, by, status in ((VIDEO, MEERA, 403), ({**VIDEO, "link": "http://x.in"}, ADMIN, 422),
                             ({**VIDEO, "communities": ["astrology"]}, ADMIN, 422),
                             ({**VIDEO, "kind": "podcast"}, ADMIN, 422)):
        assert (await feed.call("add_resource", body, by)).status == status, body
    assert await events(engine) == before
    await feed.ok("retire_resource", {"resource_id": added["resource_id"]}, ADMIN)
    assert (await feed.ok("list_resources", {"community": "kidney-health"}))["items"] == []
    assert (await feed.call("retire_resource", {"resource_id": str(MEERA.user_id)}, ADMIN)
            ).status == 404


async def test_events_are_listed_soonest_first_from_a_date_and_cancelled(
        feed: Tier, engine: AsyncEngine) -> None:
    meeting = await feed.ok("schedule_gathering", {
        "title": "Patients' rights workshop, Lucknow", "kind": "workshop",
        "starts_at": "2027-01-20T10:00:00+05:30", "ends_at": "2027-01-20T13:00:00+05:30",
        "place": "Lucknow", "language": "hi", "communities": ["health-policy-schemes"]}, ADMIN)
    await feed.ok("schedule_gathering", {
        "title": "Webinar: TB and nutrition", "kind": "webinar",
        "starts_at": "2027-01-10T18:00:00+05:30",
        "online_link": "https://meet.example.org/tb", "communities": ["tuberculosis"]}, ADMIN)
    upcoming = await feed.ok("upcoming_gatherings", {"from": "2027-01-01T00:00:00Z"})
    assert [g["title"] for g in upcoming["items"]] == ["Webinar: TB and nutrition",
                                                      "Patients' rights workshop, Lucknow"]
    mine = await feed.ok("upcoming_gatherings", {"from": "2027-01-01T00:00:00Z",
                                                 "community": "tuberculosis"})
    assert [g["title"] for g in mine["items"]] == ["Webinar: TB and nutrition"]
    for body in ({"title": "Nowhere", "kind": "workshop", "starts_at": "2027-02-01T10:00Z"},
                 {"title": "Backwards", "kind": "webinar", "starts_at": "2027-02-01T10:00Z",
                  "ends_at": "2027-01-01T10:00Z", "online_link": "https://m.example.org"}):
        assert (await feed.call("schedule_gathering", body, ADMIN)).status == 422
    await feed.ok("cancel_gathering", {"gathering_id": meeting["gathering_id"]}, ADMIN)
    left = await feed.ok("upcoming_gatherings", {"from": "2027-01-01T00:00:00Z"})
    assert [g["title"] for g in left["items"]] == ["Webinar: TB and nutrition"]


async def test_the_health_days_of_the_year_ahead_are_seeded_once(
        feed: Tier, engine: AsyncEngine, settings: FeedSettings) -> None:
    deps = deps_for(Database(engine), settings)
    await seed_health_days(deps)
    await seed_health_days(deps)
    assert await events(engine) == len(health_days.HEALTH_DAYS)
    listed = (await feed.ok("upcoming_gatherings", {}))["items"]
    assert len(listed) == len(health_days.HEALTH_DAYS)
    assert all(g["kind"] == "health_day" for g in listed)
    ahead = health_days.ahead(date(2026, 12, 1))
    assert ahead[0].title == "World AIDS Day" and ahead[0].starts_at == datetime(
        2026, 12, 1, tzinfo=UTC)
    assert ahead[-1].title == "World Diabetes Day"  # 14 November 2027, the last ahead
