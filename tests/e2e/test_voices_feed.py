"""A published story in the feed, as a post of kind `story`: public ones in their
communities' and the common feed, members-only ones in members' own feeds only; a
curator's take-down after a flag, a withdrawal and the storyteller's erasure take it off."""

import httpx

from tests.audio import tone
from tests.e2e.test_voices import SEGMENTS, caregiver, curator, ok, released, told
from tests.platform import Platform, eventually, patient


async def in_feed(client: httpx.AsyncClient, path: str, story_id: str,
                  headers: dict[str, str] | None = None) -> list[dict]:
    page = await ok(client.get(path, headers={**(headers or {}), "Cache-Control": "no-cache"}))
    return [item for item in page["items"] if item.get("story_id") == story_id]


async def test_a_published_story_is_a_post_in_the_feed_until_withdrawn(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        lata, farida = await caregiver(client, "Latika"), await curator(client, "Rosa")
        meera = await patient(client, "Meera")
        await ok(client.post("/v1/communities/cancer/follow", headers=meera))
        public = await told(client, lata, tone(2.0))
        members = await told(client, lata, tone(2.0))
        await released(client, lata, public, SEGMENTS[:1])
        await released(client, lata, members, SEGMENTS[:1], visibility="members",
                       anonymous=True)
        for story_id in (public, members):
            await ok(client.post(f"/v1/curation/stories/{story_id}/decision",
                                 headers=farida, json={"decision": "approve"}))

        async def shown() -> bool:
            return bool(await in_feed(client, "/v1/me/feed", members, meera))
        await eventually(shown)
        [post] = await in_feed(client, "/v1/feed?community=cancer", public)
        assert post["kind"] == "story" and post["title"] == "Amma's first chemo"
        assert post["author"]["display_name"] == "Latika"
        assert await in_feed(client, "/v1/feed?community=common", public)
        mine = await in_feed(client, "/v1/me/feed", members, meera)
        assert len(mine) == 1  # once, though it is in the common and a followed feed
        assert mine[0]["author"]["display_name"] == "anonymous storyteller"
        for path in ("/v1/feed?community=cancer", "/v1/feed?community=common"):
            assert await in_feed(client, path, members) == []  # not for visitors

        await ok(client.post(f"/v1/stories/{public}/flags", headers=meera,
                             json={"reason": "It names our oncologist"}), 201)
        [flagged] = (await ok(client.get("/v1/curation/queue", headers=farida)))["flagged"]
        assert flagged["story"]["story_id"] == public and not flagged["overdue"]
        await ok(client.post(f"/v1/curation/stories/{public}/flags/decision", headers=farida,
                             json={"decision": "take_down", "note": "Leave the name out"}))

        async def taken_down() -> bool:
            return not await in_feed(client, "/v1/feed?community=cancer", public)
        await eventually(taken_down)
        assert (await client.get(f"/v1/stories/{public}")).status_code == 404
        await ok(client.post(f"/v1/stories/{members}/withdraw", headers=lata))

        async def withdrawn() -> bool:
            return not await in_feed(client, "/v1/me/feed", members, meera)
        await eventually(withdrawn)
        again = await told(client, lata, tone(2.0))
        await released(client, lata, again, SEGMENTS[:1])
        await ok(client.post(f"/v1/curation/stories/{again}/decision",
                             headers=farida, json={"decision": "approve"}))

        async def shown_again() -> bool:
            return bool(await in_feed(client, "/v1/feed?community=common", again))
        await eventually(shown_again)
        await ok(client.delete("/v1/me", headers=lata), 202)

        async def erased() -> bool:
            return not await in_feed(client, "/v1/feed?community=common", again)
        await eventually(erased)
