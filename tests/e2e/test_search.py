"""Search through the gateway: a post found by an English and a Hindi word, no longer once
a moderator hides it; schemes found too."""

import httpx

from tests.adr import staff
from tests.platform import Platform, patient


async def kinds(client: httpx.AsyncClient, q: str) -> list[str]:
    reply = await client.get("/v1/search", params={"q": q})
    assert reply.status_code == 200, reply.text
    return [item["kind"] for item in reply.json()["items"]]


async def test_found_by_its_words_until_hidden(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, moderator = await patient(client), await staff(client, "moderator")
        await client.post("/v1/posts", headers=meera, json={
            "community": "thalassemia-blood-disorders", "language": "hi",
            "body": "हर महीने रक्त चढ़ाने के लिए दाता ढूँढना मुश्किल है"})
        english = (await client.post("/v1/posts", headers=meera, json={
            "community": "thalassemia-blood-disorders",
            "body": "Finding blood donors every month is hard"})).json()["post_id"]
        await platform.settled()  # posts are searched in projection "search"
        assert await kinds(client, "दाता") == ["post"]
        assert await kinds(client, "donor") == ["post"]  # stemmed: donors
        assert "scheme" in await kinds(client, "dialysis")
        await client.post("/v1/flags", headers=meera, json={
            "target_type": "post", "target_id": english, "reason": "other"})
        hidden = await client.post(f"/v1/moderation/items/{english}/decision",
                                   headers=moderator, json={"decision": "hide", "note": "t"})
        assert hidden.status_code == 200, hidden.text
        await platform.settled()
        assert await kinds(client, "donor") == []
        assert await kinds(client, "दाता") == ["post"]  # the other post, still found
        assert (await client.get("/v1/search", params={"q": "a"})).status_code == 422


async def test_words_that_strip_to_too_few_are_a_problem_not_a_failure(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        for q in ("\u00a0l", " x ", "\u00a0\u00a0"):
            reply = await client.get("/v1/search", params={"q": q})
            assert reply.status_code == 422, (q, reply.text)
            assert reply.headers["content-type"].startswith("application/problem+json")


async def test_a_post_without_a_language_is_found_by_a_word_like_its_own(
        platform: Platform) -> None:
    """Bengali, told from its words (the client named no language), found by the plain
    form of a word it holds inflected (the doctor's: ডাক্তারের), which no stemmer knows."""
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera = await patient(client)
        created = await client.post("/v1/posts", headers=meera, json={
            "community": "diabetes", "body": "কাল ডাক্তারের সাথে কথা বললাম"})
        assert created.status_code == 201, created.text
        post_id = created.json()["post_id"]
        post = await client.get(f"/v1/posts/{post_id}", headers=meera)
        assert post.json()["language"] == "bn"
        await platform.settled()
        reply = await client.get("/v1/search", params={"q": "ডাক্তার"})
        assert [item["link"] for item in reply.json()["items"]] == [f"/v1/posts/{post_id}"]
