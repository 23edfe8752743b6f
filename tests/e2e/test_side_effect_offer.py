"""From a post to a side-effect report: the author's words prefill a draft they complete."""

import httpx

from tests.adr import report
from tests.platform import Platform, patient


async def test_a_post_about_a_rash_after_amoxicillin_becomes_the_authors_case(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        meera = await patient(client)
        posted = (await client.post("/v1/posts", headers=meera, json={
            "community": "skin-health",
            "body": "My skin broke out after Amoxicillin. Has this happened to anyone?"})
                  ).json()
        [offer] = posted["offers"]
        assert offer["endpoint"] == "/v1/adr-reports" and "Amoxicillin" in offer["message"]
        prefill = offer["prefill"]
        assert prefill["draft"] is True
        assert prefill["medicines"][0]["name"] == "Amoxicillin"
        assert prefill["reactions"][0]["description"] == "My skin broke out after Amoxicillin."
        assert (await client.get("/v1/me/adr-reports", headers=meera)).json()["items"] == []

        draft = await client.post("/v1/adr-reports", headers=meera, json=prefill)
        assert draft.status_code == 201 and draft.json()["status"] == "draft", draft.text
        completed = report(medicine=prefill["medicines"][0]["name"],
                           reaction=prefill["reactions"][0]["description"])
        case = await client.put(f"/v1/adr-reports/{draft.json()['report_id']}",
                                headers=meera, json=completed)
        assert case.status_code == 200 and case.json()["status"] == "received", case.text
        quiet = (await client.post("/v1/posts", headers=meera, json={
            "community": "skin-health", "body": "Sunscreen every day, whatever the weather"})
                 ).json()
        assert quiet["offers"] == []
