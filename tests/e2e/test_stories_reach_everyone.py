"""Published stories reach readers beyond the gallery, through the gateway on real NATS
and Postgres: an embargoed story enters the feed (and search) when its embargo is over,
not before; a published story is found by search within its visibility, and is not
found once withdrawn or once its storyteller is erased."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.audio import tone
from tests.e2e.test_voices import SEGMENTS, curator, ok, released, told
from tests.platform import Platform, eventually, patient, running_platform


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """The platform, its voices looking for ended embargoes every 0.2 s."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("reach"),
                                          VOICES_EMBARGO_CHECK_S="0.2"):
        yield running


async def story_ids(client: httpx.AsyncClient, path: str) -> set[str]:
    return {item.get("story_id") for item in (await ok(client.get(path)))["items"]}


async def found(client: httpx.AsyncClient, q: str,
                reader: dict[str, str] | None = None) -> set[str]:
    """The stories search finds for the reader (None: an anonymous visitor)."""
    reply = await ok(client.get("/v1/search", params={"q": q}, headers=reader or {}))
    return {item["link"] for item in reply["items"] if item["kind"] == "story"}


async def published(client: httpx.AsyncClient, teller: dict[str, str],
                    curator_: dict[str, str], title: str, summary: str,
                    **release: Any) -> str:
    story_id = await told(client, teller, tone(2.0), title=title, summary=summary)
    await released(client, teller, story_id, SEGMENTS[:2], **release)
    await ok(client.post(f"/v1/curation/stories/{story_id}/decision", headers=curator_,
                         json={"decision": "approve"}))
    return story_id


async def test_an_embargoed_story_enters_the_feed_when_its_embargo_is_over(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        asha, farida = await patient(client, "Asha"), await curator(client, "Noor")
        story_id = await told(client, asha, tone(2.0))
        until = datetime.now(UTC) + timedelta(seconds=3)
        await released(client, asha, story_id, SEGMENTS[:2], visibility="embargoed",
                       until=until.isoformat())
        await ok(client.post(f"/v1/curation/stories/{story_id}/decision", headers=farida,
                             json={"decision": "approve"}))
        while datetime.now(UTC) < until - timedelta(seconds=0.5):  # before the embargo end
            assert story_id not in await story_ids(client, "/v1/feed?community=common")
            assert story_id not in await story_ids(client, "/v1/stories")
            assert (await client.get(f"/v1/stories/{story_id}")).status_code == 404

        async def in_the_feed() -> bool:
            return story_id in await story_ids(client, "/v1/feed?community=cancer")
        await eventually(in_the_feed, timeout=20)
        assert datetime.now(UTC) >= until
        assert story_id in await story_ids(client, "/v1/feed?community=common")
        assert story_id in await story_ids(client, "/v1/stories")
        shown = await ok(client.get(f"/v1/stories/{story_id}"))
        assert shown["visibility"] == "public" and shown["status"] == "published"

        async def searchable() -> bool:
            return f"/v1/stories/{story_id}" in await found(client, "chemo")
        await eventually(searchable, timeout=20)


async def test_search_finds_a_story_within_its_visibility_and_never_once_withdrawn(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        kiran, vani = await patient(client, "Kiran"), await patient(client, "Vani")
        reader, farida = await patient(client, "Reader"), await curator(client, "Salma")
        policy = await published(client, kiran, farida, "Waiting for insulin",
                                 "Ration cards and insulin pens", visibility="policy")
        members = await published(client, vani, farida, "Dialysis in Nagpur",
                                  "Three sessions a week of dialysis", visibility="members")
        public = await published(client, kiran, farida, "Living with thalassaemia",
                                 "Transfusions every month since childhood")
        flagged = await published(client, kiran, farida, "Tuberculosis in the family",
                                  "Six months of tablets for tuberculosis")

        async def indexed() -> bool:  # the story published last was found
            return f"/v1/stories/{flagged}" in await found(client, "tuberculosis")
        await eventually(indexed, timeout=20)
        assert await found(client, "transfusions", reader) == {f"/v1/stories/{public}"}
        assert await found(client, "dialysis", reader) == {f"/v1/stories/{members}"}
        assert await found(client, "dialysis") == set()  # members only: not for visitors
        for who in (None, reader):
            assert await found(client, "insulin", who) == set()  # for policy work only
        assert policy  # published, found by no one through search

        await ok(client.post(f"/v1/stories/{flagged}/flags", headers=reader,
                             json={"reason": "It names my neighbour"}), 201)
        await ok(client.post(f"/v1/curation/stories/{flagged}/flags/decision",
                             headers=farida, json={"decision": "take_down",
                                                   "note": "Leave out the neighbour"}))

        async def taken_down() -> bool:
            return await found(client, "tuberculosis", reader) == set()
        await eventually(taken_down, timeout=20)
        await ok(client.post(f"/v1/stories/{public}/withdraw", headers=kiran))

        async def withdrawn() -> bool:
            return await found(client, "thalassaemia") == set()
        await eventually(withdrawn, timeout=20)
        await ok(client.delete("/v1/me", headers=vani), 202)

        async def erased() -> bool:
            return await found(client, "dialysis", reader) == set()
        await eventually(erased, timeout=20)
