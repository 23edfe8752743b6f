"""The community guidelines through the gateway: a held post restored, a flagged post
hidden from every feed, self-harm flagged urgently with the helpline shown."""

import httpx

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, patient, register


async def moderator(client: httpx.AsyncClient) -> dict[str, str]:
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    user_id = await register(client, "moderator@guidelines.example.in", display_name="Mod")
    reply = await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                             json={"roles": ["moderator"]})
    assert reply.status_code == 200, reply.text
    return await login(client, "moderator@guidelines.example.in")


async def on_pages(client: httpx.AsyncClient, headers: dict[str, str], post_id: str,
                   community: str) -> tuple[bool, bool]:
    """Whether the post is on its community's page and in the reader's own feed."""
    page = (await client.get("/v1/feed", params={"community": community}, headers={
        "Cache-Control": "no-cache"})).json()["items"]
    mine = (await client.get("/v1/me/feed", headers=headers)).json()["items"]
    return (post_id in {p["post_id"] for p in page}, post_id in {p["post_id"] for p in mine})


async def test_held_restored_flagged_hidden_and_self_harm_urgent(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        mod, meera, ravi = (await moderator(client), await patient(client, "Meera"),
                            await patient(client, "Ravi"))
        await client.post("/v1/communities/diabetes/follow", headers=ravi)

        held = (await client.post("/v1/posts", headers=meera, json={
            "community": "diabetes", "body": "WhatsApp me on 98765 43210"})).json()
        assert held["status"] == "held" and held["notices"][0]["kind"] == "held"
        await platform.settled()
        assert await on_pages(client, ravi, held["post_id"], "diabetes") == (False, False)
        queue = (await client.get("/v1/moderation/queue", headers=mod)).json()["items"]
        assert [item["post_id"] for item in queue] == [held["post_id"]]
        assert (await client.get("/v1/moderation/queue", headers=ravi)).status_code == 403
        decided = await client.post(f"/v1/moderation/items/{held['post_id']}/decision",
                                    headers=mod, json={"decision": "restore",
                                                       "note": "a support group's number"})
        assert decided.json()["status"] == "published", decided.text
        await platform.settled()
        assert await on_pages(client, ravi, held["post_id"], "diabetes") == (True, True)

        bad = (await client.post("/v1/posts", headers=meera, json={
            "community": "diabetes", "body": "Stop insulin, this tea cures diabetes"})).json()
        flagged = await client.post("/v1/flags", headers=ravi, json={
            "target_type": "post", "target_id": bad["post_id"], "reason": "misinformation"})
        assert flagged.status_code == 201, flagged.text
        await platform.settled()
        assert await on_pages(client, ravi, bad["post_id"], "diabetes") == (True, True)
        hidden = await client.post(f"/v1/moderation/items/{bad['post_id']}/decision",
                                   headers=mod, json={"decision": "hide",
                                                      "note": "dangerous advice"})
        assert hidden.status_code == 200, hidden.text
        await platform.settled()
        assert await on_pages(client, ravi, bad["post_id"], "diabetes") == (False, False)
        assert (await client.get(f"/v1/posts/{bad['post_id']}")).status_code == 404

        urgent = await client.post("/v1/posts", headers={**meera, "Accept-Language": "hi"},
                                   json={"community": "mental-health", "language": "hi",
                                         "body": "अब जीना नहीं चाहती"})
        assert urgent.status_code == 201 and urgent.json()["status"] == "published"
        assert "14416" in urgent.json()["notices"][0]["message"]
        first = (await client.get("/v1/moderation/queue", headers=mod)).json()["items"][0]
        assert first["post_id"] == urgent.json()["post_id"] and first["urgent"] is True

        for body in ({"target_type": "comment", "target_id": bad["post_id"], "reason": "spam"},
                     {"target_type": "post", "target_id": "nope", "reason": "spam"},
                     {"target_type": "post", "target_id": bad["post_id"], "reason": "rude"}):
            reply = await client.post("/v1/flags", headers=ravi, json=body)
            assert reply.status_code == 422, reply.text
        assert (await client.post("/v1/flags", json={
            "target_type": "post", "target_id": bad["post_id"], "reason": "spam"})
                ).status_code == 401


async def test_a_community_scoped_moderator_cannot_act_outside_their_communities(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        partner_id = await register(client, "partner@kidney-org.example.in",
                                    display_name="Kidney Warriors")
        await client.put(f"/v1/admin/users/{partner_id}/roles", headers=admin,
                         json={"roles": ["moderator"]})
        partner = await login(client, "partner@kidney-org.example.in")
        scoped = await client.put(f"/v1/admin/moderators/{partner_id}/communities",
                                  headers=admin, json={"communities": ["kidney-health"]})
        assert scoped.status_code == 200, scoped.text
        assert (await client.put(f"/v1/admin/moderators/{partner_id}/communities",
                                 headers=partner, json={"communities": []})).status_code == 403
        author = await patient(client, "Asha")
        theirs = (await client.post("/v1/posts", headers=author, json={
            "community": "kidney-health", "body": "Dialysis unit number 98765 43210"})).json()
        other = (await client.post("/v1/posts", headers=author, json={
            "community": "diabetes", "body": "Insulin pen help: 91234 56789"})).json()
        queue = (await client.get("/v1/moderation/queue", headers=partner)).json()["items"]
        assert [item["post_id"] for item in queue] == [theirs["post_id"]]
        outside = await client.post(f"/v1/moderation/items/{other['post_id']}/decision",
                                    headers=partner, json={"decision": "hide", "note": "x"})
        assert outside.status_code == 403, outside.text
        inside = await client.post(f"/v1/moderation/items/{theirs['post_id']}/decision",
                                   headers=partner, json={"decision": "restore",
                                                          "note": "the unit's own number"})
        assert inside.status_code == 200, inside.text
