"""Providers and ratings (issue 12) against a fake gateway: the directory, a provider's page,
the member's rating (held, revised, withdrawn), the professional's reply, a review reported,
a suggestion, and the console's pending providers and held ratings."""

import json
import uuid
from typing import Any

import httpx
import pytest

from contracts.ratings.messages import HeldRatings, ProvidersPage, ProviderView, Reviews
from web.i18n import LANGUAGE_COOKIE, catalogue

from .pages import CSRF, parsed
from .test_community_pages import SCHEME, SCHEME_ID

DOCTOR_ID, HOSPITAL_ID, REVIEW_ID = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())


def rating(count: int, score: float | None, level: str, **extra: Any) -> dict[str, Any]:
    return {"score": score, "average": score, "count": count,
            "histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
            "criteria": {}, "percentile": None,
            "confidence": {"level": level, "interval": None},
            "prior": {"mean": 3.0, "weight": 5}, **extra}


DOCTOR = ProviderView.model_validate({
    "provider_id": DOCTOR_ID, "kind": "doctor", "name": "Dr. Farida Shaikh",
    "status": "listed", "city": "Mumbai", "state": "Maharashtra", "speciality": "Cardiology",
    "rating": rating(37, 4.234, "some ratings", average=4.4, percentile=81.5,
                     histogram={"1": 2, "2": 1, "3": 4, "4": 10, "5": 20},
                     criteria={"explanation": 4.5, "waiting_time": 2.25},
                     confidence={"level": "some ratings", "interval": [3.9, 4.6]})}
).model_dump(mode="json")
HOSPITAL = ProviderView.model_validate({
    "provider_id": HOSPITAL_ID, "kind": "hospital", "name": "Sunrise Hospital",
    "status": "listed", "city": "Pune", "state": "Maharashtra", "type": "private",
    "rating": rating(2, 3.8, "few ratings")}).model_dump(mode="json")
PROVIDERS = {DOCTOR_ID: DOCTOR, HOSPITAL_ID: HOSPITAL}
UNRATED = ProviderView.model_validate({
    "provider_id": str(uuid.uuid4()), "kind": "scheme", "name": "PM-JAY",
    "status": "listed", "rating": rating(0, None, "no ratings")}).model_dump(mode="json")
REVIEWS = Reviews.model_validate({"items": [
    {"rating_id": REVIEW_ID, "stars": 2, "criteria": {"waiting_time": 1},
     "review": "दो घंटे इंतज़ार करवाया", "language": "hi", "rated_at": "2026-11-30T10:00:00Z",
     "reply": None},
    {"rating_id": str(uuid.uuid4()), "stars": 5, "criteria": {}, "review": "Very kind",
     "language": "en", "rated_at": "2026-11-29T10:00:00Z",
     "reply": {"text": "Thank you, get well soon", "replied_at": "2026-11-30T12:00:00Z"}}],
    "next_cursor": None}).model_dump(mode="json")


def ok(body: Any) -> Any:
    return lambda _: httpx.Response(200, json=body)


def sent_json(gateway: Any, method: str, path: str) -> list[Any]:
    return [json.loads(r.read()) for r in gateway.calls(method, path)]


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match
    return match.group(1)


@pytest.fixture
def directory(gateway: Any) -> Any:
    gateway.on("GET", "/v1/providers", ok(ProvidersPage.model_validate(
        {"items": [DOCTOR, HOSPITAL, UNRATED], "next_cursor": "b2Zmc2V0fDIw"}
    ).model_dump(mode="json")))
    for item in (DOCTOR, HOSPITAL):
        gateway.on("GET", f"/v1/providers/{item['provider_id']}", ok(item))
        gateway.on("GET", f"/v1/providers/{item['provider_id']}/reviews", ok(REVIEWS))
    gateway.ratings = Mine(gateway)
    return gateway


