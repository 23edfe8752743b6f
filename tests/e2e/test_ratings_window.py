"""Only the last 24 months count, through the gateway: the ratings service restarted with
its clock 731 days ahead (RATINGS_CLOCK_OFFSET_DAYS, the injectable clock)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.e2e.test_ratings import directory_settled, rate, rating_of
from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, patient, running_platform


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("window"),
                                           SANDBOX_HOURS="0"):
        yield running


async def test_ratings_older_than_24_months_drop_out_of_the_score(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        hospital = (await client.post("/v1/providers", headers=admin, json={
            "kind": "hospital", "name": "District Hospital", "city": "Wardha",
            "state": "Maharashtra", "type": "government"})).json()["provider_id"]
        meera, arjun, kavya = [await patient(client, n) for n in ("Meera", "Arjun", "Kavya")]
        await directory_settled(platform)
        for who, stars in ((meera, 1), (arjun, 5)):
            assert (await rate(client, who, hospital, stars)).json()["status"] == "counted"
        assert (await rating_of(platform, client, hospital))["count"] == 2

        platform.stack.stop_process("ratings")
        platform.stack.env["RATINGS_CLOCK_OFFSET_DAYS"] = "731"
        platform.stack.start_process("ratings")
        platform.stack.wait_ready()

        gone = await rating_of(platform, client, hospital)
        assert gone["count"] == 0 and gone["score"] is None
        assert gone["confidence"]["level"] == "no ratings"
        listed = await listed_rating(client, "District Hospital")  # refreshed at start
        assert listed == gone
        await rate(client, kavya, hospital, 3)
        now = await rating_of(platform, client, hospital)
        assert now["count"] == 1 and now["average"] == 3.0 and now["prior"]["mean"] == 3.0
        revised = await rate(client, meera, hospital, 2)  # a fresh account of the experience
        assert revised.json()["revised"] is True
        back = await rating_of(platform, client, hospital)
        assert back["count"] == 2 and back["average"] == 2.5
        assert back["histogram"] == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0}

        # After the window moved, a rebuild of the scores gives the same numbers.
        before = await listed_rating(client, "District Hospital")
        assert before["count"] == 2
        rebuilt = await client.post("/v1/admin/projections/ratings/scores/rebuild",
                                    headers=admin)
        assert rebuilt.status_code == 202, rebuilt.text
        assert await rating_of(platform, client, hospital) == back
        assert await listed_rating(client, "District Hospital") == before


async def listed_rating(client: httpx.AsyncClient, name: str) -> dict:
    reply = await client.get("/v1/providers", params={"kind": "hospital", "q": name})
    [item] = reply.json()["items"]
    return item["rating"]
