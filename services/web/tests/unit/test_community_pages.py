"""The feed's pages against a fake gateway: following, a post's comments, reactions and
flags, what the API tells an author, moderation, drug questions, schemes, notifications."""

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from contracts.feed.messages import (
    DrugQuery,
    ModerationItem,
    Notification,
    PostAccepted,
    PostView,
    SchemeView,
)
from web.i18n import LANGUAGE_COOKIE, catalogue
from web.pages.notifications import page_of

from .pages import csrf_token, parsed

POST_ID, COMMENT_ID, QUERY_ID, SCHEME_ID, NOTE_ID = (str(uuid.uuid4()) for _ in range(5))
AUTHOR = {"user_id": None, "display_name": "Meena", "verified": False}
POST = PostView.model_validate({
    "post_id": POST_ID, "community": "diabetes", "kind": "question", "title": "Night sugar",
    "body": "My sugar drops at night.", "language": "en", "created_at": "2026-12-01T10:00:00Z",
    "author": AUTHOR, "status": "held",
    "comments": [{"comment_id": COMMENT_ID, "author": {**AUTHOR, "display_name": "Dr. Rao",
                                                        "verified": True, "profession": "doctor"},
                  "body": "Eat a snack at bedtime.", "language": "en",
                  "created_at": "2026-12-01T11:00:00Z", "professional_answer": True,
                  "replies": [{"comment_id": str(uuid.uuid4()), "author": AUTHOR,
                               "body": "Thank you, doctor.", "language": "en",
                               "created_at": "2026-12-01T12:00:00Z",
                               "professional_answer": False}]}],
    "reactions": {"counts": {"support": 2, "helpful": 1, "same_here": 0},
                  "mine": ["support"]}}).model_dump(mode="json")
ITEM = ModerationItem.model_validate({
    "item_id": POST_ID, "post_id": POST_ID, "community": "diabetes", "status": "held",
    "title": None, "body": "Call me on 98765 43210", "author_id": str(uuid.uuid4()),
    "author_name": "Meera", "reasons": ["contact_details"], "flags": 0, "urgent": True,
    "since": "2026-12-01T10:00:00Z"}).model_dump(mode="json")
QUERY = DrugQuery.model_validate({
    "query_id": QUERY_ID, "medicine": "Metformin", "question": "Can I take it at night?",
    "language": "en", "asked_at": "2026-11-29T10:00:00Z", "status": "answered",
    "age_hours": 50.5, "overdue": True,
    "answer": {"body": "Yes, with your evening meal.", "references": ["CDSCO label"],
               "answered_at": "2026-12-01T10:00:00Z",
               "by": "verified drug-information team"}}).model_dump(mode="json")
SCHEME = SchemeView.model_validate({
    "scheme_id": SCHEME_ID, "slug": "pmjay", "name": "Ayushman Bharat PM-JAY",
    "covers": "Up to ₹5 lakh a family a year", "eligibility": "SECC families",
    "how_to_apply": "At an empanelled hospital", "documents": "Aadhaar", "helpline": "14555",
    "link": "https://pmjay.gov.in", "needs": ["hospitalisation"],
    "states": ["all"]}).model_dump(mode="json")
NOTE = Notification.model_validate({
    "notification_id": NOTE_ID, "kind": "drug_query_answered",
    "text": "Your question is answered.", "link": f"/v1/drug-queries/{QUERY_ID}",
    "created_at": "2026-12-01T10:00:00Z", "read": False}).model_dump(mode="json")
FEED = {"items": [{k: v for k, v in POST.items()
                   if k not in ("status", "comments", "reactions")}], "next_cursor": None}


def ok(body: Any) -> Any:
    return lambda _: httpx.Response(200, json=body)