class Mine:
    """The API's side of the member's own ratings: what a PUT sent, read back by
    GET my-rating and GET /v1/me/ratings (the latest first), gone after a DELETE."""

    def __init__(self, gateway: Any) -> None:
        self.gateway, self.held = gateway, {}
        gateway.on("GET", "/v1/me/ratings", lambda _: httpx.Response(200, json={
            "items": [{**r, "provider_name": PROVIDERS[p]["name"],
                       "kind": PROVIDERS[p]["kind"]} for p, r in reversed(self.held.items())],
            "next_cursor": None}))
        for provider_id in PROVIDERS:
            path = f"/v1/providers/{provider_id}/my-rating"
            gateway.on("GET", path, lambda _, p=provider_id: self._read(p))
            gateway.on("DELETE", path, lambda _, p=provider_id: self._withdraw(p))

    def answer(self, provider_id: str, reply: dict[str, Any]) -> None:
        """PUT my-rating answers `reply` and keeps what was sent, where `reply` says."""
        def put(request: httpx.Request) -> httpx.Response:
            sent = json.loads(request.read())
            self.held.pop(provider_id, None)
            self.held[provider_id] = {
                "rating_id": reply["rating_id"], "provider_id": provider_id,
                "stars": int(sent["stars"]), "review": sent.get("review"),
                "criteria": {c: int(v) for c, v in sent.get("criteria", {}).items()},
                "language": sent.get("language") or "en", "rated_at": "2026-12-01T10:00:00Z",
                "status": reply["status"], "notices": reply["notices"], "reply": None}
            return httpx.Response(200, json=reply)
        self.gateway.on("PUT", f"/v1/providers/{provider_id}/my-rating", put)

    def _read(self, provider_id: str) -> httpx.Response:
        if provider_id not in self.held:
            return self.gateway.problem(404, detail="you have no rating of this provider")
        return httpx.Response(200, json=self.held[provider_id])

    def _withdraw(self, provider_id: str) -> httpx.Response:
        if self.held.pop(provider_id, None) is None:
            return self.gateway.problem(404, detail="you have no rating of this provider")
        return httpx.Response(200, json={"rating_id": REVIEW_ID, "status": "withdrawn"})


async def test_the_directory_asks_the_api_with_the_filters_and_says_how_sure_each_score_is(
        browser: httpx.AsyncClient, directory: Any) -> None:
    reply = await browser.get("/providers", params={
        "kind": "doctor", "q": " Farida ", "city": "Mumbai", "speciality": "Cardiology",
        "sort": "count", "state": ""})
    assert reply.status_code == 200
    [sent] = directory.calls("GET", "/v1/providers")
    assert dict(sent.url.params) == {"kind": "doctor", "q": "Farida", "city": "Mumbai",
                                     "speciality": "Cardiology", "sort": "count",
                                     "limit": "20"}
    page = reply.text
    assert f'href="/providers/{DOCTOR_ID}">Dr. Farida Shaikh' in page
    assert "4.2 ★ from 37 ratings" in page and "(some ratings)" in page
    assert "3.8 ★ from 2 ratings" in page and "(few ratings yet)" in page
    assert 'data-level="no ratings">no ratings yet' in page
    assert 'href="/providers?kind=doctor" aria-current="page"' in page
    assert "Private" in page and "Pune, Maharashtra" in page
    # the next page keeps the filters and carries the API's cursor
    assert ("href=\"/providers?kind=doctor&amp;sort=count&amp;q=Farida&amp;city=Mumbai"
            "&amp;speciality=Cardiology&amp;cursor=b2Zmc2V0fDIw\" rel=\"next\"") in page
    await browser.get("/providers?cursor=b2Zmc2V0fDIw&kind=shop&sort=best")
    last = directory.calls("GET", "/v1/providers")[-1].url.params
    assert last["cursor"] == "b2Zmc2V0fDIw" and "kind" not in last and last["sort"] == "score"


async def test_a_refused_search_is_shown_beside_its_box(
        browser: httpx.AsyncClient, gateway: Any) -> None:
    gateway.on("GET", "/v1/providers", lambda _: gateway.problem(
        422, [{"field": "city", "message": "at most 80 characters"}]))
    reply = await browser.get("/providers", params={"city": "x" * 90})
    assert reply.status_code == 422
    assert 'id="providers-city-error" data-field="city">at most 80 characters' in reply.text


