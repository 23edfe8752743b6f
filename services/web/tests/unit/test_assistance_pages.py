"""Project FAITH (issue 14 B) against a fake gateway: the eligibility check (schemes
first), an application (for oneself, on someone's behalf, by a caseworker; rupees sent as
paise), my applications and a case's timeline, a document uploaded (multipart) or refused
beside its field; the officers' queue, each step of the case work (a fund that cannot pay
said so; the scheme of a referral picked from the API's directory), and the fund with a
sponsorship recorded."""

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from contracts.assistance.messages import (
    ApplicationsPage,
    ApplicationView,
    EligibilityResult,
    FundReport,
)
from contracts.feed.messages import SchemeView
from web.i18n import LANGUAGE_COOKIE

from .pages import CSRF, parsed

APP_ID = str(uuid.uuid4())
APP_PATH = f"/v1/assistance/applications/{APP_ID}"
DOC_ID = str(uuid.uuid4())
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


APPLICATION = ApplicationView.model_validate({
    "application_id": APP_ID, "status": "documents_requested", "patient_name": "Ravi Kumar",
    "diagnosis": "Acute lymphoblastic leukaemia", "disease_area": "cancer",
    "hospital_name": "Tata Memorial", "hospital_type": "charitable", "estimate": 12500050,
    "approved": 0, "disbursed": 0, "urgency": "critical", "payee_kind": "hospital",
    "submitted_at": "2026-11-28T09:00:00Z", "documents_outstanding": ["income_certificate"],
    "documents": [{"document_id": DOC_ID, "kind": "estimate", "content_type": "application/pdf",
                   "size": 2048, "added_at": "2026-11-28T09:05:00Z"}],
    "suggested_schemes": ["pm-jay"],
    "timeline": [
        {"kind": "submitted", "at": "2026-11-28T09:00:00Z", "by": str(uuid.uuid4()),
         "by_role": "applicant"},
        {"kind": "documents_requested", "at": "2026-11-29T10:00:00Z", "by": str(uuid.uuid4()),
         "by_role": "officer", "note": "Please add the income certificate",
         "detail": "income_certificate"}]}).model_dump(mode="json")


@pytest.fixture
def faith(gateway: Any) -> Any:
    gateway.on("GET", APP_PATH, ok(APPLICATION))
    summary = {k: APPLICATION[k] for k in ("application_id", "status", "disease_area",
                                           "hospital_name", "estimate", "urgency",
                                           "submitted_at")}
    page = ApplicationsPage.model_validate({"items": [
        {**summary, "updated_at": "2026-11-29T10:00:00Z", "age_days": 3},
        {**summary, "application_id": str(uuid.uuid4()), "urgency": "normal",
         "status": "submitted", "updated_at": "2026-11-30T10:00:00Z", "age_days": 1}],
        "next_cursor": "bmV4dA"}).model_dump(mode="json")
    gateway.on("GET", "/v1/me/assistance/applications", ok(page))
    gateway.on("GET", "/v1/assistance/queue", ok(page))
    return gateway


