"""The Voices Project (issue 14 C) against a fake gateway: the gallery's filters and
paging, a story's text or player (its recording relayed with a Range, its captions
relayed), the machine transcript labelled, "my stories" with the curator's note, and the
curators' queue with its decisions."""

import json
import uuid
from typing import Any

import httpx
import pytest

from contracts.voices.messages import CurationQueue, StoriesPage, StoryView
from web.i18n import LANGUAGE_COOKIE

from .pages import CSRF, parsed

STORY_ID = str(uuid.uuid4())
WEBM = bytes(range(256)) * 8


def story(**more: Any) -> dict[str, Any]:
    return StoryView.model_validate({
        "story_id": STORY_ID, "status": "published", "title": "Amma's first chemo",
        "summary": "What the first weeks were like for us", "language": "en",
        "communities": ["cancer"], "kind": "audio", "storyteller_role": "caregiver",
        "about_someone_else": True, "storyteller": "Lata", "media": True,
        "content_type": "audio/webm", "duration_s": 75.0, "captions": True,
        "transcript": {"origin": "machine", "machine_made": True, "label": "machine transcript",
                       "model": "whisper-small", "segments": [
                           {"start": 0, "end": 2, "text": "Amma was diagnosed in March."}]},
        "created_at": "2026-11-30T10:00:00Z", "published_at": "2026-12-01T10:00:00Z",
        **more}).model_dump(mode="json")


def ok(body: Any, status: int = 200) -> Any:
    return lambda _: httpx.Response(status, json=body)


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match
    return match.group(1)


@pytest.fixture
def voices(gateway: Any) -> Any:
    gateway.on("GET", "/v1/stories", ok(StoriesPage.model_validate(
        {"items": [story()], "next_cursor": "bmV4dA"}).model_dump(mode="json")))
    gateway.on("GET", f"/v1/stories/{STORY_ID}", ok(story()))
    return gateway


async def test_the_gallery_filters_and_pages_with_the_apis_cursor(
        browser: Any, voices: Any) -> None:
    html = (await browser.get("/stories?community=cancer&kind=audio&language=xx")).text
    params = voices.calls("GET", "/v1/stories")[-1].url.params
    assert params["community"] == "cancer" and params["kind"] == "audio"
    assert "language" not in params  # no such language: no filter
    assert f'href="/stories/{STORY_ID}"' in html and "Lata (caregiver)" in html
    assert 'href="?cursor=bmV4dA&amp;community=cancer&amp;kind=audio"' in html
    controls = parsed(html)
    assert all(c.get("id") in controls.labelled for c in controls.controls)
    await browser.get("/stories?cursor=bmV4dA&kind=video")
    params = voices.calls("GET", "/v1/stories")[-1].url.params
    assert params["cursor"] == "bmV4dA" and params["kind"] == "video"


async def test_a_story_plays_through_this_site_with_captions_and_a_machine_label(
        browser: Any, voices: Any) -> None:
    html = (await browser.get(f"/stories/{STORY_ID}")).text
    assert f'<source src="/stories/{STORY_ID}/media" type="audio/webm">' in html
    assert f'<track kind="captions" src="/stories/{STORY_ID}/captions.vtt" srclang="en"' \
        in html
    assert 'id="machine-transcript">Machine transcript</strong>' in html
    assert "Amma was diagnosed in March." in html and "<script" not in html


async def test_a_written_story_shows_its_text_and_no_player(browser: Any, voices: Any) -> None:
    voices.on("GET", f"/v1/stories/{STORY_ID}", ok(story(
        kind="written", media=False, content_type=None, captions=False, transcript=None,
        text="The first week.\n\nThe second week.")))
    html = (await browser.get(f"/stories/{STORY_ID}")).text
    assert "<audio" not in html and "<video" not in html
    assert "<p>The first week.</p><p>The second week.</p>" in html


async def test_the_recording_is_relayed_with_its_range_and_the_captions_too(
        browser: Any, voices: Any) -> None:
    def media(request: httpx.Request) -> httpx.Response:
        assert request.headers["range"] == "bytes=100-199"
        return httpx.Response(206, content=WEBM[100:200], headers={
            "content-type": "audio/webm", "content-range": f"bytes 100-199/{len(WEBM)}",
            "accept-ranges": "bytes", "content-length": "100"})
    voices.on("GET", f"/v1/stories/{STORY_ID}/media", media)
    voices.on("GET", f"/v1/stories/{STORY_ID}/captions.vtt", lambda _: httpx.Response(
        200, content=b"WEBVTT\n\n00:00.000 --> 00:02.000\nAmma\n",
        headers={"content-type": "text/vtt"}))
    reply = await browser.get(f"/stories/{STORY_ID}/media", headers={"Range": "bytes=100-199"})
    assert reply.status_code == 206 and reply.content == WEBM[100:200]
    assert reply.headers["content-range"] == f"bytes 100-199/{len(WEBM)}"
    vtt = await browser.get(f"/stories/{STORY_ID}/captions.vtt")
    assert vtt.text.startswith("WEBVTT") and vtt.headers["content-type"] == "text/vtt"