async def test_the_provider_page_shows_the_score_histogram_criteria_and_reviews(
        browser: httpx.AsyncClient, directory: Any) -> None:
    reply = await browser.get(f"/providers/{DOCTOR_ID}")
    assert reply.status_code == 200
    page = reply.text
    assert "4.2 ★ from 37 ratings" in page and "Likely between 3.9 and 4.6." in page
    assert "Better than 82% of rated Doctors." in page
    assert ('<tr data-stars="5"><th scope="row">5 stars</th><td><meter aria-hidden="true" '
            'min="0" max="20" value="20"></meter> <span class="count">20</span>') in page
    assert '<th scope="row">Explained things clearly</th><td>4.5 / 5</td>' in page
    assert '<th scope="row">Waiting time</th><td>2.2 / 5</td>' in page
    assert '<p class="body" lang="hi">दो घंटे इंतज़ार करवाया</p>' in page
    assert "Thank you, get well soon" in page and "The provider&#39;s reply" in page
    assert "Sign in to rate" in page and 'id="rate-form"' not in page
    assert "Report this review" not in page  # signed out: no forms
    hindi = (await browser.get(f"/providers/{DOCTOR_ID}",
                               headers={"Accept-Language": "hi", "Cookie": ""})).text
    assert "बातें साफ़ समझाईं" in hindi and "37 रेटिंग से" in hindi


