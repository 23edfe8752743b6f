"""Drug-information queries through the gateway: answered by a pharmacist reviewer and
seen by the asker as the verified team's; a patient cannot answer; an overdue query shows
in the queue and in the feed's metric."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    eventually,
    login,
    patient,
    register,
    running_platform,
)

SLA_HOURS = 2 / 3600  # two seconds: the test waits for a query to become overdue


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("drugs"),
                                          DRUG_QUERY_SLA_HOURS=str(SLA_HOURS),
                                          DRUG_QUERY_WATCH_S="0.2"):
        yield running


async def reviewer(client: httpx.AsyncClient) -> dict[str, str]:
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    user_id = await register(client, "reviewer@drugs.example.in", display_name="Pharmacist")
    await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                     json={"roles": ["pharmacist_reviewer"]})
    return await login(client, "reviewer@drugs.example.in")


def overdue_in_metrics(platform: Platform) -> float:
    port = platform.stack.metrics_ports["feed"]
    text = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    return next(float(line.split()[-1]) for line in text.splitlines()
                if line.startswith("pu_drug_queries_overdue "))


async def test_asked_answered_by_the_team_overdue_in_the_queue_and_the_metric(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, pharmacist = await patient(client), await reviewer(client)
        asked = await client.post("/v1/drug-queries", headers=meera, json={
            "medicine": "Metformin 500 mg", "question": "Can I take it on an empty stomach?",
            "language": "en"})
        assert asked.status_code == 201, asked.text
        query_id = asked.json()["query_id"]

        async def overdue_in_queue() -> bool:
            items = (await client.get("/v1/drug-queries", headers=pharmacist,
                                      params={"status": "open"})).json()["items"]
            return [(i["query_id"], i["overdue"]) for i in items] == [(query_id, True)]
        async def metric_shows(count: float) -> bool:
            return overdue_in_metrics(platform) == count
        await eventually(overdue_in_queue)
        await eventually(lambda: metric_shows(1))

        refused = await client.post(f"/v1/drug-queries/{query_id}/answer", headers=meera,
                                    json={"body": "I take it with food"})
        assert refused.status_code == 403
        answered = await client.post(f"/v1/drug-queries/{query_id}/answer",
                                     headers=pharmacist, json={
                                         "body": "Take it with meals to spare your stomach.",
                                         "references": ["NFI 2021"]})
        assert answered.status_code == 200, answered.text
        seen = (await client.get(f"/v1/drug-queries/{query_id}", headers=meera)).json()
        assert seen["answer"]["by"] == "verified drug-information team"
        assert seen["answer"]["references"] == ["NFI 2021"] and seen["overdue"] is False
        await eventually(lambda: metric_shows(0))
        assert (await client.get("/v1/drug-queries", headers=meera)).status_code == 403
        for body in ({"medicine": "", "question": "why?"},
                     {"medicine": "Aspirin", "question": "x" * 6000}):
            assert (await client.post("/v1/drug-queries", headers=meera, json=body)
                    ).status_code == 422