async def test_the_eligibility_check_shows_the_schemes_first_to_anyone(gateway: Any,
                                                                        browser: Any) -> None:
    gateway.on("POST", "/v1/assistance/eligibility", ok(EligibilityResult.model_validate({
        "suggested_schemes": [{"scheme_id": str(uuid.uuid4()), "slug": "pm-jay",
                               "name": "Ayushman Bharat PM-JAY", "why": "BPL household",
                               "helpline": "14555", "link": "https://pmjay.gov.in"}],
        "advice": "Apply to PM-JAY first; Project FAITH covers what it does not."}
    ).model_dump(mode="json")))
    html = (await browser.get("/assistance")).text
    assert labelled(html) and 'href="/assistance"' in html
    reply = await browser.post("/assistance", data={
        "csrf_token": csrf(html), "patient_age": "9", "disease_area": "cancer",
        "hospital_type": "charitable", "hospital_state": "Maharashtra",
        "income_bracket": "bpl"})
    assert reply.status_code == 200
    assert sent(gateway, "POST", "/v1/assistance/eligibility") == [{
        "patient_age": "9", "disease_area": "cancer", "hospital_type": "charitable",
        "hospital_state": "Maharashtra", "income_bracket": "bpl"}]
    text = reply.text
    assert text.index('id="eligibility-result"') < text.index('action="/assistance"')
    assert "Ayushman Bharat PM-JAY" in text and "14555" in text and "Apply to PM-JAY" in text
    assert 'value="Maharashtra"' in text  # kept
    gateway.on("POST", "/v1/assistance/eligibility", lambda _: gateway.problem(422, [
        {"field": "patient_age", "message": "Input should be less than or equal to 120"}]))
    reply = await browser.post("/assistance", data={
        "csrf_token": csrf(html), "patient_age": "300", "disease_area": "cancer",
        "hospital_type": "charitable", "hospital_state": "MH", "income_bracket": "bpl"})
    assert reply.status_code == 422
    assert 'data-field="patient_age">Input should be less than or equal to 120' in reply.text


APPLY = {"relation": "parent", "patient_name": "Ravi Kumar", "patient_age": "9",
         "diagnosis": "Acute lymphoblastic leukaemia", "disease_area": "cancer",
         "income_bracket": "bpl", "hospital.name": "Tata Memorial",
         "hospital.type": "charitable", "hospital.state": "Maharashtra",
         "estimate": "1,25,000.50", "treatment_start": "2026-12-10", "treatment_end": "",
         "urgency": "critical", "payee.kind": "hospital", "payee.details": ""}


async def test_applying_on_someones_behalf_sends_paise_once_and_opens_the_case(
        signed_in: Any, faith: Any) -> None:
    faith.on("POST", "/v1/assistance/applications", ok({
        "application_id": APP_ID, "status": "submitted", "suggested_schemes": []}, 201))
    html = (await signed_in.get("/assistance/apply")).text
    assert labelled(html) and 'name="idempotency_key"' in html
    assert 'name="applicant_id"' not in html  # no caseworker
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    reply = await signed_in.post("/assistance/apply", data={
        "csrf_token": csrf(html), "idempotency_key": key, **APPLY})
    assert reply.status_code == 303 and reply.headers["location"] == f"/my/assistance/{APP_ID}"
    [request] = faith.calls("POST", "/v1/assistance/applications")
    assert request.headers["idempotency-key"] == key
    assert json.loads(request.read()) == {
        "relation": "parent", "patient_name": "Ravi Kumar", "patient_age": "9",
        "diagnosis": "Acute lymphoblastic leukaemia", "disease_area": "cancer",
        "income_bracket": "bpl", "hospital": {"name": "Tata Memorial", "type": "charitable",
                                              "state": "Maharashtra"},
        "estimate": 12500050, "treatment_start": "2026-12-10", "urgency": "critical",
        "payee": {"kind": "hospital"}}


async def test_a_refused_application_shows_each_message_beside_its_field(
        signed_in: Any, faith: Any) -> None:
    faith.on("POST", "/v1/assistance/applications", lambda _: faith.problem(422, [
        {"field": "estimate", "message": "Input should be greater than 0"},
        {"field": "hospital.state", "message": "String should have at least 2 characters"}]))
    html = (await signed_in.get("/assistance/apply")).text
    reply = await signed_in.post("/assistance/apply", data={
        "csrf_token": csrf(html), **APPLY, "estimate": "lots", "hospital.state": "M"})
    assert reply.status_code == 422
    assert json.loads(faith.calls("POST", "/v1/assistance/applications")[0].read())[
        "estimate"] == "lots"  # as typed: the API says what is wrong
    assert 'data-field="estimate">Input should be greater than 0' in reply.text
    assert 'data-field="hospital.state">String should have at least 2' in reply.text
    assert 'value="lots"' in reply.text


