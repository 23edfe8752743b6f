"""An author edits and deletes a post; a moderator takes the policy inputs as a report."""

import httpx

from tests.adr import staff
from tests.platform import Platform, patient


async def test_edit_history_delete_and_the_policy_report(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, other = await patient(client, "Meera"), await patient(client, "Ravi")
        post_id = (await client.post("/v1/posts", headers=meera, json={
            "community": "health-policy-schemes", "kind": "policy_input",
            "title": "PM-JAY and dialysis", "body": "Dialysis packages run out"})
                   ).json()["post_id"]
        edited = await client.put(f"/v1/posts/{post_id}", headers=meera, json={
            "title": "PM-JAY and dialysis", "body": "Dialysis packages run out by March"})
        assert edited.status_code == 200, edited.text
        assert (await client.put(f"/v1/posts/{post_id}", headers=other, json={
            "body": "not yours"})).status_code == 403
        history = (await client.get(f"/v1/posts/{post_id}/history", headers=meera)).json()
        assert [v["body"] for v in history["versions"]] == [
            "Dialysis packages run out", "Dialysis packages run out by March"]

        moderator = await staff(client, "moderator")
        report = await client.get("/v1/policy-inputs", headers={**moderator,
                                                                 "Accept": "text/csv"})
        assert report.status_code == 200 and report.headers["content-type"].startswith(
            "text/csv"), report.text
        assert "Dialysis packages run out by March" in report.text
        markdown = await client.get("/v1/policy-inputs", headers=moderator,
                                    params={"format": "markdown"})
        assert "## health-policy-schemes" in markdown.text
        assert "### PM\\-JAY and dialysis" in markdown.text  # Markdown escaped
        assert (await client.get("/v1/policy-inputs", headers=meera)).status_code == 403

        assert (await client.delete(f"/v1/posts/{post_id}", headers=meera)).status_code == 200
        assert (await client.get(f"/v1/posts/{post_id}")).status_code == 404
        listed = (await client.get("/v1/policy-inputs", headers=moderator)).json()["items"]
        assert post_id not in {i["post_id"] for i in listed}
        for body in ({"body": ""}, {"body": "x", "kind": "question"}):
            assert (await client.put(f"/v1/posts/{post_id}", headers=meera, json=body)
                    ).status_code in (404, 422)
