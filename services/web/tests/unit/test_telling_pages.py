"""Telling a story (issue 14 C) against a fake gateway: the draft started with the
storyteller's consent in the words shown, the text saved, a recording sent in parts when
it is larger than one request, the patient's consent, the preview and the release (an
embargo's day in IST), and the API's refusals beside their fields."""

import json
import uuid
from typing import Any

import httpx
import pytest

from contracts.voices.messages import PART_BYTES, StoryView

from .pages import CSRF, parsed

STORY_ID = str(uuid.uuid4())
URL = f"/v1/stories/{STORY_ID}"
WORDINGS = {"items": [
    {"purpose": p, "version": "2026-12", "language": "en", "wording": f"The {p} wording."}
    for p in ("take_part", "subject_consent", "third_party", "release")]}


def draft(**more: Any) -> dict[str, Any]:
    return StoryView.model_validate({
        "story_id": STORY_ID, "status": "draft", "title": "Amma's first chemo",
        "summary": "What the first weeks were like for us", "language": "en",
        "communities": ["cancer"], "kind": "written", "storyteller_role": "caregiver",
        "about_someone_else": True, "text": "The first week.", "consents": ["take_part"],
        "created_at": "2026-11-30T10:00:00Z", **more}).model_dump(mode="json")


def ok(body: Any, status: int = 200) -> Any:
    return lambda _: httpx.Response(status, json=body)


def sent(gateway: Any, method: str, path: str) -> list[Any]:
    return [json.loads(r.read()) for r in gateway.calls(method, path)]


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match
    return match.group(1)


def labelled(html: str) -> bool:
    controls = parsed(html)
    return all(c.get("id") in controls.labelled for c in controls.controls)


@pytest.fixture
def teller(gateway: Any) -> Any:
    gateway.on("GET", "/v1/voices/consent-wordings", ok(WORDINGS))
    gateway.on("GET", URL, ok(draft()))
    gateway.on("GET", f"{URL}/preview", ok({**draft(), "previewed": True}))
    return gateway


async def test_a_draft_is_started_with_the_consent_in_the_words_shown(
        signed_in: Any, teller: Any) -> None:
    teller.on("POST", "/v1/stories", ok({"story_id": STORY_ID, "status": "draft"}, 201))
    teller.on("POST", f"{URL}/consents", ok({"story_id": STORY_ID}, 201))
    html = (await signed_in.get("/stories/new")).text
    assert labelled(html) and "The take_part wording." in html
    reply = await signed_in.post("/stories/new", data={
        "csrf_token": csrf(html), "title": "Amma's first chemo",
        "summary": "What the first weeks were like for us", "language": "en",
        "communities": "cancer, caregivers", "kind": "written", "about_someone_else": "on",
        "text": "The first week.", "take_part": "on", "take_part_version": "2026-12"})
    assert reply.status_code == 303 and reply.headers["location"] == f"/my/stories/{STORY_ID}"
    assert sent(teller, "POST", "/v1/stories") == [{
        "title": "Amma's first chemo", "summary": "What the first weeks were like for us",
        "language": "en", "communities": ["cancer", "caregivers"], "kind": "written",
        "about_someone_else": True, "text": "The first week."}]
    assert sent(teller, "POST", f"{URL}/consents") == [
        {"purpose": "take_part", "version": "2026-12", "language": "en"}]


async def test_a_refused_draft_shows_the_message_beside_its_field_and_consents_nothing(
        signed_in: Any, teller: Any) -> None:
    teller.on("POST", "/v1/stories", lambda _: teller.problem(422, [
        {"field": "communities.0", "message": "String should match pattern"},
        {"field": "summary", "message": "String should have at least 10 characters"}]))
    html = (await signed_in.get("/stories/new")).text
    reply = await signed_in.post("/stories/new", data={
        "csrf_token": csrf(html), "title": "Amma", "summary": "short", "language": "en",
        "communities": "Cancer!", "kind": "audio", "text": "ignored", "take_part": "on",
        "take_part_version": "2026-12"})
    assert reply.status_code == 422
    assert "text" not in sent(teller, "POST", "/v1/stories")[0]  # a recording has no text
    assert 'data-field="communities">communities.0: String should match' in reply.text
    assert 'data-field="summary">String should have at least 10' in reply.text
    assert teller.calls("POST", f"{URL}/consents") == []


async def test_the_storytellers_page_saves_the_text_and_records_the_patients_consent(
        signed_in: Any, teller: Any) -> None:
    teller.on("PUT", f"{URL}/text", ok({"story_id": STORY_ID, "status": "draft"}))
    teller.on("POST", f"{URL}/consents", ok({"story_id": STORY_ID}, 201))
    html = (await signed_in.get(f"/my/stories/{STORY_ID}")).text
    assert labelled(html) and 'data-purpose="take_part"' in html
    assert 'id="consent-take_part"' not in html and 'id="consent-subject_consent"' in html
    assert "The subject_consent wording." in html
    assert f'href="/my/stories/{STORY_ID}/preview"' in html
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/text", data={
        "csrf_token": csrf(html), "text": "The first week.\n\nThe second."})
    assert reply.status_code == 303
    assert sent(teller, "PUT", f"{URL}/text") == [{"text": "The first week.\n\nThe second."}]
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/consents", data={
        "csrf_token": csrf(html), "purpose": "subject_consent", "version": "2026-12",
        "given_by": "patient", "name": "Kamala Devi"})
    assert reply.status_code == 303
    assert sent(teller, "POST", f"{URL}/consents") == [{
        "purpose": "subject_consent", "version": "2026-12", "language": "en",
        "given_by": "patient", "name": "Kamala Devi"}]
    teller.on("POST", f"{URL}/consents", lambda _: teller.problem(422, [
        {"field": "name", "message": "String should have at least 1 character"}]))
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/consents", data={
        "csrf_token": csrf(html), "purpose": "third_party", "version": "2026-12", "name": ""})
    assert reply.status_code == 422
    third = reply.text[reply.text.index('id="consent-third_party"'):]
    assert 'data-field="name">String should have at least 1' in third[:third.index("</form>")]
    assert sent(teller, "POST", f"{URL}/consents")[-1]["given_by"] == "third_party"


