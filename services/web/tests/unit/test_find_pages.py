"""Search, resources and events, policy inputs, voice notes and flags on comments, against
a fake gateway."""

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from contracts.feed.messages import (
    Gatherings,
    PolicyInputs,
    PostView,
    Resources,
    SearchResults,
)
from web.i18n import LANGUAGE_COOKIE, catalogue
from web.pages.search import page_of

from .pages import CSRF, csrf_token, parsed

POST_ID, SCHEME_ID = str(uuid.uuid4()), str(uuid.uuid4())
FOUND = SearchResults.model_validate({"items": [
    {"kind": "post", "id": POST_ID, "title": "रात में शुगर", "snippet": "रात को शुगर गिरती है",
     "link": f"/v1/posts/{POST_ID}"},
    {"kind": "comment", "id": str(uuid.uuid4()), "title": None, "snippet": "सोते समय नाश्ता",
     "link": f"/v1/posts/{POST_ID}"},
    {"kind": "resource", "id": str(uuid.uuid4()), "title": "Insulin at home", "snippet": "",
     "link": "/v1/resources"},
    {"kind": "scheme", "id": SCHEME_ID, "title": "PM-JAY", "snippet": "₹5 lakh",
     "link": f"/v1/schemes/{SCHEME_ID}"}]}).model_dump(mode="json")


DASH = "\N{EN DASH}"  # between a page's first and last


def ok(body: Any) -> Any:
    return lambda _: httpx.Response(200, json=body)


