"""Comments, replies and reactions on a post, through the gateway."""

import httpx

from tests.platform import Platform, patient

NO_POST = "00000000-0000-4000-8000-000000000000"


async def test_a_question_gets_comments_a_reply_and_reactions(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, ravi = await patient(client, "Meera"), await patient(client, "Ravi")
        post_id = (await client.post("/v1/posts", headers=meera, json={
            "community": "kidney-health", "kind": "question",
            "body": "How do you manage the diet on dialysis days?"})).json()["post_id"]
        comment = await client.post(f"/v1/posts/{post_id}/comments", headers=ravi,
                                    json={"body": "Less salt, and I weigh myself daily"})
        assert comment.status_code == 201, comment.text
        reply = await client.post(f"/v1/posts/{post_id}/comments", headers=meera, json={
            "body": "धन्यवाद!", "language": "hi", "parent_id": comment.json()["comment_id"]})
        assert reply.status_code == 201, reply.text
        for kind in ("support", "same_here", "support"):
            reacted = await client.put(f"/v1/posts/{post_id}/reactions/{kind}", headers=ravi)
            assert reacted.status_code == 200, reacted.text
        await platform.settled()

        view = (await client.get(f"/v1/posts/{post_id}", headers=ravi)).json()
        [first] = view["comments"]
        assert first["author"]["display_name"] == "Ravi"
        assert first["professional_answer"] is False
        assert [r["body"] for r in first["replies"]] == ["धन्यवाद!"]
        assert view["reactions"] == {"counts": {"support": 1, "helpful": 0, "same_here": 1},
                                     "mine": ["same_here", "support"]}
        removed = await client.delete(f"/v1/posts/{post_id}/reactions/support", headers=ravi)
        assert removed.json()["counts"]["support"] == 0
        anonymous = (await client.get(f"/v1/posts/{post_id}")).json()
        assert anonymous["reactions"]["mine"] == [] and anonymous["status"] == "published"

        for method, path, body, status in (
                ("PUT", f"/v1/posts/{post_id}/reactions/like", None, 422),
                ("POST", f"/v1/posts/{post_id}/comments", {"body": ""}, 422),
                ("POST", f"/v1/posts/{post_id}/comments", {"body": "x", "extra": 1}, 422),
                ("POST", "/v1/posts/not-an-id/comments", {"body": "x"}, 422),
                ("POST", f"/v1/posts/{NO_POST}/comments", {"body": "x"}, 404)):
            answered = await client.request(method, path, headers=ravi, json=body)
            assert answered.status_code == status, (path, answered.text)
            assert answered.headers["content-type"].startswith("application/problem+json")
        assert (await client.post(f"/v1/posts/{post_id}/comments",
                                  json={"body": "x"})).status_code == 401

