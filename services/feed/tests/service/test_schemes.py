"""The government health schemes directory: seeded once, in English and Hindi, filtered."""

import dataclasses

from sqlalchemy.ext.asyncio import AsyncEngine

from feed import schemes
from feed.bootstrap import deps_for
from feed.handlers.schemes import seed_schemes
from feed.settings import FeedSettings
from kit.usecases import Database
from tests.service_tier import Tier

from .test_handlers import events

REQUIRED = {"pm-jay", "cghs", "jan-aushadhi", "rashtriya-arogya-nidhi", "nikshay-poshan",
            "janani-suraksha", "rbsk", "pm-national-dialysis"}


async def seeded(engine: AsyncEngine, settings: FeedSettings) -> None:
    await seed_schemes(deps_for(Database(engine), settings))


async def slugs(feed: Tier, **query: str) -> list[str]:
    return [s["slug"] for s in (await feed.ok("list_schemes", query))["items"]]


async def test_the_central_schemes_are_listed_once_with_every_fact(
        feed: Tier, engine: AsyncEngine, settings: FeedSettings) -> None:
    await seeded(engine, settings)
    await seeded(engine, settings)  # a restart lists nothing again
    assert await events(engine) == len(schemes.SCHEMES)
    listed = (await feed.ok("list_schemes", {}))["items"]
    assert {s["slug"] for s in listed} >= REQUIRED
    for scheme in listed:
        assert all(scheme[f] for f in ("name", "covers", "eligibility", "how_to_apply",
                                       "documents", "helpline", "link")), scheme["slug"]
        assert scheme["link"].startswith("https://") and scheme["states"] == ["all"]
    pmjay = next(s for s in listed if s["slug"] == "pm-jay")
    assert "₹5 lakh" in pmjay["covers"] and pmjay["helpline"] == "14555"
    one = await feed.ok("get_scheme", {"scheme_id": pmjay["scheme_id"]})
    assert one == pmjay


async def test_in_hindi_and_by_state_need_and_words(feed: Tier, engine: AsyncEngine,
                                                     settings: FeedSettings) -> None:
    await seeded(engine, settings)
    hindi = await feed.call("list_schemes", {}, language="hi")
    names = {s["slug"]: s["name"] for s in hindi.body["items"]}
    assert names["nikshay-poshan"] == "नि-क्षय पोषण योजना"
    assert await slugs(feed, need="dialysis") == ["pm-national-dialysis"]
    assert len(await slugs(feed, state="kerala")) == len(schemes.SCHEMES)  # central: everywhere
    assert await slugs(feed, q="notified TB PATIENT") == ["nikshay-poshan"]
    assert "nikshay-poshan" in await slugs(feed, q="टीबी")
    assert await slugs(feed, q="no such thing anywhere") == []
    assert await slugs(feed, q="100%_cure") == []  # LIKE's wildcards are only text
    assert (await feed.call("get_scheme", {"scheme_id": "00000000-0000-4000-8000-00000000000"
                                                        "0"})).status == 404
    assert (await feed.call("list_schemes", {"state": "Kerala!"})).status == 422


async def test_changed_facts_are_published_again(feed: Tier, engine: AsyncEngine,
                                                 settings: FeedSettings,
                                                 monkeypatch: object) -> None:
    await seeded(engine, settings)
    first = schemes.SCHEMES[0]
    fixed = dataclasses.replace(first, helpline="14555 or 1800-11-4477")
    monkeypatch.setattr("feed.handlers.schemes.SCHEMES",  # type: ignore[attr-defined]
                        (fixed, *schemes.SCHEMES[1:]))
    await seeded(engine, settings)
    assert await events(engine) == len(schemes.SCHEMES) + 1
    shown = await feed.ok("get_scheme", {"scheme_id": str(first.scheme_id)})
    assert shown["helpline"] == "14555 or 1800-11-4477"