async def test_my_stories_show_their_status_and_the_curators_note(
        signed_in: Any, voices: Any) -> None:
    voices.on("GET", "/v1/me/stories", ok(StoriesPage.model_validate({"items": [
        story(status="changes_requested", review_note="Please leave out the phone number"),
        story(story_id=str(uuid.uuid4()), status="draft")]}).model_dump(mode="json")))
    html = (await signed_in.get("/my/stories")).text
    assert 'data-status="changes_requested"' in html and "changes asked for" in html
    assert "Please leave out the phone number" in html and 'href="/my/stories"' in html


QUEUE = CurationQueue.model_validate({"items": [{
    "story": story(status="submitted", visibility="public", consents=["take_part"]),
    "waiting_hours": 5.5, "pointers": [{"where": "segment", "index": 2, "kind": "email"},
                 {"where": "segment", "index": 1, "kind": "name", "found": "Dr. Iyer"}]}]}
).model_dump(mode="json")


async def test_the_curators_queue_and_a_decision_with_a_note(signed_in: Any,
                                                             voices: Any) -> None:
    voices.on("GET", "/v1/curation/queue", ok(QUEUE))
    voices.on("POST", f"/v1/curation/stories/{STORY_ID}/decision", ok(
        {"story_id": STORY_ID, "status": "changes_requested"}))
    html = (await signed_in.get("/console/stories")).text  # signed in as an admin
    assert 'data-where="segment" data-kind="email"' in html and "segment 3" in html
    named = html.split('data-kind="name"')[1].split("</li>")[0]
    assert "Another person&#39;s name" in named and "<q class=\"found\">Dr. Iyer</q>" in named
    assert f'href="/stories/{STORY_ID}#seg-1"' in named  # to the segment, to redact it
    controls = parsed(html)
    assert all(c.get("id") in controls.labelled for c in controls.controls)
    assert 'checked' not in html.split('id="s-')[1]  # no decision preselected
    reply = await signed_in.post(f"/console/stories/{STORY_ID}/decision", data={
        "csrf_token": csrf(html), "decision": "request_changes",
        "note": "Please leave out the email address"})
    assert reply.status_code == 303
    assert [json.loads(r.read()) for r in voices.calls(
        "POST", f"/v1/curation/stories/{STORY_ID}/decision")] == [
        {"decision": "request_changes", "note": "Please leave out the email address"}]
    assert "The storyteller is asked for changes." in (await signed_in.get(
        "/console/stories")).text
    voices.on("POST", f"/v1/curation/stories/{STORY_ID}/decision", lambda _: voices.problem(
        422, [{"field": "decision", "message": "Input should be 'approve', 'request_changes' "
                                               "or 'reject'"}]))
    reply = await signed_in.post(f"/console/stories/{STORY_ID}/decision", data={
        "csrf_token": csrf(html), "note": "hm"})
    assert reply.status_code == 422
    assert 'data-field="decision">Input should be' in reply.text and ">hm</textarea>" \
        in reply.text


async def test_a_patient_gets_no_curation(browser: Any, gateway: Any, csrf_of: Any) -> None:
    gateway.roles[:] = ["patient"]
    await browser.post("/signin", data={"username": "a@example.in", "password": "x" * 12,
                                        "csrf_token": await csrf_of(browser)})
    html = (await browser.get("/")).text
    assert 'href="/stories"' in html and 'href="/console/stories"' not in html
    assert (await browser.get("/console/stories")).status_code == 403


async def test_a_story_in_hindi(browser: Any, voices: Any) -> None:
    browser.cookies.set(LANGUAGE_COOKIE, "hi")
    html = (await browser.get(f"/stories/{STORY_ID}")).text
    assert '<html lang="hi">' in html and "मशीन प्रतिलेख" in html and "प्रतिलेख" in html


