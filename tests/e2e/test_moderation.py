"""The community guidelines through the gateway: a held post restored, a flagged post
hidden from every feed, self-harm flagged urgently with the helpline shown; a flagged
comment hidden from its post and from search, and restored."""

import uuid

import httpx

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, patient, register

PROBLEM = "application/problem+json"


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

        for body, status in (
                ({"target_type": "comment", "target_id": bad["post_id"], "reason": "spam"},
                 404),  # a post's id is no comment's
                ({"target_type": "review", "target_id": bad["post_id"], "reason": "spam"}, 422),
                ({"target_type": "post", "target_id": "nope", "reason": "spam"}, 422),
                ({"target_type": "post", "target_id": bad["post_id"], "reason": "rude"}, 422)):
            reply = await client.post("/v1/flags", headers=ravi, json=body)
            assert reply.status_code == status, reply.text
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


async def staff(client: httpx.AsyncClient, name: str) -> tuple[str, dict[str, str]]:
    """A new moderator: their id and their headers."""
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@moderators.example.in"
    user_id = await register(client, email, display_name=name)
    reply = await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                             json={"roles": ["moderator"]})
    assert reply.status_code == 200, reply.text
    return user_id, await login(client, email)


async def found(client: httpx.AsyncClient, q: str) -> list[str]:
    reply = await client.get("/v1/search", params={"q": q})
    assert reply.status_code == 200, reply.text
    return [item["id"] for item in reply.json()["items"] if item["kind"] == "comment"]


async def test_a_flagged_comment_is_hidden_from_its_post_and_search_and_restored(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        _, mod = await staff(client, "Mod")
        partner_id, partner = await staff(client, "Partner")
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        scoped = await client.put(f"/v1/admin/moderators/{partner_id}/communities",
                                  headers=admin, json={"communities": ["kidney-health"]})
        assert scoped.status_code == 200, scoped.text
        meera, ravi, asha = (await patient(client, "Meera"), await patient(client, "Ravi"),
                             await patient(client, "Asha"))
        post_id = (await client.post("/v1/posts", headers=meera, json={
            "community": "diabetes", "title": "Night sugar",
            "body": "My sugar drops at night"})).json()["post_id"]
        comment = await client.post(f"/v1/posts/{post_id}/comments", headers=ravi, json={
            "body": "Stop your insulin and drink karela juice instead"})
        assert comment.status_code == 201, comment.text
        comment_id = comment.json()["comment_id"]
        reply = await client.post(f"/v1/posts/{post_id}/comments", headers=asha, json={
            "body": "Is that safe?", "parent_id": comment_id})
        assert reply.status_code == 201, reply.text
        assert await found(client, "karela juice") == [comment_id]

        flagged = await client.post(f"/v1/comments/{comment_id}/flags", headers=meera,
                                    json={"reason": "misinformation"})
        assert flagged.status_code == 201, flagged.text
        queue = (await client.get("/v1/moderation/queue", headers=mod,
                                  params={"reason": "misinformation"})).json()["items"]
        [item] = [i for i in queue if i["item_id"] == comment_id]
        assert (item["item_type"], item["post_id"], item["community"], item["title"],
                item["author_name"]) == ("comment", post_id, "diabetes", "Night sugar", "Ravi")
        assert comment_id not in {i["item_id"] for i in (await client.get(
            "/v1/moderation/queue", headers=partner)).json()["items"]}
        outside = await client.post(f"/v1/moderation/items/{comment_id}/decision",
                                    headers=partner, json={"decision": "hide", "note": "x"})
        assert outside.status_code == 403 and outside.headers["content-type"] == PROBLEM

        hidden = await client.post(f"/v1/moderation/items/{comment_id}/decision",
                                   headers=mod, json={"decision": "hide",
                                                      "note": "dangerous advice (rule 3)"})
        assert hidden.json() == {"item_id": comment_id, "decision": "hide",
                                 "status": "hidden"}, hidden.text
        [shown] = (await client.get(f"/v1/posts/{post_id}")).json()["comments"]
        assert shown["body"] == "[removed by a moderator]" and shown["status"] == "hidden"
        assert [r["body"] for r in shown["replies"]] == ["Is that safe?"]
        assert "karela" in (await client.get(f"/v1/posts/{post_id}", headers=mod)
                            ).json()["comments"][0]["body"]
        assert await found(client, "karela juice") == []

        restored = await client.post(f"/v1/moderation/items/{comment_id}/decision",
                                     headers=mod, json={"decision": "restore",
                                                        "note": "context added"})
        assert restored.json()["status"] == "published", restored.text
        [back] = (await client.get(f"/v1/posts/{post_id}")).json()["comments"]
        assert back["status"] == "published" and "karela" in back["body"]
        assert await found(client, "karela juice") == [comment_id]


async def test_bad_flags_of_comments_are_problems_and_change_nothing(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, ravi = await patient(client, "Meera"), await patient(client, "Ravi")
        post_id = (await client.post("/v1/posts", headers=meera, json={
            "community": "heart-health", "body": "Inhaler tips?"})).json()["post_id"]
        comment_id = (await client.post(f"/v1/posts/{post_id}/comments", headers=ravi,
                                        json={"body": "Rinse after steroids"})).json()[
                                            "comment_id"]
        first = await client.post("/v1/flags", headers=meera, json={
            "target_type": "comment", "target_id": comment_id, "reason": "spam"})
        assert first.status_code == 201, first.text
        _, mod = await staff(client, "Mod")
        before = (await client.get("/v1/moderation/queue", headers=mod)).json()["items"]
        for path, body, status in (
                (f"/v1/comments/{comment_id}/flags", {"reason": "spam"}, 409),  # twice
                (f"/v1/comments/{uuid.uuid4()}/flags", {"reason": "spam"}, 404),
                (f"/v1/comments/{comment_id}/flags", {"reason": "rude"}, 422),
                (f"/v1/comments/{comment_id}/flags", {"reason": "spam", "extra": 1}, 422),
                ("/v1/comments/nope/flags", {"reason": "spam"}, 422)):
            refused = await client.post(path, headers=meera, json=body)
            assert refused.status_code == status, (path, body, refused.text)
            assert refused.headers["content-type"] == PROBLEM
        assert (await client.post(f"/v1/comments/{comment_id}/flags",
                                  json={"reason": "spam"})).status_code == 401
        after = (await client.get("/v1/moderation/queue", headers=mod)).json()["items"]
        assert after == before
        [mine] = [i for i in after if i["item_id"] == comment_id]
        assert mine["flags"] == 1 and mine["reasons"] == ["spam"]
