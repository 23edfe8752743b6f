"""The government health schemes directory through the gateway, in Hindi too."""

import httpx

from tests.platform import Platform


async def test_the_directory_answers_in_hindi_and_filters_by_need(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        hindi = await client.get("/v1/schemes", headers={"Accept-Language": "hi-IN,hi;q=0.9"})
        assert hindi.status_code == 200, hindi.text
        by_slug = {s["slug"]: s for s in hindi.json()["items"]}
        assert by_slug["janani-suraksha"]["name"] == "जननी सुरक्षा योजना (जेएसवाई)"
        assert "आशा" in by_slug["janani-suraksha"]["how_to_apply"]
        dialysis = (await client.get("/v1/schemes", params={"need": "dialysis"})).json()
        [only] = dialysis["items"]
        assert only["slug"] == "pm-national-dialysis" and "district" in only["covers"]
        one = await client.get(f"/v1/schemes/{only['scheme_id']}")
        assert one.json() == only
        for params, status in (({"state": "Tamil Nadu"}, 422), ({"q": "x" * 101}, 422)):
            reply = await client.get("/v1/schemes", params=params)
            assert reply.status_code == status, reply.text
        assert (await client.get("/v1/schemes/not-an-id")).status_code == 422