async def test_my_applications_and_a_cases_timeline(signed_in: Any, faith: Any) -> None:
    html = (await signed_in.get("/my/assistance")).text
    assert f'href="/my/assistance/{APP_ID}"' in html and "₹1,25,000.50" not in html
    assert "₹125,000.50" in html and 'href="?cursor=bmV4dA"' in html
    html = (await signed_in.get(f"/my/assistance/{APP_ID}")).text
    assert labelled(html)
    assert 'data-step="documents_requested"' in html and "Please add the income certificate" \
        in html and "by an assistance officer" in html
    assert 'id="documents-outstanding"' in html and "Income certificate" in html
    assert f'href="/assistance/{APP_ID}/documents/{DOC_ID}"' in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert '<option value="income_certificate" selected>' in html  # what is asked for


async def test_a_document_is_uploaded_as_multipart_and_a_refusal_shown_beside_the_file(
        signed_in: Any, faith: Any) -> None:
    faith.on("POST", f"{APP_PATH}/documents", ok({
        "document_id": str(uuid.uuid4()), "kind": "income_certificate",
        "content_type": "application/pdf", "size": len(PDF), "status": "submitted"}, 201))
    html = (await signed_in.get(f"/my/assistance/{APP_ID}")).text
    reply = await signed_in.post(f"/my/assistance/{APP_ID}/documents", data={
        "csrf_token": csrf(html), "kind": "income_certificate"},
        files={"file": ("income.pdf", PDF, "application/pdf")})
    assert reply.status_code == 303
    [request] = faith.calls("POST", f"{APP_PATH}/documents")
    body = request.read()
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert PDF in body and b'name="kind"\r\n\r\nincome_certificate' in body
    faith.on("POST", f"{APP_PATH}/documents", lambda _: faith.problem(422, [
        {"field": "file", "message": "a document is a PDF, JPEG or PNG"}]))
    reply = await signed_in.post(f"/my/assistance/{APP_ID}/documents", data={
        "csrf_token": csrf(html), "kind": "id"}, files={"file": ("x.txt", b"hello", "text/plain")})
    assert reply.status_code == 422
    assert 'data-field="file">a document is a PDF, JPEG or PNG' in reply.text
    reply = await signed_in.post(f"/my/assistance/{APP_ID}/documents", data={
        "csrf_token": csrf(html), "kind": "id"})
    assert reply.status_code == 422 and 'data-field="file">Choose a file' in reply.text
    assert len(faith.calls("POST", f"{APP_PATH}/documents")) == 2


async def test_a_document_is_relayed_from_the_api(signed_in: Any, faith: Any) -> None:
    faith.on("GET", f"{APP_PATH}/documents/{DOC_ID}", lambda _: httpx.Response(
        200, content=PDF, headers={"content-type": "application/pdf"}))
    reply = await signed_in.get(f"/assistance/{APP_ID}/documents/{DOC_ID}")
    assert reply.content == PDF and reply.headers["content-type"] == "application/pdf"


async def test_the_queue_lists_the_most_urgent_first_with_their_age(
        officer: Any, faith: Any) -> None:
    html = (await officer.get("/console/assistance?status=documents_requested")).text
    assert faith.calls("GET", "/v1/assistance/queue")[-1].url.params["status"] == \
        "documents_requested"
    assert html.index('data-urgency="critical"') < html.index('data-urgency="normal"')
    assert 'data-age-days="3"' in html and 'href="/console/assistance"' in html
    assert 'href="/console/assistance/fund"' in html and labelled(html)


@pytest.fixture
async def officer(signed_in: Any, faith: Any) -> Any:
    faith.roles[:] = ["assistance_officer"]
    await signed_in.post("/signout", data={"csrf_token": csrf((await signed_in.get("/")).text)})
    await signed_in.post("/signin", data={"username": "o@example.in", "password": "x" * 12,
                                          "csrf_token": csrf((await signed_in.get(
                                              "/signin")).text)})
    return signed_in


STEP_DONE = {"application_id": APP_ID, "status": "approved"}