async def test_a_large_recording_is_sent_in_parts_then_its_last_piece(
        signed_in: Any, teller: Any) -> None:
    teller.on("GET", URL, ok(draft(kind="audio", text=None)))
    parts: list[bytes] = []

    def part(request: httpx.Request) -> httpx.Response:
        parts.append(request.read())
        return httpx.Response(200, json={"index": len(parts) - 1, "size": len(parts[-1])})

    for index in range(3):
        teller.on("PUT", f"{URL}/media/parts/{index}", part)
    teller.on("POST", f"{URL}/media", ok({
        "story_id": STORY_ID, "content_type": "audio/webm", "duration_s": 3.0,
        "size": 1, "transcript": "awaiting"}, 201))
    html = (await signed_in.get(f"/my/stories/{STORY_ID}")).text
    assert 'enctype="multipart/form-data"' in html and 'id="text-form"' not in html
    recording = bytes(range(256)) * (2 * PART_BYTES // 256) + b"tail"
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/media", data={
        "csrf_token": csrf(html)}, files={"file": ("story.webm", recording, "audio/webm")})
    assert reply.status_code == 303
    assert parts == [recording[:PART_BYTES], recording[PART_BYTES:2 * PART_BYTES]]
    [last] = teller.calls("POST", f"{URL}/media")
    body = last.read()
    assert b'name="parts"\r\n\r\n2' in body and body.count(b"tail") == 1
    teller.on("POST", f"{URL}/media", lambda _: teller.problem(422, [
        {"field": "file", "message": "not a recording we can play"}]))
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/media", data={
        "csrf_token": csrf(html)}, files={"file": ("x.txt", b"hello", "text/plain")})
    assert reply.status_code == 422
    assert 'data-field="file">not a recording we can play' in reply.text


async def test_the_preview_then_the_release_with_an_embargos_day_in_ist(
        signed_in: Any, teller: Any) -> None:
    teller.on("POST", f"{URL}/release", ok({"story_id": STORY_ID, "status": "submitted"}))
    html = (await signed_in.get(f"/my/stories/{STORY_ID}/preview")).text
    assert len(teller.calls("GET", f"{URL}/preview")) == 1  # the API records it was seen
    assert labelled(html) and "The release wording." in html and "The first week." in html
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/release", data={
        "csrf_token": csrf(html), "version": "2026-12", "visibility": "embargoed",
        "until": "2027-01-15", "anonymous": "on", "variant": "text_only"})
    assert reply.status_code == 303
    assert sent(teller, "POST", f"{URL}/release") == [{
        "visibility": "embargoed", "until": "2027-01-15T00:00:00+05:30", "anonymous": True,
        "variant": "text_only", "policy_use": False, "names_others": False,
        "version": "2026-12", "language": "en"}]
    assert "a curator will review it" in (await signed_in.get(reply.headers["location"])).text
    teller.on("POST", f"{URL}/release", lambda _: teller.problem(
        409, detail="preview the story before its release"))
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/release", data={
        "csrf_token": csrf(html), "version": "2026-12", "visibility": "public"})
    assert reply.status_code == 422 and "preview the story before its release" in reply.text


async def test_a_recordings_transcript_is_written_one_segment_a_line(
        signed_in: Any, teller: Any) -> None:
    teller.on("GET", URL, ok(draft(kind="audio", text=None, content_type="audio/webm",
                                   duration_s=3.0, transcript={
                                       "origin": "machine", "machine_made": True,
                                       "label": "machine transcript", "segments": [
                                           {"start": 0, "end": 1.5, "text": "Amma was"},
                                           {"start": 65, "end": 70, "text": "Call 98200",
                                            "redacted": True}]})))
    teller.on("PUT", f"{URL}/transcript", ok(draft()))
    html = (await signed_in.get(f"/my/stories/{STORY_ID}")).text
    assert labelled(html) and "machine transcript" in html
    assert "0:00 0:01.5 Amma was\n[hidden] 1:05 1:10 Call 98200</textarea>" in html
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/transcript", data={
        "csrf_token": csrf(html),
        "segments": "0:00 0:01.5 Amma was diagnosed in March.\n\n[hidden] 65 70 Call 98200"})
    assert reply.status_code == 303
    assert sent(teller, "PUT", f"{URL}/transcript") == [{"segments": [
        {"start": 0.0, "end": 1.5, "text": "Amma was diagnosed in March.", "redacted": False},
        {"start": 65.0, "end": 70.0, "text": "Call 98200", "redacted": True}]}]
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/transcript", data={
        "csrf_token": csrf(html), "segments": "0:00 0:02 fine\nno times here"})
    assert reply.status_code == 422 and 'data-field="segments">Line 2 is not' in reply.text
    assert len(teller.calls("PUT", f"{URL}/transcript")) == 1  # nothing sent
    teller.on("PUT", f"{URL}/transcript", lambda _: teller.problem(422, [
        {"field": "segments.0.end", "message": "the end comes after the start"}]))
    reply = await signed_in.post(f"/my/stories/{STORY_ID}/transcript", data={
        "csrf_token": csrf(html), "segments": "0:02 0:01 backwards"})
    assert 'data-field="segments">segments.0.end: the end comes after the start' in reply.text