def serve(gateway: Any) -> None:
    gateway.on("GET", "/v1/communities", ok({"items": [{
        "id": str(uuid.uuid4()), "slug": "diabetes", "name": "Diabetes",
        "description": "Living with diabetes", "post_count": 3, "member_count": 41}]}))
    gateway.on("GET", "/v1/feed", ok(FEED))
    gateway.on("GET", "/v1/me/feed", ok(FEED))
    gateway.on("GET", "/v1/me/follows", ok({"items": ["diabetes"]}))
    gateway.on("GET", f"/v1/posts/{POST_ID}", ok(POST))
    gateway.on("GET", "/v1/moderation/queue", ok({"items": [ITEM], "next_cursor": None}))
    gateway.on("GET", "/v1/drug-queries", ok({"items": [{**QUERY, "status": "open",
                                                         "answer": None}],
                                              "next_cursor": None}))
    gateway.on("GET", "/v1/me/drug-queries", ok({"items": [QUERY], "next_cursor": None}))
    gateway.on("GET", f"/v1/drug-queries/{QUERY_ID}", ok(QUERY))
    gateway.on("GET", "/v1/schemes", ok({"items": [SCHEME]}))
    gateway.on("GET", f"/v1/schemes/{SCHEME_ID}", ok(SCHEME))
    gateway.on("GET", "/v1/me/notifications", ok({"items": [NOTE], "unread_count": 1}))


PAGES = ["/my/feed", "/communities", "/c/diabetes", f"/posts/{POST_ID}", "/ask",
         "/my/questions", f"/my/questions/{QUERY_ID}", "/console/moderation",
         "/console/drug-queries", "/schemes", f"/schemes/{SCHEME_ID}", "/my/notifications",
         "/schemes?need=dialysis&state=kerala&q=kidney"]


@pytest.fixture
async def member(browser: httpx.AsyncClient, gateway: Any) -> httpx.AsyncClient:
    """Signed in as a member who is also a moderator and a pharmacist reviewer."""
    gateway.roles = ["patient", "moderator", "pharmacist_reviewer"]
    serve(gateway)
    reply = await browser.post("/signin", data={
        "username": "meena@example.in", "password": "a-long-password-1",
        "csrf_token": await csrf_token(browser)})
    assert reply.status_code == 303
    return browser


def sent_json(gateway: Any, method: str, path: str) -> Any:
    [request] = gateway.calls(method, path)
    return json.loads(request.read())


async def test_every_new_page_is_labelled_in_its_language_and_light(
        member: httpx.AsyncClient) -> None:
    member.cookies.delete(LANGUAGE_COOKIE)
    css = (await member.get("/static/site.css")).content
    for language in ("en", "hi"):
        for path in PAGES:
            reply = await member.get(path, headers={"Accept-Language": language})
            assert reply.status_code == 200, (path, reply.text[:300])
            page = parsed(reply.text)
            assert page.html_lang == language and "#main" in page.links, path
            ids = [c.get("id") for c in page.controls]
            assert len(ids) == len(set(ids)), (path, ids)
            assert not [i for i in ids if i not in page.labelled], path
            assert len(reply.content) + len(css) < 100_000, path


async def test_the_nav_shows_the_console_by_role_and_the_unread_count(
        member: httpx.AsyncClient, gateway: Any) -> None:
    html = (await member.get("/my/feed")).text
    assert 'href="/console/moderation"' in html and 'href="/console/drug-queries"' in html
    assert 'data-unread="1"' in html and 'href="/console/cases"' not in html


