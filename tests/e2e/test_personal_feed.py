"""Following communities and the personal feed, through the gateway."""

import httpx

from tests.platform import Platform, patient


async def post(client: httpx.AsyncClient, headers: dict[str, str], community: str,
               body: str) -> str:
    reply = await client.post("/v1/posts", headers=headers,
                              json={"community": community, "body": body})
    assert reply.status_code == 201, reply.text
    return reply.json()["post_id"]


async def test_followed_communities_and_the_common_feed_page_without_gaps_or_repeats(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, arjun = await patient(client, "Meera"), await patient(client, "Arjun")
        for community in ("diabetes", "heart-health", "diabetes"):
            reply = await client.post(f"/v1/communities/{community}/follow", headers=meera)
            assert reply.json() == {"community": community, "following": True}
        mine = []
        for n, community in enumerate(["diabetes", "cancer", "common", "heart-health"] * 4):
            post_id = await post(client, arjun, community, f"post {n} in {community}")
            if community != "cancer":
                mine.append(post_id)
        await platform.settled()

        seen, cursor, newer = [], None, []
        while True:
            page = (await client.get("/v1/me/feed", headers=meera, params={
                "limit": 5, **({"cursor": cursor} if cursor else {})})).json()
            seen += [item["post_id"] for item in page["items"]]
            # New posts arrive between pages: they are newer than the cursor, so the
            # pages still hold every earlier post once.
            newer.append(await post(client, arjun, "diabetes", "while Meera reads"))
            await platform.settled()
            if not (cursor := page["next_cursor"]):
                break
        assert seen == mine[::-1]
        first = (await client.get("/v1/me/feed", headers=meera, params={"limit": 4})).json()
        assert [item["post_id"] for item in first["items"]] == (newer[::-1] + seen)[:4]
        assert first["items"][0]["author"]["display_name"] == "Arjun"

        assert (await client.get("/v1/me/follows", headers=meera)).json() == {
            "items": ["diabetes", "heart-health"]}
        counts = {c["slug"]: c for c in (await client.get("/v1/communities", headers={
            "Cache-Control": "no-cache"})).json()["items"]}
        assert counts["diabetes"]["member_count"] == 1
        assert counts["cancer"]["member_count"] == 0

        await client.delete("/v1/communities/diabetes/follow", headers=meera)
        only = (await client.get("/v1/me/feed", headers=meera, params={"limit": 100})).json()
        assert {item["community"] for item in only["items"]} == {"heart-health", "common"}


async def test_bad_follows_are_problems(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera = await patient(client)
        for path, status in (("/v1/communities/Not_a_slug/follow", 422),
                             ("/v1/communities/astrology/follow", 404),
                             ("/v1/communities/common/follow", 422)):
            reply = await client.post(path, headers=meera)
            assert reply.status_code == status, reply.text
            assert reply.headers["content-type"].startswith("application/problem+json")
        assert (await client.post("/v1/communities/hiv/follow")).status_code == 401
        assert (await client.get("/v1/me/feed")).status_code == 401
        assert (await client.get("/v1/me/feed", headers=meera,
                                 params={"cursor": "x"})).status_code == 422
        assert (await client.get("/v1/me/follows", headers=meera)).json() == {"items": []}