async def test_a_rating_is_sent_with_its_criteria_and_its_hold_explained(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    page = (await signed_in.get(f"/providers/{DOCTOR_ID}")).text
    controls = parsed(page)
    assert [c["value"] for c in controls.controls if c.get("name") == "stars"] == \
        ["1", "2", "3", "4", "5"]
    assert {c.get("name") for c in controls.controls} >= {
        "criteria.explanation", "criteria.listening", "criteria.waiting_time",
        "criteria.cost_transparency", "review", "language"}
    assert "criteria.cleanliness" not in page  # a hospital's criterion, not a doctor's
    held_id = str(uuid.uuid4())
    directory.ratings.answer(DOCTOR_ID, ({
        "rating_id": held_id, "status": "held", "revised": False, "notices": [
            {"reason": "contact_details",
             "message": "Your review holds a phone number: a moderator reads it first."}]}))
    reply = await signed_in.post(f"/providers/{DOCTOR_ID}/rating", data={
        "csrf_token": csrf(page), "stars": "4", "criteria.explanation": "5",
        "criteria.listening": "", "review": "  Call me on 98200 00000 ", "language": "en"})
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/providers/{DOCTOR_ID}#your-rating"
    assert sent_json(directory, "PUT", f"/v1/providers/{DOCTOR_ID}/my-rating") == [{
        "stars": "4", "criteria": {"explanation": "5"}, "review": "Call me on 98200 00000",
        "language": "en"}]
    page = (await signed_in.get(f"/providers/{DOCTOR_ID}")).text
    assert "Thank you for your rating." in page
    assert 'id="my-rating" data-status="held"' in page and "You gave 4 ★" in page
    assert "Your review holds a phone number: a moderator reads it first." in page
    assert 'id="f-stars-4" name="stars" value="4" checked' in page  # revise: prefilled
    assert "Revise my rating" in page and 'id="withdraw-rating"' in page
    # released by a moderator since: the API says it counts
    directory.ratings.held[DOCTOR_ID].update(status="counted", notices=[])
    page = (await signed_in.get(f"/providers/{DOCTOR_ID}")).text
    assert 'id="my-rating" data-status="counted"' in page and "holds a phone" not in page


async def test_a_refused_rating_says_why_beside_the_field_and_keeps_what_was_typed(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    page = (await signed_in.get(f"/providers/{HOSPITAL_ID}")).text
    assert "Cleanliness" in page and "Explained things clearly" not in page
    directory.on("PUT", f"/v1/providers/{HOSPITAL_ID}/my-rating", lambda _: directory.problem(
        422, [{"field": "stars", "message": "Field required"}]))
    reply = await signed_in.post(f"/providers/{HOSPITAL_ID}/rating", data={
        "csrf_token": csrf(page), "review": "Clean wards", "language": "hi",
        "criteria.cleanliness": "4"})
    assert reply.status_code == 422
    assert 'id="f-stars-error" data-field="stars">Field required' in reply.text
    assert ">Clean wards</textarea>" in reply.text
    assert '<option value="4" selected>4 stars</option>' in reply.text
    directory.on("PUT", f"/v1/providers/{HOSPITAL_ID}/my-rating", lambda _: directory.problem(
        403, detail="doctors cannot rate other doctors"))
    refused = await signed_in.post(f"/providers/{HOSPITAL_ID}/rating", data={
        "csrf_token": csrf(page), "stars": "5"})
    assert refused.status_code == 403 and "doctors cannot rate other doctors" in refused.text


async def test_a_rating_is_revised_then_withdrawn_through_a_post_form(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    page = (await signed_in.get(f"/providers/{HOSPITAL_ID}")).text
    directory.ratings.answer(HOSPITAL_ID, ({
        "rating_id": REVIEW_ID, "status": "counted", "revised": True, "notices": []}))
    await signed_in.post(f"/providers/{HOSPITAL_ID}/rating",
                         data={"csrf_token": csrf(page), "stars": "3"})
    page = (await signed_in.get(f"/providers/{HOSPITAL_ID}")).text
    assert "Your rating is revised." in page and 'data-status="counted"' in page
    reply = await signed_in.post(f"/providers/{HOSPITAL_ID}/rating/withdraw",
                                 data={"csrf_token": csrf(page)})
    assert reply.status_code == 303
    assert len(directory.calls("DELETE", f"/v1/providers/{HOSPITAL_ID}/my-rating")) == 1
    page = (await signed_in.get(f"/providers/{HOSPITAL_ID}")).text
    assert "Your rating is withdrawn." in page and 'id="my-rating"' not in page


async def test_the_rated_doctor_sees_a_reply_form_under_unanswered_reviews_only(
        browser: httpx.AsyncClient, directory: Any, csrf_of: Any) -> None:
    directory.on("GET", "/v1/me", ok({"user_id": DOCTOR_ID, "display_name": "Dr. Farida",
                                      "roles": ["doctor"], "verified": True,
                                      "preferred_language": "en"}))
    await browser.post("/signin", data={"username": "f@example.in", "password": "x" * 12,
                                        "csrf_token": await csrf_of(browser)})
    page = (await browser.get(f"/providers/{DOCTOR_ID}")).text
    assert page.count('class="reply-form"') == 1 and 'id="rate-form"' not in page
    assert f'id="f-text-reply-{REVIEW_ID}"' in page
    path = f"/v1/providers/{DOCTOR_ID}/reviews/{REVIEW_ID}/reply"
    directory.on("POST", path, lambda _: directory.problem(
        422, [{"field": "text", "message": "String should have at least 1 character"}]))
    refused = await browser.post(f"/providers/{DOCTOR_ID}/reviews/{REVIEW_ID}/reply",
                                 data={"csrf_token": csrf(page), "text": ""})
    assert refused.status_code == 422
    assert f'id="f-text-reply-{REVIEW_ID}-error" data-field="text">String should' in \
        refused.text
    directory.on("POST", path, lambda _: httpx.Response(201, json={
        "rating_id": REVIEW_ID, "reply": {"text": "Sorry", "replied_at": "2026-12-01T10:00:00Z"}}))
    sent = await browser.post(f"/providers/{DOCTOR_ID}/reviews/{REVIEW_ID}/reply",
                              data={"csrf_token": csrf(page), "text": " Sorry: an emergency "})
    assert sent.status_code == 303 and sent_json(directory, "POST", path)[-1] == {
        "text": "Sorry: an emergency"}
    other = (await browser.get(f"/providers/{HOSPITAL_ID}")).text  # not theirs: no reply form
    assert 'class="reply-form"' not in other


async def test_a_review_is_reported_with_a_reason(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    page = (await signed_in.get(f"/providers/{DOCTOR_ID}")).text
    assert page.count("Report this review") == 2
    path = f"/v1/providers/{DOCTOR_ID}/reviews/{REVIEW_ID}/flags"
    directory.on("POST", path, lambda _: httpx.Response(201, json={
        "rating_id": REVIEW_ID, "flagged": True}))
    reply = await signed_in.post(f"/providers/{DOCTOR_ID}/reviews/{REVIEW_ID}/flag",
                                 data={"csrf_token": csrf(page), "reason": "abusive"})
    assert reply.status_code == 303 and sent_json(directory, "POST", path) == [
        {"reason": "abusive"}]
    directory.on("POST", path, lambda _: directory.problem(
        422, [{"field": "reason", "message": "Input should be 'abusive' or 'spam'"}]))
    refused = await signed_in.post(f"/providers/{DOCTOR_ID}/reviews/{REVIEW_ID}/flag",
                                   data={"csrf_token": csrf(page), "reason": ""})
    assert refused.status_code == 422 and "Input should be" in refused.text
    assert "<details class=\"report\" open>" in refused.text


async def test_a_member_suggests_a_clinic_and_is_given_its_reference(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    page = (await signed_in.get("/providers/suggest")).text
    clinic = str(uuid.uuid4())
    gateway.on("POST", "/v1/providers", lambda _: gateway.problem(
        422, [{"field": "body", "message": "a hospital or clinic needs its city, state and "
                                           "type"}]))
    refused = await signed_in.post("/providers/suggest", data={
        "csrf_token": csrf(page), "idempotency_key": "k" * 20, "kind": "hospital",
        "name": "Asha Clinic"})
    assert refused.status_code == 422 and "needs its city, state and type" in refused.text
    assert 'value="Asha Clinic"' in refused.text
    gateway.on("POST", "/v1/providers", lambda _: httpx.Response(201, json={
        "provider_id": clinic, "status": "pending"}))
    reply = await signed_in.post("/providers/suggest", data={
        "csrf_token": csrf(page), "idempotency_key": "k" * 20, "kind": "hospital",
        "name": "Asha Clinic", "city": "Nagpur", "state": "Maharashtra",
        "type": "charitable", "pincode": "", "speciality": ""})
    assert reply.headers["location"] == f"/providers/suggest?sent={clinic}"
    assert sent_json(gateway, "POST", "/v1/providers")[-1] == {
        "kind": "hospital", "name": "Asha Clinic", "city": "Nagpur", "state": "Maharashtra",
        "type": "charitable"}
    assert gateway.calls("POST", "/v1/providers")[-1].headers["Idempotency-Key"] == "k" * 20
    shown = (await signed_in.get(reply.headers["location"])).text
    assert f"Its reference: {clinic}" in shown


async def test_the_admin_opens_a_suggested_provider_and_decides_with_a_reason(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    clinic = str(uuid.uuid4())
    gateway.on("GET", f"/v1/providers/{clinic}", ok({**HOSPITAL, "provider_id": clinic,
                                                     "status": "pending"}))
    page = (await signed_in.get("/console/providers", params={"id": clinic})).text
    assert 'data-status="pending"' in page and "Waiting for an admin" in page
    path = f"/v1/admin/providers/{clinic}/decision"
    gateway.on("POST", path, lambda _: gateway.problem(
        422, [{"field": "reason", "message": "String should have at least 1 character"}]))
    refused = await signed_in.post(f"/console/providers/{clinic}/decision", data={
        "csrf_token": csrf(page), "decision": "reject", "reason": ""})
    assert refused.status_code == 422
    assert 'data-field="reason">String should have at least 1 character' in refused.text
    gateway.on("POST", path, ok({"provider_id": clinic, "status": "listed"}))
    reply = await signed_in.post(f"/console/providers/{clinic}/decision", data={
        "csrf_token": csrf(page), "decision": "approve", "reason": "On the state register"})
    assert reply.status_code == 303 and sent_json(gateway, "POST", path)[-1] == {
        "decision": "approve", "reason": "On the state register"}
    missing = await signed_in.get("/console/providers", params={"id": "../moderation"})
    assert missing.status_code == 404 and "No provider has this reference." in missing.text
    assert all("moderation" not in r.url.path for r in gateway.sent)


async def test_held_ratings_are_released_or_hidden_by_a_moderator(
        signed_in: httpx.AsyncClient, gateway: Any) -> None:
    held_id = str(uuid.uuid4())
    gateway.on("GET", "/v1/moderation/ratings", ok(HeldRatings.model_validate({"items": [
        {"rating_id": held_id, "provider_id": HOSPITAL_ID, "stars": 5, "review": None,
         "held": ["new_account"], "flags": 0, "rated_at": "2026-12-01T09:00:00Z"}]}
    ).model_dump(mode="json")))
    gateway.on("GET", f"/v1/providers/{HOSPITAL_ID}", ok(HOSPITAL))
    page = (await signed_in.get("/console/ratings")).text
    assert 'href="/console/ratings" aria-current="page"' in page
    assert f'<a href="/providers/{HOSPITAL_ID}">Sunrise Hospital</a>' in page
    only = (await signed_in.get(f"/console/ratings?provider_id={HOSPITAL_ID}")).text
    assert "Held ratings of Sunrise Hospital only." in only
    assert gateway.calls("GET", "/v1/moderation/ratings")[-1].url.params[
        "provider_id"] == HOSPITAL_ID
    await signed_in.get("/console/ratings?provider_id=../x")
    assert "provider_id" not in gateway.calls("GET", "/v1/moderation/ratings")[-1].url.params
    assert 'data-reason="new_account">A new account&#39;s flood' in page
    path = f"/v1/moderation/ratings/{held_id}/decision"
    gateway.on("POST", path, ok({"rating_id": held_id, "status": "counted"}))
    reply = await signed_in.post(f"/console/ratings/{held_id}/decision", data={
        "csrf_token": csrf(page), "decision": "release", "note": ""})
    assert reply.status_code == 303 and sent_json(gateway, "POST", path) == [
        {"decision": "release"}]
    assert "The rating is released" in (await signed_in.get("/console/ratings")).text


async def test_the_consoles_ratings_pages_are_for_their_roles_only(
        browser: httpx.AsyncClient, gateway: Any, csrf_of: Any) -> None:
    gateway.roles[:] = ["patient"]
    await browser.post("/signin", data={"username": "m@example.in", "password": "x" * 12,
                                        "csrf_token": await csrf_of(browser)})
    gateway.on("GET", "/v1/moderation/ratings", ok({"items": []}))
    for path in ("/console/ratings", "/console/providers", "/console/representatives"):
        assert (await browser.get(path)).status_code == 403, path
    refused = await browser.post("/console/representatives", data={
        "csrf_token": await csrf_of(browser), "provider_id": HOSPITAL_ID,
        "user_id": str(uuid.uuid4())})
    assert refused.status_code == 403
    assert not [r for r in gateway.sent if "/representatives/" in r.url.path]
    page = (await browser.get("/providers/suggest")).text
    assert 'href="/providers"' in page and 'href="/console/ratings"' not in page
    assert gateway.calls("GET", "/v1/moderation/ratings") == []


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_the_ratings_pages_are_labelled_and_light(
        signed_in: httpx.AsyncClient, directory: Any, language: str) -> None:
    directory.on("GET", "/v1/moderation/ratings", ok({"items": []}))
    signed_in.cookies.delete(LANGUAGE_COOKIE)
    directory.ratings.answer(HOSPITAL_ID, ({
        "rating_id": REVIEW_ID, "status": "counted", "revised": False, "notices": []}))
    token = csrf((await signed_in.get(f"/providers/{HOSPITAL_ID}")).text)
    await signed_in.post(f"/providers/{HOSPITAL_ID}/rating",
                         data={"csrf_token": token, "stars": "4"})
    member = str(uuid.uuid4())
    for path in ("/providers", f"/providers/{DOCTOR_ID}", f"/providers/{HOSPITAL_ID}",
                 "/providers/suggest", "/console/ratings",
                 f"/console/providers?id={HOSPITAL_ID}", "/my/ratings",
                 "/console/representatives",
                 f"/console/representatives?provider={HOSPITAL_ID}&user={member}"):
        reply = await signed_in.get(path, headers={"Accept-Language": language})
        assert reply.status_code == 200, (path, reply.text[:300])
        page = parsed(reply.text)
        ids = [c.get("id") for c in page.controls]
        assert page.html_lang == language and len(ids) == len(set(ids)), path
        assert not [i for i in ids if i not in page.labelled], path
        assert len(reply.content) < 100_000, path


def test_every_word_of_the_ratings_screens_is_in_hindi() -> None:
    english, hindi = catalogue("en"), catalogue("hi")
    ours = [k for k in english if k.split(".")[0] in {
        "providers", "provider", "provider_kind", "provider_kinds", "ratings", "rate",
        "criterion", "reply", "review", "review_flag", "review_flag_reason", "suggest",
        "providers_console", "held", "held_reason", "hospital_type", "provider_status",
        "my_ratings", "representatives"}]
    assert len(ours) > 100
    assert not [k for k in ours if k not in hindi or hindi[k] == english[k]]


async def test_a_schemes_ratings_link_to_its_details(
        browser: httpx.AsyncClient, directory: Any) -> None:
    scheme_id = UNRATED["provider_id"]  # a scheme is rated under its own id
    directory.on("GET", f"/v1/providers/{scheme_id}", ok(UNRATED))
    directory.on("GET", f"/v1/providers/{scheme_id}/reviews", ok({"items": [],
                                                                  "next_cursor": None}))
    page = (await browser.get(f"/providers/{scheme_id}")).text
    assert f'<a href="/schemes/{scheme_id}" id="scheme-details">' in page
    assert 'data-criterion' not in page and 'id="no-reviews"' in page
    assert "no ratings yet" in page and 'id="histogram"' in page
    doctor = (await browser.get(f"/providers/{DOCTOR_ID}")).text
    assert 'id="scheme-details"' not in doctor
    directory.on("GET", f"/v1/schemes/{SCHEME_ID}", ok(SCHEME))
    details = (await browser.get(f"/schemes/{SCHEME_ID}")).text
    assert f'<a href="/providers/{SCHEME_ID}" id="scheme-ratings">' in details


async def test_a_rating_given_elsewhere_is_shown_as_the_api_holds_it(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    page = (await signed_in.get(f"/providers/{DOCTOR_ID}")).text
    assert 'id="rate-once"' in page and 'id="my-rating"' not in page  # the API has none
    directory.ratings.held[DOCTOR_ID] = {
        "rating_id": REVIEW_ID, "provider_id": DOCTOR_ID, "stars": 2,
        "criteria": {"waiting_time": 1}, "review": "Long wait", "language": "en",
        "rated_at": "2026-11-30T10:00:00Z", "status": "hidden", "reply": None,
        "notices": [{"reason": "hidden", "message": "A moderator hid your rating."}]}
    page = (await signed_in.get(f"/providers/{DOCTOR_ID}")).text
    assert 'id="my-rating" data-status="hidden"' in page and "You gave 2 ★" in page
    assert "hidden by a moderator" in page and "A moderator hid your rating." in page
    assert 'id="f-stars-2" name="stars" value="2" checked' in page  # prefilled to revise
    assert ">Long wait</textarea>" in page
    assert '<option value="1" selected>' in page  # its waiting-time criterion


async def test_an_admin_designates_a_hospitals_representative(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    member = str(uuid.uuid4())
    page = (await signed_in.get("/console/representatives")).text
    assert 'href="/console/representatives" aria-current="page"' in page
    assert '<label for="f-provider_id">' in page and '<label for="f-user_id">' in page
    # Not ids: named beside their fields, nothing sent.
    refused = await signed_in.post("/console/representatives", data={
        "csrf_token": csrf(page), "provider_id": "../moderation", "user_id": " "})
    assert refused.status_code == 422
    assert refused.text.count("This is not a reference") == 2
    assert 'data-field="provider_id"' in refused.text and 'data-field="user_id"' in refused.text
    assert 'value="../moderation"' in refused.text
    path = f"/v1/admin/providers/{DOCTOR_ID}/representatives/{member}"
    directory.on("PUT", path, lambda _: directory.problem(
        422, detail="a doctor answers their own reviews: no representative"))
    refused = await signed_in.post("/console/representatives", data={
        "csrf_token": csrf(page), "provider_id": DOCTOR_ID, "user_id": member})
    assert refused.status_code == 422
    assert "a doctor answers their own reviews: no representative" in refused.text
    assert f'value="{DOCTOR_ID}"' in refused.text and f'value="{member}"' in refused.text
    path = f"/v1/admin/providers/{HOSPITAL_ID}/representatives/{member}"
    directory.on("PUT", path, ok({"provider_id": HOSPITAL_ID, "user_id": member}))
    reply = await signed_in.post("/console/representatives", data={
        "csrf_token": csrf(page), "provider_id": f" {HOSPITAL_ID.upper()} ",
        "user_id": member})
    assert reply.status_code == 303 and len(directory.calls("PUT", path)) == 1
    assert reply.headers["location"] == (
        f"/console/representatives?provider={HOSPITAL_ID}&user={member}")
    page = (await signed_in.get(reply.headers["location"])).text
    assert "The member is now a representative of the provider." in page
    assert f'id="designated" data-provider-id="{HOSPITAL_ID}" data-user-id="{member}"' in page
    assert f'<a href="/providers/{HOSPITAL_ID}">Sunrise Hospital</a> (Hospital or clinic)' in page


async def test_my_ratings_lists_the_members_ratings_to_revise_or_withdraw(
        signed_in: httpx.AsyncClient, directory: Any) -> None:
    page = (await signed_in.get("/my/ratings")).text
    assert 'id="no-ratings"' in page and 'href="/my/ratings" aria-current="page"' in page
    token = csrf(page)
    directory.ratings.answer(DOCTOR_ID, ({
        "rating_id": str(uuid.uuid4()), "status": "held", "revised": False, "notices": [
            {"reason": "contact_details", "message": "A moderator reads it first."}]}))
    directory.ratings.answer(HOSPITAL_ID, ({
        "rating_id": str(uuid.uuid4()), "status": "counted", "revised": True,
        "notices": []}))
    await signed_in.post(f"/providers/{DOCTOR_ID}/rating", data={
        "csrf_token": token, "stars": "2", "review": "Call 98200 00000", "language": "en"})
    await signed_in.post(f"/providers/{HOSPITAL_ID}/rating", data={
        "csrf_token": token, "stars": "5"})
    page = (await signed_in.get("/my/ratings")).text
    assert page.index(f'id="rating-{HOSPITAL_ID}"') < page.index(f'id="rating-{DOCTOR_ID}"')
    assert f'data-provider-id="{DOCTOR_ID}" data-status="held"' in page
    assert f'data-provider-id="{HOSPITAL_ID}" data-status="counted"' in page
    assert "You gave 2 ★ — held for a moderator" in page and "A moderator reads it first." in page
    assert "You gave 5 ★ — it counts in the score" in page
    assert f'href="/providers/{DOCTOR_ID}#your-rating"' in page
    assert '<blockquote lang="en">Call 98200 00000</blockquote>' in page
    reply = await signed_in.post(f"/providers/{DOCTOR_ID}/rating/withdraw",
                                 data={"csrf_token": token, "back": "my"})
    assert reply.status_code == 303 and reply.headers["location"] == "/my/ratings"
    page = (await signed_in.get("/my/ratings")).text
    assert "Your rating is withdrawn." in page
    assert f'id="rating-{DOCTOR_ID}"' not in page and f'id="rating-{HOSPITAL_ID}"' in page
    assert len(directory.calls("DELETE", f"/v1/providers/{DOCTOR_ID}/my-rating")) == 1
