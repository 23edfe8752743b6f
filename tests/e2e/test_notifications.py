"""Notifications from the events of every context, through the gateway: a comment and a
reaction on my post, an answer to my drug query, the regulator's acknowledgement of my
side-effect report; unread counts and marking read."""

import httpx

from tests.adr import coded_case, is_status, staff
from tests.platform import Platform, eventually, patient


async def kinds(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> list[str]:
    page = (await client.get("/v1/me/notifications", headers=headers, params=params)).json()
    return [item["kind"] for item in page["items"]]


async def test_my_post_my_question_and_my_report_notify_me(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        arjun, meera = await patient(client, "Arjun"), await patient(client, "Meera")
        post_id = (await client.post("/v1/posts", headers=arjun, json={
            "community": "heart-health", "body": "Walked 5 km today"})).json()["post_id"]
        await client.post(f"/v1/posts/{post_id}/comments", headers=meera,
                          json={"body": "Well done!"})
        await client.post(f"/v1/posts/{post_id}/comments", headers=arjun,
                          json={"body": "Thank you"})  # one's own comment tells no one
        await client.put(f"/v1/posts/{post_id}/reactions/support", headers=meera)

        async def told(headers: dict[str, str], expected: list[str]) -> bool:
            return await kinds(client, headers) == expected
        await eventually(lambda: told(arjun, ["reaction_to_post", "comment_on_post"]))
        page = (await client.get("/v1/me/notifications", headers={
            **arjun, "Accept-Language": "hi"})).json()
        assert page["unread_count"] == 2
        assert page["items"][1]["text"] == "किसी ने आपकी पोस्ट पर टिप्पणी की।"
        assert page["items"][1]["link"] == f"/v1/posts/{post_id}"
        first = page["items"][0]["notification_id"]
        marked = await client.post("/v1/me/notifications/read", headers=arjun,
                                   json={"ids": [first]})
        assert marked.json()["unread_count"] == 1
        assert await kinds(client, arjun, unread="true") == ["comment_on_post"]
        assert (await client.post("/v1/me/notifications/read", headers=meera,
                                  json={"ids": [first]})).status_code == 422
        assert await kinds(client, meera) == []

        reviewer = await staff(client, "pharmacist_reviewer")
        query_id = (await client.post("/v1/drug-queries", headers=meera, json={
            "medicine": "Aspirin", "question": "Can I take it before a dental visit?"})
                    ).json()["query_id"]
        await client.post(f"/v1/drug-queries/{query_id}/answer", headers=reviewer,
                          json={"body": "Tell your dentist first; do not stop it yourself."})
        await eventually(lambda: told(meera, ["drug_query_answered"]))

        officer = await staff(client, "pv_officer")
        case = await coded_case(client, meera, officer)
        await client.post(f"/v1/pv/cases/{case['report_id']}/submit", headers=officer)
        await eventually(lambda: is_status(client, meera, case["report_id"], "acknowledged"))
        await eventually(lambda: told(meera, ["report_acknowledged", "drug_query_answered"]))
        acknowledged = (await client.get("/v1/me/notifications", headers=meera)).json()
        assert "acknowledged by the regulator" in acknowledged["items"][0]["text"]
        assert acknowledged["items"][0]["link"] == f"/v1/adr-reports/{case['report_id']}"

        for body in ({"ids": []}, {"ids": ["nope"]}, {}):
            assert (await client.post("/v1/me/notifications/read", headers=arjun,
                                      json=body)).status_code == 422
        assert (await client.get("/v1/me/notifications")).status_code == 401
