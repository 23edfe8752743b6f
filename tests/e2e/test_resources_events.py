"""Curated resources and events through the gateway: admins list, everyone reads."""

import httpx

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, patient


async def test_admins_list_resources_and_events_and_everyone_finds_them(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin, meera = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD), await patient(client)
        resource = {"title": "Thalassaemia: what parents ask", "kind": "written",
                    "organisation": "Thalassaemics India", "language": "en",
                    "communities": ["thalassemia-blood-disorders"],
                    "link": "https://example.org/thal-faq"}
        assert (await client.post("/v1/resources", headers=meera, json=resource)
                ).status_code == 403
        added = await client.post("/v1/resources", headers=admin, json=resource)
        assert added.status_code == 201, added.text
        found = (await client.get("/v1/resources", params={
            "community": "thalassemia-blood-disorders"})).json()["items"]
        assert [r["title"] for r in found] == ["Thalassaemia: what parents ask"]

        webinar = {"title": "Ask a nephrologist", "kind": "webinar",
                   "starts_at": "2030-03-12T17:30:00+05:30",
                   "online_link": "https://meet.example.org/kidney", "language": "hi",
                   "communities": ["kidney-health"]}
        scheduled = await client.post("/v1/events", headers=admin, json=webinar)
        assert scheduled.status_code == 201, scheduled.text
        later = (await client.get("/v1/events", params={"from": "2030-01-01T00:00:00Z"})
                 ).json()["items"]
        assert [e["title"] for e in later] == ["Ask a nephrologist"]
        soon = (await client.get("/v1/events")).json()["items"]
        assert any(e["kind"] == "health_day" for e in soon)  # the year ahead, seeded
        for path, body in (("/v1/events", {**webinar, "online_link": None}),
                           ("/v1/events", {**webinar, "kind": "party"}),
                           ("/v1/resources", {**resource, "link": "javascript:alert(1)"})):
            reply = await client.post(path, headers=admin, json=body)
            assert reply.status_code == 422, (path, reply.text)
        assert (await client.get("/v1/events", params={"from": "yesterday"})
                ).status_code == 422
        cancelled = await client.delete(f"/v1/events/{scheduled.json()['gathering_id']}",
                                        headers=admin)
        assert cancelled.status_code == 200, cancelled.text
        assert (await client.get("/v1/events", params={"from": "2030-01-01T00:00:00Z"})
                ).json()["items"] == []