@pytest.mark.parametrize(("step", "path", "form", "body"), [
    ("request-documents", "decision",
     {"documents.income_certificate": "on", "documents.ration_card": "on",
      "reason": "Add these"},
     {"decision": "request_documents", "documents": ["income_certificate", "ration_card"],
      "reason": "Add these"}),
    ("verify", "verification", {"note": "Spoke to Dr Rao"}, {"note": "Spoke to Dr Rao"}),
    ("approve", "decision", {"amount": "50000", "reason": "Within the estimate"},
     {"decision": "approve", "amount": 5000000, "reason": "Within the estimate"}),
    ("reject", "decision", {"reason": "Covered by PM-JAY in full"},
     {"decision": "reject", "reason": "Covered by PM-JAY in full"}),
    ("refer", "decision", {"scheme": "pm-jay", "reason": "Eligible"},
     {"decision": "refer", "scheme": "pm-jay", "reason": "Eligible"}),
    ("disburse", "disbursements", {"amount": "25000.5", "payee": "hospital",
                                   "reference": "UTR123"},
     {"amount": 2500050, "payee": "hospital", "reference": "UTR123"}),
    ("close", "closure", {"outcome": "treated", "note": "Discharged"},
     {"outcome": "treated", "note": "Discharged"}),
])
async def test_each_step_of_the_case_work_goes_to_its_route(
        officer: Any, faith: Any, step: str, path: str, form: dict[str, str],
        body: dict[str, Any]) -> None:
    faith.on("POST", f"{APP_PATH}/{path}", ok(STEP_DONE))
    html = (await officer.get(f"/console/assistance/{APP_ID}")).text
    assert labelled(html) and f'id="step-{step}"' in html
    reply = await officer.post(f"/console/assistance/{APP_ID}/{step}",
                               data={"csrf_token": csrf(html), **form})
    assert reply.status_code == 303
    assert sent(faith, "POST", f"{APP_PATH}/{path}") == [body]


async def test_an_approval_the_fund_cannot_pay_is_refused_on_its_own_form(
        officer: Any, faith: Any) -> None:
    faith.on("POST", f"{APP_PATH}/decision", lambda _: httpx.Response(409, json={
        "type": "about:blank", "title": "Not enough money in the fund", "status": 409,
        "detail": "₹20,000.00 is available for cancer cases"},
        headers={"content-type": "application/problem+json"}))
    html = (await officer.get(f"/console/assistance/{APP_ID}")).text
    reply = await officer.post(f"/console/assistance/{APP_ID}/approve", data={
        "csrf_token": csrf(html), "amount": "50000", "reason": "Within the estimate"})
    assert reply.status_code == 422
    form = reply.text[reply.text.index('id="step-approve"'):]
    form = form[:form.index("</form>")]
    assert "Not enough money in the fund — ₹20,000.00 is available" in form
    assert 'value="50000"' in form  # kept on that form only
    assert reply.text.count('value="50000"') == 1


async def test_a_member_reaches_no_case_work(signed_in: Any, faith: Any) -> None:
    faith.roles[:] = ["patient"]
    await signed_in.post("/signout", data={"csrf_token": csrf((await signed_in.get("/")).text)})
    await signed_in.post("/signin", data={"username": "p@example.in", "password": "x" * 12,
                                          "csrf_token": csrf((await signed_in.get(
                                              "/signin")).text)})
    html = (await signed_in.get("/")).text
    assert 'href="/my/assistance"' in html and 'href="/console/assistance"' not in html
    assert (await signed_in.get("/console/assistance")).status_code == 403
    assert (await signed_in.get("/console/assistance/fund")).status_code == 403
    reply = await signed_in.post(f"/console/assistance/{APP_ID}/approve", data={
        "csrf_token": csrf(html), "amount": "1", "reason": "x"})
    assert reply.status_code == 403 and faith.calls("POST", f"{APP_PATH}/decision") == []


