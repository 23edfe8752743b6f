"""The first slice through the gateway: register, log in, post, read it in the feed."""

import httpx
import sqlalchemy as sa

from tests.audio import tone
from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, register


async def test_a_patient_posts_in_diabetes_and_reads_it_back(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        user_id = await register(client, "meera@example.in", display_name="Meera")
        headers = await login(client, "Meera@Example.in ")
        me = (await client.get("/v1/me", headers=headers)).json()
        assert me["user_id"] == user_id and me["roles"] == ["patient"]
        assert me["display_name"] == "Meera" and me["verified"] is False

        reply = await client.post("/v1/posts", headers=headers, json={
            "community": "diabetes", "kind": "question", "title": "Sugar at night",
            "body": "My sugar drops at night. Has anyone else seen this?", "language": "en"})
        assert reply.status_code == 201, reply.text
        post_id = reply.json()["post_id"]
        await platform.settled()

        feed = (await client.get("/v1/feed", params={"community": "diabetes"})).json()
        assert [item["post_id"] for item in feed["items"]] == [post_id]
        assert feed["items"][0]["author"]["display_name"] == "Meera"
        assert feed["items"][0]["title"] == "Sugar at night"
        assert feed["next_cursor"] is None
        assert (await client.get("/v1/feed", params={"community": "cancer"})).json()["items"] == []
        communities = (await client.get("/v1/communities")).json()["items"]
        counts = {c["slug"]: c["post_count"] for c in communities}
        assert len(communities) == 27 and counts["diabetes"] == 1 and counts["cancer"] == 0


async def test_the_post_is_readable_at_once_from_the_inline_model(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        headers = await login_new(client, "ravi@example.in")
        reply = await client.post("/v1/posts", headers=headers, json={
            "community": "common", "body": "नमस्ते सभी को", "language": "hi"})
        post = (await client.get(f"/v1/posts/{reply.json()['post_id']}")).json()
        assert post["body"] == "नमस्ते सभी को" and post["community"] == "common"


async def test_feed_pages_with_a_cursor(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        headers = await login_new(client, "pages@example.in")
        ids = []
        for n in range(5):
            reply = await client.post("/v1/posts", headers=headers, json={
                "community": "kidney-health", "body": f"post {n}"})
            ids.append(reply.json()["post_id"])
        await platform.settled()
        seen, cursor = [], None
        while True:
            params = {"community": "kidney-health", "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get("/v1/feed", params=params)).json()
            seen += [item["post_id"] for item in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        assert seen == ids[::-1]


async def test_communities_in_hindi(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        reply = await client.get("/v1/communities", headers={"Accept-Language": "hi-IN,hi;q=0.9"})
        names = {c["slug"]: c["name"] for c in reply.json()["items"]}
        assert names["diabetes"] == "मधुमेह"


async def test_health_ready_and_openapi(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        assert (await client.get("/health")).json() == {"status": "ok"}
        ready = await client.get("/ready")
        assert ready.status_code == 200 and ready.json()["feed"] is True
        paths = (await client.get("/openapi.json")).json()["paths"]
        assert {"/v1/accounts", "/v1/auth/token", "/v1/me", "/v1/posts", "/v1/feed",
                "/v1/communities"} <= set(paths)
        assert (await client.get("/docs")).status_code == 200
        assert "pu_http_requests_total" in (await client.get("/metrics")).text
    for process, port in platform.stack.metrics_ports.items():
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        assert "pu_rpc_requests_total" in metrics, process
    feed_metrics = httpx.get(f"http://127.0.0.1:{platform.stack.metrics_ports['feed']}/metrics")
    assert 'pu_outbox_published_total{service="feed"}' in feed_metrics.text


async def login_new(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    await register(client, email)
    return await login(client, email)


async def test_read_models_rebuilt_from_events_equal_the_live_ones(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        author = await login_new(client, "rebuild@example.in")
        for community in ("hiv", "hiv", "cancer"):
            await client.post("/v1/posts", headers=author,
                              json={"community": community, "body": "before the rebuild"})
        for community in ("hiv", "cancer", "hiv"):
            await client.post(f"/v1/communities/{community}/follow", headers=author)
        await client.delete("/v1/communities/cancer/follow", headers=author)
        reader = await login_new(client, "rebuild-reader@example.in")
        post_id = (await client.post("/v1/posts", headers=author, json={
            "community": "hiv", "body": "call me on 9876543210"})).json()["post_id"]
        await client.post(f"/v1/posts/{post_id}/comments", headers=reader, json={"body": "hi"})
        await client.put(f"/v1/posts/{post_id}/reactions/support", headers=reader)
        await client.post("/v1/flags", headers=reader, json={
            "target_type": "post", "target_id": post_id, "reason": "spam"})
        await client.post("/v1/drug-queries", headers=reader, json={
            "medicine": "Dolutegravir", "question": "Can I take it with antacids?"})
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        await moderated_comments(client, author, reader, admin)
        await platform.settled()
        live = await read_models(platform)
        async with platform.engine.begin() as conn:  # damage every read model
            for table in ("feed.timeline", "feed.authors", "feed.community_counts",
                          "feed.community_members", "feed.notifications", "feed.post_authors",
                          "feed.searched_posts",
                          *(f"feed.{t}" for t in INLINE),
                          "identity.login_names", "identity.accounts"):
                await conn.execute(sa.text(f"DELETE FROM {table}"))
        for service, projection in (("feed-worker", "timeline"),
                                    ("feed-worker", "community-stats"),
                                    ("feed-worker", "search"),
                                    *(("feed", name.replace("_", "-")) for name in INLINE
                                      if name != "notification_reads"),
                                    ("feed", "notification-reads"),
                                    ("feed-worker", "notifications"), ("identity", "accounts")):
            path = f"/v1/admin/projections/{service}/{projection}/rebuild"
            assert (await client.post(path, headers=author)).status_code == 403
            reply = await client.post(path, headers=admin)
            assert reply.status_code in (200, 202), reply.text
        await platform.settled()
        assert await read_models(platform) == live
        assert (await client.post("/v1/admin/projections/nope/x/rebuild",
                                  headers=admin)).status_code == 404
        assert (await client.post("/v1/admin/projections/feed/nope/rebuild",
                                  headers=admin)).status_code == 404


async def moderated_comments(client: httpx.AsyncClient, author: dict[str, str],
                             reader: dict[str, str], admin: dict[str, str]) -> None:
    """Comments on a published post, one with a voice note: one flagged and hidden, one
    flagged and waiting."""
    post_id = (await client.post("/v1/posts", headers=author, json={
        "community": "hiv", "body": "Living well with HIV"})).json()["post_id"]
    note = await client.post("/v1/media/voice-notes", headers=reader,
                             files={"file": ("n.webm", tone(0.5), "audio/webm")})
    assert note.status_code == 201, note.text
    ids = []
    for body, extra in (("a voice note", {"voice_note_id": note.json()["voice_note_id"]}),
                        ("buy my pills", {}), ("thank you", {})):
        reply = await client.post(f"/v1/posts/{post_id}/comments", headers=reader,
                                  json={"body": body, **extra})
        assert reply.status_code == 201, reply.text
        ids.append(reply.json()["comment_id"])
    for comment_id in ids[1:]:
        flagged = await client.post(f"/v1/comments/{comment_id}/flags", headers=author,
                                    json={"reason": "spam"})
        assert flagged.status_code == 201, flagged.text
    hidden = await client.post(f"/v1/moderation/items/{ids[1]}/decision", headers=admin,
                               json={"decision": "hide", "note": "selling (rule 5)"})
    assert hidden.status_code == 200, hidden.text


# The feed's inline read models (tables; rebuilt as the models of the same name, dashed).
INLINE = ("posts", "follows", "flags", "comments", "reactions", "drug_queries", "schemes",
          "notification_reads", "moderator_scopes", "resources", "gatherings", "voice_notes")


async def read_models(platform: Platform) -> dict[str, list]:
    queries = {
        "timeline": "SELECT post_id, community, body, author_id, created_at FROM feed.timeline",
        "authors": "SELECT user_id, display_name FROM feed.authors",
        "counts": "SELECT community, post_count FROM feed.community_counts",
        "members": "SELECT community, member_count FROM feed.community_members",
        **{name: f"SELECT * FROM feed.{name}" for name in INLINE},
        "notifications": "SELECT * FROM feed.notifications",
        "search": "SELECT post_id, title, body, search FROM feed.searched_posts",
        "accounts": "SELECT user_id, roles, display_name, password_hash FROM identity.accounts",
        "logins": "SELECT name_hash, user_id FROM identity.login_names",
    }
    async with platform.engine.connect() as conn:
        return {name: sorted(map(tuple, (await conn.execute(sa.text(sql))).all()), key=str)
                for name, sql in queries.items()}