async def test_a_hindi_search_reaches_the_api_and_links_each_result_here(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/search", ok(FOUND))
    browser.cookies.delete(LANGUAGE_COOKIE)
    reply = await browser.get("/search", params={"q": "  रात में शुगर "},
                              headers={"Accept-Language": "hi"})
    assert reply.status_code == 200
    [sent] = gateway.calls("GET", "/v1/search")
    assert sent.url.params["q"] == "रात में शुगर" and sent.url.params["limit"] == "20"
    page = reply.text
    assert f'href="/posts/{POST_ID}">रात में शुगर' in page
    assert 'href="/resources">Insulin at home' in page
    assert f'href="/schemes/{SCHEME_ID}">PM-JAY' in page
    assert 'data-kind="comment"' in page and "टिप्पणी" in page
    assert 'rel="next"' not in page  # fewer than a page: no "more"


async def test_no_results_say_so_and_a_full_page_offers_more(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/search", ok({"items": []}))
    page = (await browser.get("/search?q=zzzz")).text
    assert 'id="no-results"' in page and "Nothing found for “zzzz”" in page
    many = {"items": [FOUND["items"][0]] * 20, "next_cursor": "cmFua2VkfDIw"}
    gateway.on("GET", "/v1/search", ok(many))
    page = (await browser.get("/search?q=sugar")).text
    assert 'href="/search?q=sugar&amp;cursor=cmFua2VkfDIw" rel="next"' in page
    gateway.on("GET", "/v1/search", ok({"items": [FOUND["items"][0]]}))
    last = (await browser.get("/search?q=sugar&cursor=cmFua2VkfDIw")).text
    assert gateway.calls("GET", "/v1/search")[-1].url.params["cursor"] == "cmFua2VkfDIw"
    assert 'rel="next"' not in last  # the API said there is no more


async def test_an_empty_search_asks_nothing_and_a_refused_one_names_the_box(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    reply = await browser.get("/search")
    assert reply.status_code == 200 and gateway.calls("GET", "/v1/search") == []
    assert 'id="site-search"' in reply.text  # the header's box on every page
    gateway.on("GET", "/v1/search", lambda _: gateway.problem(
        422, [{"field": "q", "message": "at least 2 letters"}]))
    reply = await browser.get("/search?q=a")
    assert reply.status_code == 422
    assert 'id="search-q-error" data-field="q">at least 2 letters' in reply.text
    assert 'value="a"' in reply.text


def test_a_result_opens_its_page_here() -> None:
    assert page_of(f"/v1/posts/{POST_ID}") == f"/posts/{POST_ID}"
    assert page_of("/v1/resources") == "/resources"
    assert page_of(f"/v1/stories/{POST_ID}") == f"/stories/{POST_ID}"
    assert page_of("/v1/posts/") == page_of("/v1/other") == "/search"


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_the_search_page_is_labelled_and_light(
        browser: httpx.AsyncClient, gateway: Any, language: str) -> None:
    gateway.on("GET", "/v1/search", ok(FOUND))
    browser.cookies.delete(LANGUAGE_COOKIE)
    reply = await browser.get("/search?q=sugar", headers={"Accept-Language": language})
    page = parsed(reply.text)
    ids = [c.get("id") for c in page.controls]
    assert page.html_lang == language and len(ids) == len(set(ids))
    assert not [i for i in ids if i not in page.labelled]
    assert len(reply.content) < 100_000


def sent_json(gateway: Any, method: str, path: str) -> Any:
    return [json.loads(r.read()) for r in gateway.calls(method, path)]


RESOURCE_ID, EVENT_ID = str(uuid.uuid4()), str(uuid.uuid4())
COMMUNITIES = {"items": [{"id": str(uuid.uuid4()), "slug": "diabetes", "name": "Diabetes",
                          "description": "", "post_count": 0, "member_count": 0},
                         {"id": str(uuid.uuid4()), "slug": "kidney", "name": "Kidney care",
                          "description": "", "post_count": 0, "member_count": 0}]}
RESOURCES = Resources.model_validate({"items": [
    {"resource_id": RESOURCE_ID, "title": "Insulin at home", "kind": "video",
     "organisation": "AIIMS", "language": "hi", "communities": ["diabetes"],
     "link": "https://example.org/insulin", "summary": "How to inject",
     "added_at": "2026-11-30T10:00:00Z"},
    {"resource_id": str(uuid.uuid4()), "title": "Dialysis diet", "kind": "written",
     "organisation": "NKF", "language": "en", "communities": [],
     "link": "https://example.org/diet", "summary": None,
     "added_at": "2026-11-29T10:00:00Z"}]}).model_dump(mode="json")
EVENTS = Gatherings.model_validate({"items": [
    {"gathering_id": EVENT_ID, "title": "World Diabetes Day camp", "kind": "health_day",
     "starts_at": "2026-12-05T04:30:00Z", "ends_at": "2026-12-05T10:30:00Z",
     "place": "Town hall, Pune", "online_link": "https://meet.example.org/wdd",
     "language": "mr", "communities": ["diabetes"], "summary": None}]}).model_dump(mode="json")


@pytest.fixture
def admin(gateway: Any) -> Any:
    gateway.on("GET", "/v1/communities", ok(COMMUNITIES))
    gateway.on("GET", "/v1/resources", ok(RESOURCES))
    gateway.on("GET", "/v1/events", ok(EVENTS))
    return gateway


async def test_resources_are_filtered_by_community_and_language_at_the_api_and_by_kind(
        browser: httpx.AsyncClient, admin: Any) -> None:
    page = (await browser.get("/resources?community=diabetes&language=hi&kind=video"
                              "&q=insulin")).text
    assert dict(admin.calls("GET", "/v1/resources")[0].url.params) == {
        "community": "diabetes", "language": "hi", "q": "insulin"}
    assert 'href="https://example.org/insulin"' in page and "Dialysis diet" not in page
    assert "AIIMS" in page and "Diabetes" in page
    page = (await browser.get("/resources?kind=written&community=<x>&language=zz")).text
    assert dict(admin.calls("GET", "/v1/resources")[1].url.params) == {}
    assert "Dialysis diet" in page and "Insulin at home" not in page
    admin.on("GET", "/v1/resources", ok({"items": []}))
    assert 'id="none"' in (await browser.get("/resources")).text


async def test_events_show_their_time_in_india_their_place_link_and_language(
        browser: httpx.AsyncClient, admin: Any) -> None:
    page = (await browser.get("/events?from=2026-12-01&community=diabetes")).text
    params = admin.calls("GET", "/v1/events")[0].url.params
    assert params["from"] == "2026-12-01T00:00:00+05:30" and params["community"] == "diabetes"
    assert "2026-12-05 10:00 IST" in page and "2026-12-05 16:00 IST" in page
    assert "Town hall, Pune" in page and 'href="https://meet.example.org/wdd"' in page
    assert "मराठी" in page and "Health day" in page
    await browser.get("/events")
    assert admin.calls("GET", "/v1/events")[1].url.params["from"].endswith("+05:30")


async def test_the_nav_links_resources_and_events_and_the_console_by_role(
        signed_in: httpx.AsyncClient, admin: Any) -> None:
    page = (await signed_in.get("/resources")).text
    assert 'href="/resources" aria-current="page"' in page and 'href="/events"' in page
    assert 'href="/console/resources"' in page and 'href="/console/events"' in page


async def test_an_admin_adds_a_resource_and_a_wrong_link_is_named(
        signed_in: httpx.AsyncClient, admin: Any) -> None:
    created = {**RESOURCES["items"][0]}
    answers = iter([admin.problem(422, [{"field": "link", "message": "must be https"}]),
                    httpx.Response(201, json=created)])
    admin.on("POST", "/v1/resources", lambda _: next(answers))
    page = (await signed_in.get("/console/resources")).text
    assert f'action="/console/resources/{RESOURCE_ID}/retire"' in page
    csrf = csrf_in(page)
    form = {"csrf_token": csrf, "title": "Insulin at home", "kind": "video",
            "organisation": "AIIMS", "link": "http://x", "language": "hi",
            "communities": ["diabetes", "kidney"], "idempotency_key": "k" * 24}
    refused = await signed_in.post("/console/resources", data=form)
    assert refused.status_code == 422
    assert 'id="f-link-error" data-field="link">must be https' in refused.text
    assert 'value="AIIMS"' in refused.text and 'value="kidney" checked' in refused.text
    reply = await signed_in.post("/console/resources",
                                 data={**form, "link": "https://example.org/insulin"})
    assert reply.status_code == 303 and reply.headers["location"] == "/console/resources"
    sent = admin.calls("POST", "/v1/resources")[1]
    assert json.loads(sent.read()) == {
        "title": "Insulin at home", "kind": "video", "organisation": "AIIMS",
        "link": "https://example.org/insulin", "language": "hi",
        "communities": ["diabetes", "kidney"]}
    assert sent.headers["idempotency-key"] == "k" * 24
    assert "The resource is listed." in (await signed_in.get("/console/resources")).text


async def test_an_admin_schedules_an_event_in_india_time_and_cancels_one(
        signed_in: httpx.AsyncClient, admin: Any) -> None:
    admin.on("POST", "/v1/events", lambda _: httpx.Response(201, json=EVENTS["items"][0]))
    admin.on("DELETE", f"/v1/events/{EVENT_ID}", ok({"gathering_id": EVENT_ID,
                                                      "cancelled": True}))
    csrf = csrf_in((await signed_in.get("/console/events")).text)
    reply = await signed_in.post("/console/events", data={
        "csrf_token": csrf, "title": "Camp", "kind": "health_day",
        "starts_at": "2026-12-05T10:00", "ends_at": "", "place": "Pune",
        "online_link": "", "language": "mr"})
    assert reply.status_code == 303
    assert sent_json(admin, "POST", "/v1/events") == [{
        "title": "Camp", "kind": "health_day", "starts_at": "2026-12-05T10:00:00+05:30",
        "place": "Pune", "language": "mr", "communities": []}]
    reply = await signed_in.post(f"/console/events/{EVENT_ID}/cancel",
                                 data={"csrf_token": csrf})
    assert reply.status_code == 303 and len(admin.calls("DELETE",
                                                         f"/v1/events/{EVENT_ID}")) == 1


async def sign_in_as(browser: httpx.AsyncClient, gateway: Any, *roles: str,
                     ) -> httpx.AsyncClient:
    gateway.roles = list(roles)
    reply = await browser.post("/signin", data={
        "username": "meena@example.in", "password": "a-long-password-1",
        "csrf_token": await csrf_token(browser)})
    assert reply.status_code == 303
    return browser


async def test_a_member_without_the_admin_role_cannot_open_the_listing_console(
        browser: httpx.AsyncClient, admin: Any) -> None:
    signed_in = await sign_in_as(browser, admin, "patient", "moderator")
    csrf = csrf_in((await signed_in.get("/events")).text)
    for path in ("/console/resources", "/console/events"):
        assert (await signed_in.get(path)).status_code == 403
    reply = await signed_in.post(f"/console/resources/{RESOURCE_ID}/retire",
                                 data={"csrf_token": csrf})
    assert reply.status_code == 403
    assert admin.calls("DELETE", f"/v1/resources/{RESOURCE_ID}") == []


@pytest.mark.parametrize("path", ["/resources", "/events", "/console/resources",
                                  "/console/events"])
async def test_the_listing_pages_are_labelled_and_light(
        signed_in: httpx.AsyncClient, admin: Any, path: str) -> None:
    for language in ("en", "hi"):
        signed_in.cookies.delete(LANGUAGE_COOKIE)
        reply = await signed_in.get(path, headers={"Accept-Language": language})
        assert reply.status_code == 200, reply.text[:300]
        page = parsed(reply.text)
        ids = [c.get("id") for c in page.controls]
        assert page.html_lang == language and len(ids) == len(set(ids)), ids
        assert not [i for i in ids if i not in page.labelled], path
        assert len(reply.content) < 100_000


def csrf_in(html: str) -> str:
    match = CSRF.search(html)
    assert match
    return match.group(1)


POLICY = PolicyInputs.model_validate({"items": [
    {"post_id": POST_ID, "community": "diabetes", "theme": "Insulin prices",
     "body": "Insulin costs too much in Bihar", "language": "en",
     "created_at": "2026-11-20T06:00:00Z"},
    {"post_id": str(uuid.uuid4()), "community": "kidney", "theme": "डायलिसिस केंद्र",
     "body": "ज़िले में डायलिसिस केंद्र नहीं है", "language": "hi",
     "created_at": "2026-11-21T06:00:00Z"}]}).model_dump(mode="json")
CSV = "community,theme,created_at,language,body,post_id\r\ndiabetes,Insulin prices,…\r\n"


def policy_api(request: httpx.Request) -> httpx.Response:
    kind = {"csv": "text/csv; charset=utf-8", "markdown": "text/markdown; charset=utf-8"}
    wanted = request.url.params.get("format", "json")
    if wanted == "json":
        return httpx.Response(200, json=POLICY)
    return httpx.Response(200, content=(CSV if wanted == "csv" else "# Policy inputs\n")
                          .encode(), headers={"content-type": kind[wanted]})


async def test_a_moderator_lists_a_periods_policy_inputs_by_community_and_theme(
        browser: httpx.AsyncClient, admin: Any) -> None:
    admin.on("GET", "/v1/policy-inputs", policy_api)
    moderator = await sign_in_as(browser, admin, "patient", "moderator")
    page = (await moderator.get("/console/policy-inputs?community=diabetes&from=2026-11-01"
                                "&to=2026-11-30")).text
    params = admin.calls("GET", "/v1/policy-inputs")[0].url.params
    assert dict(params) == {"community": "diabetes", "from": "2026-11-01T00:00:00+05:30",
                            "to": "2026-12-01T00:00:00+05:30"}
    assert '<h2 id="policy-diabetes">Diabetes</h2>' in page and "<h3>Insulin prices</h3>" in page
    assert "ज़िले में डायलिसिस केंद्र नहीं है" in page
    query = "community=diabetes&amp;from=2026-11-01&amp;to=2026-11-30"
    assert f'href="/console/policy-inputs/report.csv?{query}"' in page
    assert f'href="/console/policy-inputs/report.md?{query}"' in page
    assert 'href="/console/policy-inputs" aria-current="page"' in page


async def test_a_long_periods_policy_inputs_come_a_page_at_a_time(
        browser: httpx.AsyncClient, admin: Any) -> None:
    many = PolicyInputs.model_validate({"items": [
        {"post_id": str(uuid.uuid4()), "community": "diabetes", "theme": f"Theme {n:03}",
         "body": f"Input number {n:03}", "language": "en",
         "created_at": "2026-11-20T06:00:00Z"} for n in range(120)]}).model_dump(mode="json")
    admin.on("GET", "/v1/policy-inputs", ok(many))
    moderator = await sign_in_as(browser, admin, "moderator")
    page = (await moderator.get("/console/policy-inputs?community=diabetes")).text
    assert "Input number 000" in page and "Input number 049" in page
    assert "Input number 050" not in page and f"Inputs 1{DASH}50 of 120" in page
    assert 'href="/console/policy-inputs?community=diabetes&amp;page=2" rel="next"' in page
    assert 'rel="prev"' not in page
    page = (await moderator.get("/console/policy-inputs?community=diabetes&page=3")).text
    assert "Input number 100" in page and "Input number 119" in page
    assert "Input number 099" not in page and f"Inputs 101{DASH}120 of 120" in page
    assert 'href="/console/policy-inputs?community=diabetes&amp;page=2" rel="prev"' in page
    assert 'rel="next"' not in page
    # Past the last page: the last; not a number: the first. The report is still whole.
    assert f"Inputs 101{DASH}120" in (await moderator.get("/console/policy-inputs?page=99")).text
    assert f"Inputs 1{DASH}50" in (await moderator.get("/console/policy-inputs?page=x")).text
    assert 'href="/console/policy-inputs/report.csv?community=diabetes"' in page
    moderator.cookies.set(LANGUAGE_COOKIE, "hi")
    hindi = parsed((await moderator.get("/console/policy-inputs?page=2")).text)
    assert hindi.html_lang == "hi" and not [
        c.get("id") for c in hindi.controls if c.get("id") not in hindi.labelled]
    hindi_text = (await moderator.get("/console/policy-inputs?page=2")).text
    assert f"120 में से सुझाव 51{DASH}100" in hindi_text and "अगले सुझाव" in hindi_text
    moderator.cookies.delete(LANGUAGE_COOKIE)


async def test_the_reports_download_with_their_type_and_a_file_name(
        browser: httpx.AsyncClient, admin: Any) -> None:
    admin.on("GET", "/v1/policy-inputs", policy_api)
    moderator = await sign_in_as(browser, admin, "admin")
    reply = await moderator.get("/console/policy-inputs/report.csv?from=2026-11-01&to=2026-11-30")
    assert reply.status_code == 200 and reply.text == CSV
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"
    assert reply.headers["content-disposition"] == (
        'attachment; filename="policy-inputs-2026-11-01-2026-11-30.csv"')
    sent = admin.calls("GET", "/v1/policy-inputs")[-1].url.params
    assert sent["format"] == "csv" and sent["to"] == "2026-12-01T00:00:00+05:30"
    reply = await moderator.get("/console/policy-inputs/report.md")
    assert reply.headers["content-type"] == "text/markdown; charset=utf-8"
    assert reply.headers["content-disposition"] == 'attachment; filename="policy-inputs.md"'
    assert reply.text == "# Policy inputs\n"
    assert (await moderator.get("/console/policy-inputs/report.exe")).status_code == 404


async def test_a_refused_report_is_an_error_page_and_a_patient_gets_none(
        browser: httpx.AsyncClient, admin: Any) -> None:
    admin.on("GET", "/v1/policy-inputs", lambda _: admin.problem(403, detail="moderators only"))
    moderator = await sign_in_as(browser, admin, "moderator")
    reply = await moderator.get("/console/policy-inputs/report.csv")
    assert reply.status_code == 403 and "moderators only" in reply.text
    assert "text/html" in reply.headers["content-type"]
    admin.roles = ["patient"]
    patient = await sign_in_as(browser, admin, "patient")
    before = len(admin.calls("GET", "/v1/policy-inputs"))
    assert (await patient.get("/console/policy-inputs")).status_code == 403
    assert (await patient.get("/console/policy-inputs/report.md")).status_code == 403
    assert len(admin.calls("GET", "/v1/policy-inputs")) == before


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_the_policy_page_is_labelled_and_light(
        browser: httpx.AsyncClient, admin: Any, language: str) -> None:
    admin.on("GET", "/v1/policy-inputs", policy_api)
    moderator = await sign_in_as(browser, admin, "moderator")
    moderator.cookies.delete(LANGUAGE_COOKIE)
    reply = await moderator.get("/console/policy-inputs", headers={"Accept-Language": language})
    page = parsed(reply.text)
    ids = [c.get("id") for c in page.controls]
    assert reply.status_code == 200 and page.html_lang == language
    assert len(ids) == len(set(ids)) and not [i for i in ids if i not in page.labelled]
    assert len(reply.content) < 100_000


NOTE_ID = str(uuid.uuid4())
AUDIO = bytes(range(256)) * 4  # 1024 bytes


def playback(request: httpx.Request) -> httpx.Response:
    """The API's playback: a Range answered 206, the whole note 200, both streamed."""
    asked = request.headers.get("range")

    async def chunks(data: bytes) -> Any:
        for start in range(0, len(data), 100):
            yield data[start:start + 100]

    if asked is None:
        return httpx.Response(200, content=chunks(AUDIO), headers={
            "content-type": "audio/ogg", "content-length": str(len(AUDIO)),
            "accept-ranges": "bytes"})
    first, last = (int(n) for n in asked.removeprefix("bytes=").split("-"))
    if first >= len(AUDIO):
        return httpx.Response(416, json={"title": "the range is outside the file"},
                              headers={"content-type": "application/problem+json",
                                       "content-range": f"bytes */{len(AUDIO)}"})
    part = AUDIO[first:last + 1]
    return httpx.Response(206, content=chunks(part), headers={
        "content-type": "audio/ogg", "content-length": str(len(part)),
        "content-range": f"bytes {first}-{first + len(part) - 1}/{len(AUDIO)}",
        "accept-ranges": "bytes"})


async def test_a_voice_note_streams_through_with_its_range(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    path = f"/v1/media/voice-notes/{NOTE_ID}"
    gateway.on("GET", path, playback)
    reply = await signed_in.get(f"/voice-notes/{NOTE_ID}", headers={"Range": "bytes=100-299"})
    assert reply.status_code == 206 and reply.content == AUDIO[100:300]
    assert reply.headers["content-range"] == "bytes 100-299/1024"
    assert reply.headers["content-type"] == "audio/ogg"
    assert reply.headers["content-length"] == "200" and reply.headers["accept-ranges"] == "bytes"
    sent = gateway.calls("GET", path)[0]
    assert sent.headers["range"] == "bytes=100-299"
    assert sent.headers["authorization"].startswith("Bearer ")
    whole = await signed_in.get(f"/voice-notes/{NOTE_ID}")
    assert whole.status_code == 200 and whole.content == AUDIO
    assert "range" not in gateway.calls("GET", path)[1].headers
    outside = await signed_in.get(f"/voice-notes/{NOTE_ID}", headers={"Range": "bytes=5000-6000"})
    assert outside.status_code == 416 and outside.headers["content-range"] == "bytes */1024"


async def test_a_voice_note_the_api_will_not_play_is_an_error_page(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    reply = await browser.get(f"/voice-notes/{NOTE_ID}")  # the fake API knows none
    assert reply.status_code == 404 and "text/html" in reply.headers["content-type"]


async def test_the_post_and_its_comments_play_their_voice_notes(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    comment_note = str(uuid.uuid4())
    post = PostView.model_validate({
        "post_id": POST_ID, "community": "common", "kind": "discussion", "title": None,
        "body": "Listen", "language": "hi", "created_at": "2026-12-01T10:00:00Z",
        "author": {"user_id": None, "display_name": "Meena", "verified": False},
        "voice_note_id": NOTE_ID, "reactions": {"counts": {}, "mine": []},
        "comments": [{"comment_id": str(uuid.uuid4()), "body": "Me too", "language": "hi",
                      "created_at": "2026-12-01T11:00:00Z", "professional_answer": False,
                      "author": {"user_id": None, "display_name": "Ravi", "verified": False},
                      "voice_note_id": comment_note}]}).model_dump(mode="json")
    gateway.on("GET", f"/v1/posts/{POST_ID}", ok(post))
    page = (await browser.get(f"/posts/{POST_ID}")).text
    for note in (NOTE_ID, comment_note):
        assert f'<audio controls preload="none" src="/voice-notes/{note}"' in page


def a_post(comments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return PostView.model_validate({
        "post_id": POST_ID, "community": "common", "kind": "discussion", "title": None,
        "body": "Listen", "language": "hi", "created_at": "2026-12-01T10:00:00Z",
        "author": {"user_id": None, "display_name": "Meena", "verified": False},
        "reactions": {"counts": {}, "mine": []},
        "comments": comments or []}).model_dump(mode="json")


async def test_a_comment_with_a_voice_note_uploads_it_then_attaches_its_id(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", f"/v1/posts/{POST_ID}", ok(a_post()))
    gateway.on("POST", "/v1/media/voice-notes", lambda _: httpx.Response(201, json={
        "voice_note_id": NOTE_ID, "duration_s": 3.0, "content_type": "audio/ogg"}))
    answers = iter([gateway.problem(422, [{"field": "body", "message": "too short"}]),
                    httpx.Response(201, json={"comment_id": str(uuid.uuid4())})])
    gateway.on("POST", f"/v1/posts/{POST_ID}/comments", lambda _: next(answers))
    page = (await signed_in.get(f"/posts/{POST_ID}")).text
    form = page[page.index('id="comment-form"') - 80:]
    assert 'enctype="multipart/form-data"' in form and 'type="file" id="f-voice_note"' in form
    refused = await signed_in.post(f"/posts/{POST_ID}/comments", data={
        "csrf_token": csrf_in(page), "body": "सुनिए", "language": "hi",
        "idempotency_key": "c" * 24}, files={"voice_note": ("note.ogg", AUDIO, "audio/ogg")})
    assert refused.status_code == 422 and "too short" in refused.text
    # The note was taken: the next try carries its id and uploads nothing again.
    assert f'name="voice_note_id" value="{NOTE_ID}"' in refused.text
    reply = await signed_in.post(f"/posts/{POST_ID}/comments", data={
        "csrf_token": csrf_in(page), "body": "सुनिए, मेरी बात", "language": "hi",
        "voice_note_id": NOTE_ID, "idempotency_key": "d" * 24})
    assert reply.status_code == 303
    assert len(gateway.calls("POST", "/v1/media/voice-notes")) == 1
    sent = sent_json(gateway, "POST", f"/v1/posts/{POST_ID}/comments")
    assert sent[-1] == {"body": "सुनिए, मेरी बात", "language": "hi", "voice_note_id": NOTE_ID}
    assert gateway.calls("POST", f"/v1/posts/{POST_ID}/comments")[-1].headers[
        "idempotency-key"] == "d" * 24


async def test_a_reply_takes_a_voice_note_as_the_comment_form_does(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    parent = str(uuid.uuid4())
    comment = {"comment_id": parent, "body": "Try this", "language": "en",
               "created_at": "2026-12-01T10:05:00Z", "professional_answer": False,
               "author": {"user_id": None, "display_name": "Ravi", "verified": False},
               "replies": []}
    gateway.on("GET", f"/v1/posts/{POST_ID}", ok(a_post([comment])))
    uploads = iter([gateway.problem(422, [{"field": "file", "message": "not audio"}]),
                    httpx.Response(201, json={"voice_note_id": NOTE_ID, "duration_s": 2.0,
                                              "content_type": "audio/ogg"})])
    gateway.on("POST", "/v1/media/voice-notes", lambda _: next(uploads))
    answers = iter([gateway.problem(422, [{"field": "body", "message": "too short"}]),
                    httpx.Response(201, json={"comment_id": str(uuid.uuid4())})])
    gateway.on("POST", f"/v1/posts/{POST_ID}/comments", lambda _: next(answers))
    page = (await signed_in.get(f"/posts/{POST_ID}")).text
    form = page[page.index(f'value="{parent}"') - 400:]
    form = form[:form.index("</form>")]
    assert 'enctype="multipart/form-data"' in form and 'name="idempotency_key"' in form
    assert f'<label for="reply-{parent}-voice">' in form
    assert f'type="file" id="reply-{parent}-voice" name="voice_note"' in form
    fields = {"csrf_token": csrf_in(page), "parent_id": parent, "body": "Thank you",
              "language": "en", "voice_note_id": ""}
    # A file that is no audio: named beside the reply's own field; nothing is commented.
    refused = await signed_in.post(f"/posts/{POST_ID}/comments", data={
        **fields, "idempotency_key": "e" * 24},
        files={"voice_note": ("a.txt", b"words", "text/plain")})
    assert refused.status_code == 422
    assert (f'id="reply-{parent}-voice-error" data-field="voice_note">not audio'
            in refused.text)
    assert gateway.calls("POST", f"/v1/posts/{POST_ID}/comments") == []
    # An audio file, then the reply refused: the note is kept for the next try.
    refused = await signed_in.post(f"/posts/{POST_ID}/comments", data={
        **fields, "idempotency_key": "f" * 24},
        files={"voice_note": ("note.ogg", AUDIO, "audio/ogg")})
    assert refused.status_code == 422 and "too short" in refused.text
    assert f'name="voice_note_id" value="{NOTE_ID}"' in refused.text
    reply = await signed_in.post(f"/posts/{POST_ID}/comments", data={
        **fields, "voice_note_id": NOTE_ID, "idempotency_key": "g" * 24})
    assert reply.status_code == 303
    assert len(gateway.calls("POST", "/v1/media/voice-notes")) == 2
    sent = sent_json(gateway, "POST", f"/v1/posts/{POST_ID}/comments")
    assert sent[-1] == {"body": "Thank you", "language": "en", "parent_id": parent,
                        "voice_note_id": NOTE_ID}
    assert gateway.calls("POST", f"/v1/posts/{POST_ID}/comments")[-1].headers[
        "idempotency-key"] == "g" * 24


async def test_a_refused_voice_note_on_a_comment_is_named_and_nothing_is_commented(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", f"/v1/posts/{POST_ID}", ok(a_post()))
    gateway.on("POST", "/v1/media/voice-notes", lambda _: gateway.problem(
        422, [{"field": "file", "message": "not a voice note we can play"}]))
    page = (await signed_in.get(f"/posts/{POST_ID}")).text
    reply = await signed_in.post(f"/posts/{POST_ID}/comments", data={
        "csrf_token": csrf_in(page), "body": "Hello", "language": "en"},
        files={"voice_note": ("a.exe", b"MZ\x90", "application/x-dosexec")})
    assert reply.status_code == 422
    assert 'data-field="voice_note">not a voice note we can play' in reply.text
    assert gateway.calls("POST", f"/v1/posts/{POST_ID}/comments") == []


def voice_api(gateway: Any, upload: Any) -> None:
    gateway.on("GET", "/v1/feed", ok({"items": [], "next_cursor": None}))
    gateway.on("GET", "/v1/communities", ok(COMMUNITIES))
    gateway.on("GET", "/v1/me/follows", ok({"items": []}))
    gateway.on("POST", "/v1/media/voice-notes", upload)


async def test_a_post_with_a_voice_note_uploads_it_then_attaches_its_id(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    voice_api(gateway, lambda _: httpx.Response(201, json={
        "voice_note_id": NOTE_ID, "duration_s": 4.2, "content_type": "audio/ogg"}))
    gateway.on("POST", "/v1/posts", lambda _: httpx.Response(201, json={"post_id": POST_ID}))
    page = (await signed_in.get("/")).text
    assert 'enctype="multipart/form-data"' in page and 'type="file" id="f-voice_note"' in page
    reply = await signed_in.post("/posts", data={
        "csrf_token": csrf_in(page), "community": "common", "kind": "discussion",
        "body": "सुनिए", "language": "hi", "idempotency_key": "k" * 24},
        files={"voice_note": ("note.ogg", AUDIO, "audio/ogg")})
    assert reply.status_code == 303 and reply.headers["location"] == f"/posts/{POST_ID}"
    [upload] = gateway.calls("POST", "/v1/media/voice-notes")
    sent = upload.read()
    assert b'name="file"; filename="note.ogg"' in sent and AUDIO in sent
    assert upload.headers["idempotency-key"] == "k" * 24 + "-voice"
    assert sent_json(gateway, "POST", "/v1/posts") == [{
        "kind": "discussion", "body": "सुनिए", "language": "hi", "community": "common",
        "voice_note_id": NOTE_ID}]


async def test_a_refused_voice_note_is_named_beside_its_field_and_nothing_is_posted(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    voice_api(gateway, lambda _: gateway.problem(
        422, [{"field": "file", "message": "not a voice note we can play"}]))
    csrf = csrf_in((await signed_in.get("/")).text)
    reply = await signed_in.post("/posts", data={
        "csrf_token": csrf, "community": "common", "kind": "discussion", "body": "Hello",
        "language": "en"}, files={"voice_note": ("a.exe", b"MZ\x90", "application/x-dosexec")})
    assert reply.status_code == 422
    assert 'id="f-voice_note-error" data-field="voice_note">not a voice note we can play' in (
        reply.text)
    assert ">Hello</textarea>" in reply.text and gateway.calls("POST", "/v1/posts") == []
    voice_api(gateway, lambda _: httpx.Response(413, text="too large"))
    reply = await signed_in.post("/posts", data={
        "csrf_token": csrf, "community": "common", "body": "Hello", "language": "en"},
        files={"voice_note": ("big.ogg", AUDIO, "audio/ogg")})
    assert reply.status_code == 422 and "This audio file could not be taken." in reply.text


async def test_an_uploaded_voice_note_is_kept_when_the_post_is_refused(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    voice_api(gateway, lambda _: httpx.Response(201, json={
        "voice_note_id": NOTE_ID, "duration_s": 4.2, "content_type": "audio/ogg"}))
    answers = iter([gateway.problem(422, [{"field": "body", "message": "too short"}]),
                    httpx.Response(201, json={"post_id": POST_ID})])
    gateway.on("POST", "/v1/posts", lambda _: next(answers))
    csrf = csrf_in((await signed_in.get("/")).text)
    form = {"csrf_token": csrf, "community": "common", "body": "x", "language": "en"}
    refused = await signed_in.post("/posts", data=form,
                                   files={"voice_note": ("n.ogg", AUDIO, "audio/ogg")})
    assert refused.status_code == 422
    assert f'name="voice_note_id" value="{NOTE_ID}"' in refused.text
    assert "Your voice note is kept" in refused.text
    empty = {"voice_note": ("", b"", "application/octet-stream")}  # no file chosen
    reply = await signed_in.post("/posts", data={**form, "voice_note_id": NOTE_ID},
                                 files=empty)
    assert reply.status_code == 303
    assert len(gateway.calls("POST", "/v1/media/voice-notes")) == 1
    assert sent_json(gateway, "POST", "/v1/posts")[1]["voice_note_id"] == NOTE_ID


COMMENT_ID, REPLY_ID, MINE_ID, HIDDEN_ID = (str(uuid.uuid4()) for _ in range(4))


def discussion(gateway: Any, me: str | None = None) -> None:
    someone = {"user_id": str(uuid.uuid4()), "display_name": "Ravi", "verified": False}
    post = PostView.model_validate({
        "post_id": POST_ID, "community": "common", "kind": "discussion", "title": "T",
        "body": "B", "language": "en", "created_at": "2026-12-01T10:00:00Z",
        "author": someone, "reactions": {"counts": {}, "mine": []},
        "comments": [
            {"comment_id": COMMENT_ID, "body": "Stop your insulin", "language": "en",
             "created_at": "2026-12-01T11:00:00Z", "professional_answer": False,
             "author": someone,
             "replies": [{"comment_id": REPLY_ID, "body": "No!", "language": "en",
                          "created_at": "2026-12-01T12:00:00Z", "author": someone,
                          "professional_answer": False}]},
            {"comment_id": MINE_ID, "body": "Mine", "language": "en",
             "created_at": "2026-12-01T11:00:00Z", "professional_answer": False,
             "author": {**someone, "user_id": me, "display_name": "Asha"}},
            {"comment_id": HIDDEN_ID, "body": "[removed by a moderator]", "language": "en",
             "created_at": "2026-12-01T11:00:00Z", "professional_answer": False,
             "author": someone, "status": "hidden"}]}).model_dump(mode="json")
    gateway.on("GET", f"/v1/posts/{POST_ID}", ok(post))


async def test_each_comment_and_reply_has_a_report_form_but_ones_own_and_hidden_ones(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    me = str(uuid.uuid4())
    gateway.on("GET", "/v1/me", ok({"user_id": me, "display_name": "Asha",
                                    "roles": ["patient"], "verified": False,
                                    "preferred_language": "en"}))
    signed_in = await sign_in_as(browser, gateway, "patient")
    discussion(gateway, me=me)
    page = (await signed_in.get(f"/posts/{POST_ID}")).text
    for comment in (COMMENT_ID, REPLY_ID):
        assert f'action="/posts/{POST_ID}/comments/{comment}/flag"' in page
        assert f'<label for="flag-{comment}">' in page
    assert f"/comments/{HIDDEN_ID}/flag" not in page and f"/comments/{MINE_ID}/flag" not in page
    assert 'data-comment-status="hidden">[removed by a moderator]</p>' in page
    assert 'class="notice" data-comment-status="hidden"' not in page  # not theirs to see
    visitor = (await browser.post("/signout", data={"csrf_token": csrf_in(page)}))
    assert visitor.status_code == 303
    assert "/flag" not in (await browser.get(f"/posts/{POST_ID}")).text


async def test_a_comment_is_flagged_with_its_reason_and_a_second_flag_is_said_there(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    discussion(gateway)
    path = f"/v1/comments/{COMMENT_ID}/flags"
    answers = iter([httpx.Response(201, json={"flag_id": str(uuid.uuid4())}),
                    gateway.problem(409, detail="you have flagged this comment already"),
                    gateway.problem(422, [{"field": "reason", "message": "choose a reason"}])])
    gateway.on("POST", path, lambda _: next(answers))
    page = (await signed_in.get(f"/posts/{POST_ID}")).text
    assert 'class="notice" data-comment-status="hidden"' in page  # an admin is told
    csrf = csrf_in(page)
    action = f"/posts/{POST_ID}/comments/{COMMENT_ID}/flag"
    reply = await signed_in.post(action, data={"csrf_token": csrf, "reason": "misinformation"})
    assert reply.status_code == 303 and reply.headers["location"] == f"/posts/{POST_ID}#comments"
    assert sent_json(gateway, "POST", path) == [{"reason": "misinformation"}]
    assert "the moderators will look at the comment" in (
        await signed_in.get(f"/posts/{POST_ID}")).text
    again = await signed_in.post(action, data={"csrf_token": csrf, "reason": "spam"})
    assert again.status_code == 422 and "you have flagged this comment already" in again.text
    blank = await signed_in.post(action, data={"csrf_token": csrf, "reason": ""})
    assert f'id="flag-{COMMENT_ID}-error" data-field="reason">choose a reason' in blank.text
    assert gateway.calls("POST", "/v1/flags") == []  # the post's own flag untouched


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_the_post_page_with_report_forms_is_labelled_and_light(
        signed_in: httpx.AsyncClient, gateway: Any, language: str) -> None:
    discussion(gateway)
    signed_in.cookies.delete(LANGUAGE_COOKIE)
    reply = await signed_in.get(f"/posts/{POST_ID}", headers={"Accept-Language": language})
    page = parsed(reply.text)
    ids = [c.get("id") for c in page.controls]
    assert page.html_lang == language and len(ids) == len(set(ids))
    assert not [i for i in ids if i not in page.labelled]
    assert len(reply.content) < 100_000


async def test_a_post_too_large_to_hold_a_voice_note_is_refused_unread(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    voice_api(gateway, lambda _: httpx.Response(201, json={"voice_note_id": NOTE_ID}))
    csrf = csrf_in((await signed_in.get("/")).text)
    reply = await signed_in.post("/posts", data={
        "csrf_token": csrf, "community": "common", "body": "Hello", "language": "en"},
        files={"voice_note": ("long.ogg", b"\0" * 1_500_000, "audio/ogg")})
    assert reply.status_code == 413 and "at most 700 KB" in reply.text
    assert gateway.calls("POST", "/v1/media/voice-notes") == []
    assert gateway.calls("POST", "/v1/posts") == []


def test_every_word_of_these_screens_is_in_real_hindi() -> None:
    prefixes = ("search.", "resources.", "resource_kind.", "events.", "event_kind.",
                "listing.", "policy.", "voice.", "comment.report", "comment.hidden",
                "flash.comment_flagged", "flash.resource_", "flash.event_", "error.too_large",
                "nav.resources", "nav.events", "nav.policy_inputs", "nav.console_")
    english, hindi = catalogue("en"), catalogue("hi")
    ours = [k for k in english if k.startswith(prefixes)]
    assert len(ours) > 60
    devanagari = re.compile("[\u0900-\u097f]")
    assert [k for k in ours if not devanagari.search(hindi.get(k, ""))] == []