async def test_the_fund_and_a_sponsorship_recorded(officer: Any, faith: Any) -> None:
    faith.on("GET", "/v1/assistance/fund/report", ok(FundReport.model_validate({
        "fund": {"received": 10000000, "approved": 5000000, "disbursed": 2500000,
                 "available": 5000000, "pools": [{"restriction": None, "available": 3000000},
                                                 {"restriction": "cancer",
                                                  "available": 2000000}]},
        "sponsors": [{"sponsor": "Asha Trust", "given": 10000000, "restriction": "cancer"}],
        "areas": [{"disease_area": "other", "cases_approved": 2, "approved": 5000000,
                   "disbursed": 2500000}]}).model_dump(mode="json")))
    faith.on("POST", "/v1/assistance/sponsorships", ok(
        {"sponsorship_id": str(uuid.uuid4()), "available": 6000000}, 201))
    html = (await officer.get("/console/assistance/fund")).text
    assert labelled(html)
    assert '<dd id="available">₹50,000.00</dd>' in html and "Asha Trust" in html
    assert 'data-pool="cancer"' in html and "General fund" in html
    reply = await officer.post("/console/assistance/fund", data={
        "csrf_token": csrf(html), "sponsor": "Ravi Foundation", "amount": "10000",
        "restriction": ""})
    assert reply.status_code == 303
    assert sent(faith, "POST", "/v1/assistance/sponsorships") == [
        {"sponsor": "Ravi Foundation", "amount": 1000000}]


async def test_the_case_in_hindi(signed_in: Any, faith: Any) -> None:
    signed_in.cookies.set(LANGUAGE_COOKIE, "hi")
    html = (await signed_in.get(f"/my/assistance/{APP_ID}")).text
    assert '<html lang="hi">' in html and "दस्तावेज़ माँगे गए" in html and "अपलोड करें" in html


def scheme(slug: str, name: str) -> dict[str, Any]:
    return SchemeView.model_validate({
        "scheme_id": str(uuid.uuid4()), "slug": slug, "name": name, "covers": "c",
        "eligibility": "e", "how_to_apply": "h", "documents": "d", "helpline": "104",
        "link": "https://example.gov.in", "needs": [], "states": []}).model_dump(mode="json")


async def test_the_scheme_of_a_referral_is_picked_from_the_apis_directory_by_name(
        officer: Any, faith: Any) -> None:
    faith.on("GET", "/v1/schemes", ok({"items": [
        scheme("rajiv-aarogyasri", "Rajiv Aarogyasri"),
        scheme("pm-jay", "Ayushman Bharat PM-JAY")]}))
    faith.on("POST", f"{APP_PATH}/decision", lambda _: faith.problem(
        422, [{"field": "scheme", "message": "no scheme cghs in the directory"}]))
    html = (await officer.get(f"/console/assistance/{APP_ID}")).text
    form = html[html.index('id="step-refer"'):]
    form = form[:form.index("</form>")]
    assert labelled(form) and '<select id="f-scheme-refer" name="scheme"' in form
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', form)
    assert options == [("", "— choose —"), ("pm-jay", "Ayushman Bharat PM-JAY"),
                       ("rajiv-aarogyasri", "Rajiv Aarogyasri")]  # by name, none chosen
    reply = await officer.post(f"/console/assistance/{APP_ID}/refer", data={
        "csrf_token": csrf(html), "scheme": "rajiv-aarogyasri", "reason": "Telangana card"})
    assert reply.status_code == 422
    assert sent(faith, "POST", f"{APP_PATH}/decision") == [
        {"decision": "refer", "scheme": "rajiv-aarogyasri", "reason": "Telangana card"}]
    form = reply.text[reply.text.index('id="step-refer"'):]
    form = form[:form.index("</form>")]
    assert '<option value="rajiv-aarogyasri" selected>' in form  # kept, and the refusal
    assert 'data-field="scheme">no scheme cghs in the directory' in form  # beside it
    assert 'aria-describedby="f-scheme-refer-error f-scheme-refer-hint"' in form


async def test_without_the_apis_schemes_the_referral_scheme_is_typed(
        officer: Any, faith: Any) -> None:
    html = (await officer.get(f"/console/assistance/{APP_ID}")).text  # /v1/schemes: 404
    form = html[html.index('id="step-refer"'):]
    assert '<input type="text" id="f-scheme-refer" name="scheme"' in form[:form.index("</form>")]
