"""The pages as a browser gets them, against a fake gateway."""

import json
import re
import uuid
from typing import Any

import httpx

from contracts.feed.messages import FeedItem
from contracts.identity.messages import MyApplication
from contracts.pharmacovigilance.messages import CaseView
from web.i18n import LANGUAGE_COOKIE

from .pages import parsed

CASE_ID, REACTION_ID, MEDICINE_ID = (str(uuid.uuid4()) for _ in range(3))
POST = FeedItem.model_validate({
    "post_id": str(uuid.uuid4()), "community": "common", "kind": "discussion",
    "title": "Sugar at night", "body": "My sugar drops at night.", "language": "en",
    "created_at": "2026-11-30T10:00:00Z",
    "author": {"user_id": None, "display_name": "Dr. Farida", "verified": True,
               "profession": "doctor"}}).model_dump(mode="json")
# The replies as the API gives them: every field, defaults filled in by the contracts.
CASE = CaseView.model_validate({
    "report_id": CASE_ID, "reference": "PU-ADR-1", "status": "received", "version": 1,
    "created_at": "2026-11-30T10:00:00Z", "updated_at": "2026-11-30T10:00:00Z",
    "serious": None, "due_at": "2026-12-15T10:00:00Z", "overdue": False,
    "reporter": {"relation": "self", "is_health_professional": False,
                 "consent_to_contact": True},
    "patient": {"initials": "RK", "sex": "female", "age": {"value": 34, "unit": "years"}},
    "reactions": [{"reaction_id": REACTION_ID, "description": "त्वचा पर दाने", "language": "hi",
                   "start_date": None, "outcome": "recovering",
                   "seriousness": {"death": "no", "hospitalisation": "unknown"}}],
    "medicines": [{"medicine_id": MEDICINE_ID, "name": "Amoxicillin", "role": "suspect",
                   "action_taken": "withdrawn"}],
    "draft": False, "missing": [], "history": [{"status": "received",
                                                "at": "2026-11-30T10:00:00Z"}],
    "coding": {}, "causality": [], "seriousness_confirmed": False,
    "confirmed_seriousness": {}, "narrative": None, "follow_ups": [],
    "relay": {"safety_report_id": None, "detail": None},
    "possible_duplicates": []}).model_dump(mode="json")


def serve_pages(gateway: Any) -> None:
    page = {"items": [], "next_cursor": None}
    gateway.on("GET", "/v1/feed", lambda _: httpx.Response(200, json={
        "items": [POST], "next_cursor": None}))
    gateway.on("GET", "/v1/communities", lambda _: httpx.Response(200, json={"items": [
        {"id": str(uuid.uuid4()), "slug": "diabetes", "name": "Diabetes",
         "description": "Living with diabetes", "post_count": 3, "member_count": 12}]}))
    gateway.on("GET", f"/v1/posts/{POST['post_id']}", lambda _: httpx.Response(200, json={
        **POST, "status": "published", "comments": [], "reactions": {"counts": {}, "mine": []}}))
    gateway.on("GET", "/v1/me/follows", lambda _: httpx.Response(200, json={"items": []}))
    gateway.on("GET", "/v1/me/adr-reports", lambda _: httpx.Response(200, json={
        "items": [CASE], "next_cursor": None}))
    gateway.on("GET", f"/v1/adr-reports/{CASE_ID}", lambda _: httpx.Response(200, json=CASE))
    gateway.on("GET", "/v1/pv/cases", lambda _: httpx.Response(200, json={
        "items": [{**CASE, "overdue": True}], "next_cursor": None}))
    gateway.on("GET", f"/v1/pv/cases/{CASE_ID}", lambda _: httpx.Response(200, json=CASE))
    gateway.on("GET", "/v1/pv/relay", lambda _: httpx.Response(200, json=page))
    gateway.on("GET", "/v1/pv/signals", lambda _: httpx.Response(200, json={"items": []}))
    gateway.on("GET", "/v1/admin/professional-applications",
               lambda _: httpx.Response(200, json=page))
    gateway.on("GET", f"/v1/pv/cases/{CASE_ID}/reads", lambda _: httpx.Response(200, json=page))
    gateway.on("GET", "/v1/me/consents", lambda _: httpx.Response(200, json={"items": []}))
    gateway.on("GET", "/v1/me/professional-application", lambda _: httpx.Response(200, json=(
        MyApplication.model_validate({
            "application_id": str(uuid.uuid4()), "status": "information_requested",
            "profession": "doctor", "questions": [{"question": "Your council?",
                                                   "asked_at": "2026-11-30T10:00:00Z"}]})
        .model_dump(mode="json"))))


