"""Published stories reach readers beyond the gallery, through the gateway on real NATS
and Postgres: an embargoed story enters the feed when its embargo is over, not before."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

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