async def test_a_patient_without_the_role_cannot_open_the_queues(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    serve(gateway)
    gateway.roles.remove("admin")
    for path in ("/console/drug-queries",):
        assert (await signed_in.get(path)).status_code == 403
    assert gateway.calls("GET", "/v1/drug-queries") == []


async def test_following_and_unfollowing_call_the_api_and_come_back(
        member: httpx.AsyncClient, gateway: Any) -> None:
    for method in ("POST", "DELETE"):
        gateway.on(method, "/v1/communities/diabetes/follow", ok({
            "community": "diabetes", "following": method == "POST"}))
    page = (await member.get("/c/diabetes")).text
    assert 'data-follow="diabetes"' in page and "41 members" in page and "Unfollow" in page
    csrf = await csrf_token(member, "/c/diabetes")
    for follow in ("true", "false"):
        reply = await member.post("/c/diabetes/follow", data={
            "csrf_token": csrf, "follow": follow, "next": "/communities"})
        assert reply.status_code == 303 and reply.headers["location"] == "/communities"
    assert len(gateway.calls("POST", "/v1/communities/diabetes/follow")) == 1
    assert len(gateway.calls("DELETE", "/v1/communities/diabetes/follow")) == 1


async def test_a_held_post_tells_its_author_and_offers_a_prefilled_report(
        member: httpx.AsyncClient, gateway: Any) -> None:
    accepted = PostAccepted.model_validate({
        "post_id": POST_ID, "status": "held",
        "notices": [{"kind": "held", "message": "Phone numbers are held."},
                    {"kind": "helpline", "message": "Tele-MANAS 14416"}],
        "offers": [{"message": "A side effect of Amoxicillin?", "prefill": {
            "draft": True, "medicines": [{"name": "Amoxicillin", "role": "suspect"}],
            "reactions": [{"description": "A rash after Amoxicillin", "language": "en"}]}}]})
    gateway.on("POST", "/v1/posts", lambda _: httpx.Response(
        201, json=accepted.model_dump(mode="json")))
    reply = await member.post("/posts", data={
        "csrf_token": await csrf_token(member, "/my/feed"), "community": "common",
        "kind": "discussion", "body": "A rash after Amoxicillin, call 9876543210",
        "language": "en"})
    assert reply.status_code == 303
    page = (await member.get(reply.headers["location"])).text
    assert 'data-notice="held"' in page and "Phone numbers are held." in page
    assert 'data-notice="helpline"' in page and "14416" in page
    assert 'data-post-status="held"' in page
    key = re.search(r'name="offer" value="([^"]+)"', page)
    assert key, page
    assert "Tele-MANAS" not in (await member.get(f"/posts/{POST_ID}")).text  # told once
    form = (await member.get(f"/report?offer={key.group(1)}")).text
    assert 'data-prefilled="true"' in form
    assert 'name="medicines.0.name" value="Amoxicillin"' in form
    assert "A rash after Amoxicillin</textarea>" in form
    assert gateway.calls("POST", "/v1/adr-reports") == []  # never sent for them


async def test_a_comment_and_a_reply_post_their_bodies(
        member: httpx.AsyncClient, gateway: Any) -> None:
    path = f"/v1/posts/{POST_ID}/comments"
    gateway.on("POST", path, lambda _: httpx.Response(201, json={
        "comment_id": str(uuid.uuid4()), "notices": [], "offers": []}))
    csrf = await csrf_token(member, f"/posts/{POST_ID}")
    reply = await member.post(f"/posts/{POST_ID}/comments", data={
        "csrf_token": csrf, "body": "Same for me", "language": "hi", "parent_id": COMMENT_ID})
    assert reply.status_code == 303
    assert sent_json(gateway, "POST", path) == {
        "body": "Same for me", "language": "hi", "parent_id": COMMENT_ID}


async def test_a_refused_comment_is_shown_beside_its_field_with_the_words_kept(
        member: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("POST", f"/v1/posts/{POST_ID}/comments", lambda _: gateway.problem(
        422, [{"field": "body", "message": "contact details are not allowed"}]))
    reply = await member.post(f"/posts/{POST_ID}/comments", data={
        "csrf_token": await csrf_token(member, f"/posts/{POST_ID}"),
        "body": "ring 9876543210", "language": "en"})
    assert reply.status_code == 422
    assert 'id="f-body-error" data-field="body">contact details are not allowed' in reply.text
    assert ">ring 9876543210</textarea>" in reply.text


async def test_a_reaction_is_put_or_taken_back(member: httpx.AsyncClient,
                                               gateway: Any) -> None:
    path = f"/v1/posts/{POST_ID}/reactions/helpful"
    for method in ("PUT", "DELETE"):
        gateway.on(method, path, ok({"counts": {}, "mine": []}))
    page = (await member.get(f"/posts/{POST_ID}")).text
    assert 'aria-pressed="true" data-reaction="support"' in page
    csrf = await csrf_token(member, f"/posts/{POST_ID}")
    for on in ("true", "false"):
        reply = await member.post(f"/posts/{POST_ID}/reactions/helpful",
                                  data={"csrf_token": csrf, "on": on})
        assert reply.status_code == 303
    assert [r.method for r in gateway.sent if r.url.path == path] == ["PUT", "DELETE"]


async def test_a_flag_posts_its_reason_and_a_missing_one_is_named(
        member: httpx.AsyncClient, gateway: Any) -> None:
    answers = iter([gateway.problem(422, [{"field": "reason", "message": "choose one"}]),
                    httpx.Response(201, json={"flag_id": str(uuid.uuid4())})])
    gateway.on("POST", "/v1/flags", lambda _: next(answers))
    csrf = await csrf_token(member, f"/posts/{POST_ID}")
    refused = await member.post(f"/posts/{POST_ID}/flag", data={
        "csrf_token": csrf, "reason": "", "note": "odd"})
    assert refused.status_code == 422 and 'data-field="reason">choose one' in refused.text
    assert ">odd</textarea>" in refused.text
    reply = await member.post(f"/posts/{POST_ID}/flag", data={
        "csrf_token": csrf, "reason": "spam", "note": ""})
    assert reply.status_code == 303
    assert json.loads(gateway.calls("POST", "/v1/flags")[1].read()) == {
        "target_type": "post", "target_id": POST_ID, "reason": "spam"}


async def test_the_moderators_queue_filters_and_decides_with_a_note(
        member: httpx.AsyncClient, gateway: Any) -> None:
    path = f"/v1/moderation/items/{POST_ID}/decision"
    answers = iter([gateway.problem(422, [{"field": "note", "message": "a note is needed"}]),
                    httpx.Response(200, json={"item_id": POST_ID, "decision": "restore",
                                              "status": "published"})])
    gateway.on("POST", path, lambda _: next(answers))
    page = (await member.get("/console/moderation?reason=contact_details")).text
    assert 'class="card moderation-item urgent"' in page and "<dd>Meera</dd>" in page
    assert gateway.calls("GET", "/v1/moderation/queue")[0].url.params["reason"] == (
        "contact_details")
    csrf = await csrf_token(member, "/console/moderation")
    refused = await member.post(f"/console/moderation/{POST_ID}/decision", data={
        "csrf_token": csrf, "decision": "restore", "note": ""})
    assert refused.status_code == 422
    assert f'id="f-note-{POST_ID}-error" data-field="note">a note is needed' in refused.text
    reply = await member.post(f"/console/moderation/{POST_ID}/decision", data={
        "csrf_token": csrf, "decision": "restore", "note": "A public helpline"})
    assert reply.status_code == 303
    assert json.loads(gateway.calls("POST", path)[1].read()) == {
        "decision": "restore", "note": "A public helpline"}
    assert "The post is published." in (await member.get("/console/moderation")).text


async def test_a_flagged_comment_in_the_queue_is_labelled_with_its_post(
        member: httpx.AsyncClient, gateway: Any) -> None:
    comment = ModerationItem.model_validate({
        **ITEM, "item_id": COMMENT_ID, "item_type": "comment", "status": "published",
        "title": "Night <sugar>", "body": "Stop your insulin", "reasons": ["misinformation"],
        "flags": 2, "urgent": False}).model_dump(mode="json")
    gateway.on("GET", "/v1/moderation/queue", ok({"items": [ITEM, comment],
                                                  "next_cursor": None}))
    member.cookies.delete(LANGUAGE_COOKIE)  # the page's language from Accept-Language
    for language, label in (("en", "Comment on “Night &lt;sugar&gt;”"),
                            ("hi", "“Night &lt;sugar&gt;” पर टिप्पणी")):
        reply = await member.get("/console/moderation", headers={"Accept-Language": language})
        assert reply.status_code == 200
        page = reply.text
        assert f'data-item-id="{COMMENT_ID}" data-item-type="comment"' in page
        assert f'<h2 id="item-{COMMENT_ID}">{label}</h2>' in page, page
        assert "<blockquote>Stop your insulin</blockquote>" in page
        assert f'action="/console/moderation/{COMMENT_ID}/decision"' in page
        assert f'<h2 id="item-{POST_ID}"><strong' in page  # the post's item as before


async def test_a_drug_question_is_asked_and_its_answer_is_from_the_verified_team(
        member: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("POST", "/v1/drug-queries", lambda _: httpx.Response(201, json={
        "query_id": QUERY_ID, "notices": [], "offers": []}))
    reply = await member.post("/ask", data={
        "csrf_token": await csrf_token(member, "/ask"), "medicine": "Metformin",
        "question": "Can I take it at night?", "language": "en",
        "idempotency_key": "k" * 24})
    assert reply.headers["location"] == f"/my/questions/{QUERY_ID}"
    assert sent_json(gateway, "POST", "/v1/drug-queries") == {
        "medicine": "Metformin", "question": "Can I take it at night?", "language": "en"}
    assert gateway.calls("POST", "/v1/drug-queries")[0].headers["idempotency-key"] == "k" * 24
    page = (await member.get(reply.headers["location"])).text
    assert "Verified drug-information team" in page and "CDSCO label" in page


async def test_a_refused_question_names_its_field(member: httpx.AsyncClient,
                                                  gateway: Any) -> None:
    gateway.on("POST", "/v1/drug-queries", lambda _: gateway.problem(
        422, [{"field": "question", "message": "at least 5 characters"}]))
    reply = await member.post("/ask", data={
        "csrf_token": await csrf_token(member, "/ask"), "medicine": "Metformin",
        "question": "ok?", "language": "en"})
    assert reply.status_code == 422
    assert 'data-field="question">at least 5 characters' in reply.text
    assert 'value="Metformin"' in reply.text


async def test_a_reviewer_answers_with_references_one_a_line(
        member: httpx.AsyncClient, gateway: Any) -> None:
    path = f"/v1/drug-queries/{QUERY_ID}/answer"
    gateway.on("POST", path, ok(QUERY))
    page = (await member.get("/console/drug-queries")).text
    assert 'data-overdue="true"' in page and 'data-age-hours="50.5"' in page
    reply = await member.post(f"/console/drug-queries/{QUERY_ID}/answer", data={
        "csrf_token": await csrf_token(member, "/console/drug-queries"),
        "body": "Yes, with your evening meal.", "references": "CDSCO label\n\n NFI 2021 \n"})
    assert reply.status_code == 303
    assert sent_json(gateway, "POST", path) == {
        "body": "Yes, with your evening meal.", "references": ["CDSCO label", "NFI 2021"]}


async def test_schemes_are_searched_by_need_and_state(member: httpx.AsyncClient,
                                                      gateway: Any) -> None:
    member.cookies.delete(LANGUAGE_COOKIE)
    page = (await member.get("/schemes?q=kidney&need=dialysis&state=kerala",
                             headers={"Accept-Language": "hi"})).text
    params = gateway.calls("GET", "/v1/schemes")[0].url.params
    assert dict(params) == {"q": "kidney", "need": "dialysis", "state": "kerala"}
    assert gateway.calls("GET", "/v1/schemes")[0].headers["accept-language"] == "hi"
    assert "डायलिसिस" in page and "Ayushman Bharat PM-JAY" in page
    await member.get("/schemes?state=<script>&need=x")
    assert dict(gateway.calls("GET", "/v1/schemes")[1].url.params) == {}


async def test_notifications_link_to_their_pages_and_are_marked_read(
        member: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("POST", "/v1/me/notifications/read", ok({"items": [], "unread_count": 0}))
    page = (await member.get("/my/notifications")).text
    assert f'href="/my/questions/{QUERY_ID}"' in page and 'data-read="false"' in page
    reply = await member.post("/my/notifications/read", data={
        "csrf_token": await csrf_token(member, "/my/notifications"), "ids": NOTE_ID})
    assert reply.status_code == 303
    assert sent_json(gateway, "POST", "/v1/me/notifications/read") == {"ids": [NOTE_ID]}


def test_every_new_word_is_in_hindi() -> None:
    prefixes = ("comment.", "drug.", "flag.", "flag_reason.", "follow.", "moderation.",
                "my_feed.", "need.", "notifications.", "reaction", "scheme", "state.",
                "told.", "post.state.", "post.status.")
    english, hindi = catalogue("en"), catalogue("hi")
    missing = [k for k in english if k.startswith(prefixes) and k not in hindi]
    assert missing == []


async def test_a_post_refused_on_my_feed_is_shown_there_again(
        member: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("POST", "/v1/posts", lambda _: gateway.problem(
        422, [{"field": "body", "message": "the body is empty"}]))
    reply = await member.post("/posts", data={
        "csrf_token": await csrf_token(member, "/my/feed"), "community": "common",
        "from": "my-feed", "kind": "question", "title": "Kept", "body": "", "language": "en"})
    assert reply.status_code == 422 and 'id="my-feed"' in reply.text
    assert 'data-field="body">the body is empty' in reply.text and 'value="Kept"' in reply.text


def test_a_notification_opens_its_page_here() -> None:
    assert page_of(f"/v1/posts/{POST_ID}") == f"/posts/{POST_ID}"
    assert page_of("/v1/adr-reports/r1") == "/my/reports/r1"
    assert page_of("/v1/me") == "/my/application"
    assert page_of("/v1/me/anything") == page_of("/v1/posts/a/b") == "/"
