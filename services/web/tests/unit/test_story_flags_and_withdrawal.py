"""A member flags a published story from its page (a reason; the API's messages beside
the field, a second flag refused); a storyteller withdraws their story from "my stories"
after a confirm step that says what withdrawal does."""

import json
from typing import Any

import pytest

from contracts.voices.messages import StoriesPage

from .pages import parsed
from .test_voices_pages import STORY_ID, csrf, ok, story

FLAGS = f"/v1/stories/{STORY_ID}/flags"
WITHDRAW = f"/v1/stories/{STORY_ID}/withdraw"


@pytest.fixture
def stories(gateway: Any) -> Any:
    """The fake gateway, with a published story."""
    gateway.on("GET", f"/v1/stories/{STORY_ID}", ok(story()))
    return gateway


async def test_a_member_flags_a_published_story_with_a_reason(signed_in: Any,
                                                              stories: Any) -> None:
    stories.on("POST", FLAGS, ok({"story_id": STORY_ID, "flag_id": STORY_ID}, 201))
    html = (await signed_in.get(f"/stories/{STORY_ID}")).text
    form = html.split('id="flag-story"')[1].split("</details>")[0]
    assert f'action="/stories/{STORY_ID}/flag"' in form and 'name="reason"' in form
    controls = parsed(html)
    assert all(c.get("id") in controls.labelled for c in controls.controls)
    reply = await signed_in.post(f"/stories/{STORY_ID}/flag", data={
        "csrf_token": csrf(html), "reason": "  It names my neighbour  "})
    assert reply.status_code == 303 and reply.headers["location"] == f"/stories/{STORY_ID}"
    assert [json.loads(r.read()) for r in stories.calls("POST", FLAGS)] == [
        {"reason": "It names my neighbour"}]
    assert "a curator will look at this story within 24 hours" in (
        await signed_in.get(f"/stories/{STORY_ID}")).text


async def test_a_wrong_or_second_flag_shows_the_apis_message(signed_in: Any,
                                                             stories: Any) -> None:
    html = (await signed_in.get(f"/stories/{STORY_ID}")).text
    stories.on("POST", FLAGS, lambda _: stories.problem(422, [
        {"field": "reason", "message": "String should have at least 3 characters"}]))
    reply = await signed_in.post(f"/stories/{STORY_ID}/flag", data={
        "csrf_token": csrf(html), "reason": "no"})
    assert reply.status_code == 422
    assert 'data-field="reason">String should have at least 3 characters' in reply.text
    assert ">no</textarea>" in reply.text and '<details class="card" id="flag-story" open' \
        in reply.text
    stories.on("POST", FLAGS, lambda _: stories.problem(
        409, detail="you flagged this story already; a curator will look at it"))
    reply = await signed_in.post(f"/stories/{STORY_ID}/flag", data={
        "csrf_token": csrf(html), "reason": "It names my neighbour"})
    assert reply.status_code == 422 and "you flagged this story already" in reply.text
    refused = await signed_in.post(f"/stories/{STORY_ID}/flag", data={"reason": "x" * 5})
    assert refused.status_code == 403  # no CSRF token: nothing sent
    assert len(stories.calls("POST", FLAGS)) == 2


async def test_no_flag_form_for_a_visitor_the_storyteller_or_an_unpublished_story(
        browser: Any, stories: Any, signed_in: Any) -> None:
    stories.on("GET", f"/v1/stories/{STORY_ID}", ok(story(storyteller_id=STORY_ID)))
    assert 'id="flag-story"' not in (await signed_in.get(f"/stories/{STORY_ID}")).text
    stories.on("GET", f"/v1/stories/{STORY_ID}", ok(story(status="submitted")))
    assert 'id="flag-story"' not in (await signed_in.get(f"/stories/{STORY_ID}")).text
    await signed_in.post("/signout", data={"csrf_token": csrf(
        (await signed_in.get("/")).text)})
    stories.on("GET", f"/v1/stories/{STORY_ID}", ok(story()))
    assert 'id="flag-story"' not in (await browser.get(f"/stories/{STORY_ID}")).text


async def test_a_storyteller_withdraws_a_story_after_a_confirm_step(signed_in: Any,
                                                                    stories: Any) -> None:
    stories.on("GET", "/v1/me/stories", ok(StoriesPage.model_validate(
        {"items": [story(storyteller_id=STORY_ID)]}).model_dump(mode="json")))
    stories.on("POST", WITHDRAW, ok({"story_id": STORY_ID, "status": "withdrawn"}))
    mine = (await signed_in.get("/my/stories")).text
    assert f'href="/my/stories/{STORY_ID}/withdraw"' in mine
    confirm = (await signed_in.get(f"/my/stories/{STORY_ID}/withdraw")).text
    assert "gallery, the feed and search" in confirm and "cannot be undone" in confirm
    assert stories.calls("POST", WITHDRAW) == []  # nothing withdrawn by looking
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/withdraw",
                                 data={"csrf_token": csrf(confirm)})
    assert reply.status_code == 303 and reply.headers["location"] == "/my/stories"
    assert len(stories.calls("POST", WITHDRAW)) == 1
    assert "Your story is withdrawn" in (await signed_in.get("/my/stories")).text


async def test_a_refused_withdrawal_says_why_and_keeps_the_confirm_step(
        signed_in: Any, stories: Any) -> None:
    confirm = (await signed_in.get(f"/my/stories/{STORY_ID}/withdraw")).text
    stories.on("POST", WITHDRAW, lambda _: stories.problem(404, detail="the story does not exist"))
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/withdraw",
                                 data={"csrf_token": csrf(confirm)})
    assert reply.status_code == 422 and "the story does not exist" in reply.text
    assert 'id="confirm-withdraw"' in reply.text


async def test_the_storyteller_sees_what_to_redact_before_releasing(signed_in: Any,
                                                                   stories: Any) -> None:
    stories.on("GET", "/v1/voices/consent-wordings", ok({"items": []}))
    stories.on("GET", f"/v1/stories/{STORY_ID}", ok(story(
        status="draft", storyteller_id=STORY_ID, pointers=[
            {"where": "segment", "index": 1, "kind": "name", "found": "Dr. Rao"},
            {"where": "summary", "kind": "phone"}])))
    html = (await signed_in.get(f"/my/stories/{STORY_ID}")).text
    section = html.split('id="redact"')[1].split("</section>")[0]
    assert "[hidden]" in section and f'href="/stories/{STORY_ID}#seg-1">segment 2' in section
    assert "Dr. Rao" in section and 'data-kind="phone"' in section