async def test_a_curator_sees_on_the_story_what_to_redact_and_in_which_segment(
        browser: Any, voices: Any) -> None:
    voices.on("GET", f"/v1/stories/{STORY_ID}", ok(story(status="submitted", pointers=[
        {"where": "segment", "index": 0, "kind": "name", "found": "श्रीमती गीता"}])))
    html = (await browser.get(f"/stories/{STORY_ID}")).text
    section = html.split('id="redact"')[1].split("</section>")[0]
    assert '<q class="found">श्रीमती गीता</q>' in section and 'href="#seg-0"' not in section
    assert f'href="/stories/{STORY_ID}#seg-0"' in section and '<li id="seg-0"' in html
    assert 'id="redact"' not in (await browser.get("/stories")).text


OTHER_ID = str(uuid.uuid4())
FLAGGED = CurationQueue.model_validate({"items": [], "flagged": [
    {"story": story(story_id=OTHER_ID, title="A newer one"), "open_flags": 1,
     "reasons": ["spam"], "first_flagged_at": "2026-12-01T20:00:00Z", "waiting_hours": 2.0,
     "overdue": False},
    {"story": story(), "open_flags": 2,
     "reasons": ["It names my neighbour", "Gives a phone number"],
     "first_flagged_at": "2026-11-30T08:00:00Z", "waiting_hours": 30.5, "overdue": True}]}
).model_dump(mode="json")


async def test_the_flagged_stories_the_longest_waiting_first_dismissed_or_taken_down(
        signed_in: Any, voices: Any) -> None:
    voices.on("GET", "/v1/curation/queue", ok(FLAGGED))
    voices.on("POST", f"/v1/curation/stories/{STORY_ID}/flags/decision", ok(
        {"story_id": STORY_ID, "status": "changes_requested"}))
    html = (await signed_in.get("/console/stories/flagged")).text  # signed in as an admin
    assert 'href="/console/stories/flagged" aria-current="page"' in html
    assert html.index(f'data-story-id="{STORY_ID}"') < html.index(f'data-story-id="{OTHER_ID}"')
    first = html.split(f'data-story-id="{STORY_ID}"')[1].split("</article>")[0]
    assert 'badge overdue' in first and 'data-open-flags="2"' in first
    assert "<li>It names my neighbour</li>" in first and "30.5 hours" in first
    assert "badge overdue" not in html.split(f'data-story-id="{OTHER_ID}"')[1]
    controls = parsed(html)
    assert all(c.get("id") in controls.labelled for c in controls.controls)
    assert "checked" not in html  # no decision preselected
    reply = await signed_in.post(f"/console/stories/{STORY_ID}/flags/decision", data={
        "csrf_token": csrf(html), "decision": "take_down", "note": "Names a neighbour"})
    assert reply.status_code == 303 and reply.headers["location"] == "/console/stories/flagged"
    assert [json.loads(r.read()) for r in voices.calls(
        "POST", f"/v1/curation/stories/{STORY_ID}/flags/decision")] == [
        {"decision": "take_down", "note": "Names a neighbour"}]
    assert "The story is taken down" in (await signed_in.get("/console/stories/flagged")).text
    voices.on("POST", f"/v1/curation/stories/{STORY_ID}/flags/decision",
              lambda _: voices.problem(422, [{"field": "note", "message": "String should "
                                              "have at least 1 character"}]))
    reply = await signed_in.post(f"/console/stories/{STORY_ID}/flags/decision", data={
        "csrf_token": csrf(html), "decision": "dismiss"})
    assert reply.status_code == 422
    mine = reply.text.split(f'data-story-id="{STORY_ID}"')[1].split("</article>")[0]
    assert 'data-field="note">String should have at least 1 character' in mine
    assert 'value="dismiss" checked' in mine


async def test_no_flagged_story_and_no_console_for_a_patient(
        signed_in: Any, voices: Any, gateway: Any) -> None:
    voices.on("GET", "/v1/curation/queue", ok({"items": [], "flagged": []}))
    signed_in.cookies.set(LANGUAGE_COOKIE, "hi")
    html = (await signed_in.get("/console/stories/flagged")).text
    assert 'id="flagged-empty"' in html and "रिपोर्ट की गई कहानियाँ" in html
    gateway.roles[:] = ["patient"]
    await signed_in.post("/signin", data={"username": "a@example.in", "password": "x" * 12,
                                          "csrf_token": csrf(html)})
    assert 'href="/console/stories/flagged"' not in (await signed_in.get("/")).text
    assert (await signed_in.get("/console/stories/flagged")).status_code == 403