PAGES = ["/", "/communities", "/c/diabetes", f"/posts/{POST['post_id']}", "/report",
         "/my/reports", f"/my/reports/{CASE_ID}", "/console/cases", f"/console/cases/{CASE_ID}",
         "/console/relay", "/console/signals", "/console/applications", "/console/users",
         "/signin", "/signup", "/apply", f"/console/cases/{CASE_ID}/reads", "/console/exports",
         "/my/data", "/my/application", f"/my/reports/{CASE_ID}/edit"]


async def test_every_page_is_labelled_in_its_language_and_light(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    serve_pages(gateway)
    signed_in.cookies.delete(LANGUAGE_COOKIE)  # no choice made: Accept-Language decides
    css = (await signed_in.get("/static/site.css")).content
    for language in ("en", "hi"):
        for path in PAGES:
            reply = await signed_in.get(path, headers={"Accept-Language": language})
            assert reply.status_code == 200, (path, reply.text[:500])
            page = parsed(reply.text)
            assert page.html_lang == language and "#main" in page.links, path
            unlabelled = [c for c in page.controls if c.get("id") not in page.labelled]
            assert not unlabelled, (path, unlabelled)
            assert len(reply.content) + len(css) < 100_000, path


async def test_the_reporters_words_are_beside_the_coding_form(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    serve_pages(gateway)
    html = (await signed_in.get(f"/console/cases/{CASE_ID}")).text
    assert '<blockquote lang="hi">त्वचा पर दाने</blockquote>' in html
    assert f'name="reactions.0.reaction_id" value="{REACTION_ID}"' in html
    assert 'name="reactions.0.meddra.version" value="27.1"' in html
    assert "Causality: Amoxicillin → त्वचा पर दाने" in html
    listed = (await signed_in.get("/console/cases")).text
    assert 'class="badge overdue"' in listed and "not known yet" in listed
    calls = gateway.calls("GET", "/v1/pv/cases")
    assert calls[-1].url.params["sort"] == "due"


async def test_a_verified_author_shows_the_badge(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    serve_pages(gateway)
    html = (await browser.get("/")).text
    assert 'data-verified="true">✔ verified · Doctor</span>' in html


async def test_the_apis_field_error_is_shown_beside_the_field_with_the_values_kept(
        signed_in: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.on("POST", "/v1/adr-reports", lambda _: gateway.problem(422, [
        {"field": "patient.age.value", "message": "Input should be less than or equal to 130"}]))
    reply = await signed_in.post("/report", data={
        "csrf_token": await csrf_of(signed_in, "/report"), "patient.age.value": "200",
        "reactions.0.description": "चक्कर आना", "medicines.0.name": "Amlodipine"})
    assert reply.status_code == 422
    html = reply.text
    field = html.index('id="f-patient-age-value"')
    error = html.index('id="f-patient-age-value-error"')
    assert 0 < error - field < 400  # right under its control
    assert 'data-field="patient.age.value">Input should be less than or equal to 130' in html
    assert 'aria-describedby="f-patient-age-value-error"' in html
    assert 'value="200"' in html and "चक्कर आना</textarea>" in html and 'value="Amlodipine"' in html
    sent = json.loads(gateway.calls("POST", "/v1/adr-reports")[0].read())
    assert sent["patient"]["age"] == {"value": "200"}  # the API judges it


async def test_sign_up_sends_the_consents_ticked_and_signs_in(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.on("POST", "/v1/accounts", lambda _: httpx.Response(201, json={
        "user_id": str(uuid.uuid4())}))
    reply = await browser.post("/signup", data={
        "csrf_token": await csrf_of(browser, "/signup"), "display_name": "Meera",
        "email": "meera@example.in", "password": "a-long-password-1", "role": "caregiver",
        "preferred_language": "hi", "consents.terms": "on",
        "consents.health_data_processing": "on"})
    assert reply.status_code == 303 and reply.headers["location"] == "/"
    sent = json.loads(gateway.calls("POST", "/v1/accounts")[0].read())
    assert sent["consents"] == [{"purpose": "terms", "version": "2026-11"},
                                {"purpose": "health_data_processing", "version": "2026-11"}]
    assert sent["role"] == "caregiver" and "phone" not in sent
    assert gateway.calls("POST", "/v1/auth/token")


async def test_a_refused_sign_up_keeps_the_values_but_never_the_password(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.on("POST", "/v1/accounts", lambda _: gateway.problem(422, [
        {"field": "password", "message": "this password is too common"},
        {"field": "body", "message": "Value error, consent to the terms is required"}]))
    reply = await browser.post("/signup", data={
        "csrf_token": await csrf_of(browser, "/signup"), "display_name": "Meera",
        "email": "meera@example.in", "password": "password123", "role": "patient"})
    html = reply.text
    assert reply.status_code == 422 and 'value="meera@example.in"' in html
    assert "password123" not in html
    assert 'data-field="password">this password is too common' in html
    assert "consent to the terms is required" in html.split('id="form-errors"')[1][:400]


async def test_the_chosen_language_is_kept_in_a_cookie(
        browser: httpx.AsyncClient, csrf_of: Any) -> None:
    reply = await browser.post("/language", data={
        "csrf_token": await csrf_of(browser), "language": "hi", "next": "/signup"})
    assert reply.status_code == 303 and reply.headers["location"] == "/signup"
    html = (await browser.get("/signin", headers={"Accept-Language": "en"})).text
    assert '<html lang="hi">' in html and "साइन इन करें" in html


async def test_the_api_unreachable_is_a_page_that_says_so(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    gateway.on("GET", "/v1/feed", down)
    reply = await browser.get("/")
    assert reply.status_code == 503 and "not answering" in reply.text


async def test_pages_forbid_scripts_frames_and_other_sites(browser: httpx.AsyncClient) -> None:
    for path in ("/signin", "/static/site.css"):
        headers = (await browser.get(path)).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy and headers["x-content-type-options"] == (
            "nosniff")
    missing = await browser.get("/static/nothing.css")
    assert missing.status_code == 404 and missing.text == "not found"


async def test_erasing_needs_the_box_ticked_then_signs_out(
        signed_in: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.on("GET", "/v1/me/consents", lambda _: httpx.Response(200, json={
        "items": [{"purpose": "terms", "version": "2026-11"}]}))
    gateway.on("DELETE", "/v1/me", lambda _: httpx.Response(202, json={"status": "erased"}))
    token = await csrf_of(signed_in, "/my/data")
    refused = await signed_in.post("/my/data/erase", data={"csrf_token": token})
    assert refused.status_code == 422 and 'data-field="confirm">Tick the box' in refused.text
    assert gateway.calls("DELETE", "/v1/me") == []
    done = await signed_in.post("/my/data/erase", data={"csrf_token": token,
                                                        "confirm": "understood"})
    assert done.status_code == 303 and len(gateway.calls("DELETE", "/v1/me")) == 1
    assert (await signed_in.get("/my/data")).headers["location"].startswith("/signin")


async def test_an_export_refused_names_its_field(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/pv/exports", lambda _: gateway.problem(422, [
        {"field": "query", "message": "Value error, `to` is before `from`"},
        {"field": "query.from", "message": "Input should be a valid date"}]))
    reply = await signed_in.get("/console/exports/download",
                                params={"from": "2026-13-01", "to": "2020-01-01"})
    assert reply.status_code == 422
    assert 'data-field="from">Input should be a valid date' in reply.text
    assert "`to` is before `from`" in reply.text and 'value="2020-01-01"' in reply.text
    assert gateway.calls("GET", "/v1/pv/exports")[-1].url.params["from"] == "2026-13-01"


async def test_an_export_is_streamed_through_with_its_length(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    """The browser's download shows its progress: the zip comes through as the API sends
    it, with the API's Content-Length."""
    chunks = [b"PK\x03\x04", b"x" * 70_000, b"end"]

    async def body() -> Any:
        for chunk in chunks:
            yield chunk
    gateway.on("GET", "/v1/pv/exports", lambda _: httpx.Response(200, content=body(), headers={
        "content-type": "application/zip", "content-length": str(sum(map(len, chunks))),
        "content-disposition": 'attachment; filename="cases.zip"'}))
    page = (await signed_in.get("/console/exports")).text
    assert 'aria-describedby="export-wait"' in page and 'id="export-wait"' in page
    async with signed_in.stream("GET", "/console/exports/download",
                                params={"from": "2026-11-01", "to": "2026-11-30"}) as reply:
        assert reply.status_code == 200
        assert reply.headers["content-length"] == str(sum(map(len, chunks)))
        assert reply.headers["content-type"] == "application/zip"
        assert reply.headers["content-disposition"] == 'attachment; filename="cases.zip"'
        assert b"".join([part async for part in reply.aiter_bytes()]) == b"".join(chunks)


async def test_another_reaction_is_added_without_a_script_and_without_sending(
        signed_in: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    reply = await signed_in.post("/report", data={
        "csrf_token": await csrf_of(signed_in, "/report"), "shown.reactions": "1",
        "shown.medicines": "2", "more": "reactions", "reactions.0.description": "rash"})
    assert reply.status_code == 200 and gateway.calls("POST", "/v1/adr-reports") == []
    assert 'name="reactions.1.description"' in reply.text
    assert 'name="shown.reactions" value="2"' in reply.text and "rash</textarea>" in reply.text


async def test_the_same_report_form_sent_twice_is_one_write_at_the_api(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("POST", "/v1/adr-reports", lambda _: httpx.Response(201, json={
        "report_id": CASE_ID, "reference": "PU-ADR-1", "status": "received", "missing": []}))
    form = (await signed_in.get("/report")).text
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)" value="([^"]+)"', form))
    again = (await signed_in.get("/report")).text
    assert fields["idempotency_key"] not in again  # a fresh key for each form shown
    for _ in range(2):
        reply = await signed_in.post("/report", data={**fields,
                                                      "reactions.0.description": "rash"})
        assert reply.status_code == 303
    keys = {r.headers["idempotency-key"] for r in gateway.calls("POST", "/v1/adr-reports")}
    assert keys == {fields["idempotency_key"]}


async def test_our_own_fault_is_a_plain_page_without_its_traceback(
        gateway: Any, settings: Any) -> None:
    from web.app import create_app
    from web.session_store import InMemorySessionStore
    gateway.on("GET", "/v1/feed", lambda _: httpx.Response(
        200, content=b"{not json", headers={"content-type": "application/json"}))
    app = create_app(settings, transport=httpx.MockTransport(gateway.handle),
                     store=InMemorySessionStore(settings.session_idle_s))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as client:
        reply = await client.get("/")
    assert reply.status_code == 500 and "Something went wrong" in reply.text
    assert "Traceback" not in reply.text and "JSONDecodeError" not in reply.text


async def test_the_admin_sets_staff_roles_and_sees_the_apis_refusal_beside_them(
        signed_in: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    user_id = str(uuid.uuid4())
    gateway.on("GET", f"/v1/admin/users/{user_id}/history", lambda _: httpx.Response(
        200, json={"user_id": user_id, "history": [{
            "event_type": "AccountRegistered", "at": "2026-11-30T10:00:00Z", "actor": None,
            "details": {"role": "patient"}}]}))
    gateway.on("PUT", f"/v1/admin/users/{user_id}/roles", lambda _: httpx.Response(
        200, json={"user_id": user_id, "roles": ["patient", "moderator"]}))
    token = await csrf_of(signed_in, f"/console/users/{user_id}")
    reply = await signed_in.post(f"/console/users/{user_id}/roles", data={
        "csrf_token": token, "roles": ["moderator", "pv_officer"], "reason": "new team"})
    assert reply.status_code == 303
    sent = json.loads(gateway.calls("PUT", f"/v1/admin/users/{user_id}/roles")[0].read())
    assert sent == {"roles": ["moderator", "pv_officer"], "reason": "new team"}
    gateway.on("PUT", f"/v1/admin/users/{user_id}/roles", lambda _: gateway.problem(422, [
        {"field": "roles.0", "message": "Input should be 'moderator', …"}]))
    reply = await signed_in.post(f"/console/users/{user_id}/roles", data={
        "csrf_token": token, "roles": ["emperor"]})
    assert reply.status_code == 422 and "Input should be &#39;moderator&#39;, …" in reply.text
