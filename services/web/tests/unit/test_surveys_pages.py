"""Surveys (issue 14 A) against a fake gateway: the open surveys, a survey as plain
controls (every type, skip logic stated, the API's refusal of a hidden question's answer
beside it), a draft saved and resumed, the response sent, "answered already"; the console's
definition, publication, results (suppressed cells) and the relayed chart and CSV."""

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from contracts.surveys.messages import Results, StaffSurveysPage, SurveysPage, SurveyView
from web.i18n import LANGUAGE_COOKIE

from .pages import CSRF, parsed

SURVEY_ID = str(uuid.uuid4())
SURVEY_PATH = f"/v1/surveys/{SURVEY_ID}"


def option(value: str, label: str) -> dict[str, str]:
    return {"value": value, "label": label}


def question(id_: str, type_: str, label: str, **more: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "label": label, "label_language": "en",
            "required": False, "options": [], "dont_know": False, "max_length": 2000, **more}


QUESTIONS = [
    question("visit", "single_choice", "What kind of visit was it?", required=True,
             options=[option("outpatient", "Outpatient"), option("inpatient", "Admitted")]),
    question("ward", "likert", "How comfortable was the ward?", dont_know=True,
             show_if={"question": "visit", "in": ["inpatient"]}),
    question("seen_by", "multiple_choice", "Who saw you?",
             options=[option("doctor", "A doctor"), option("nurse", "A nurse")]),
    question("recommend", "nps", "Would you recommend it?"),
    question("paid", "number", "How much did you pay, in rupees?", min=0, max=100000),
    question("on", "date", "When was it?"),
    question("why", "text", "Tell us why", max_length=1000,
             show_if={"question": "recommend", "lte": 6}),
]


def view(**more: Any) -> dict[str, Any]:
    return SurveyView.model_validate({
        "survey_id": SURVEY_ID, "version": 1, "status": "published", "language": "en",
        "title": "Your hospital experience", "mode": "anonymous",
        "questions": QUESTIONS, **more}).model_dump(mode="json")


def ok(body: Any, status: int = 200) -> Any:
    return lambda _: httpx.Response(status, json=body)


def sent(gateway: Any, method: str, path: str) -> list[Any]:
    return [json.loads(r.read()) for r in gateway.calls(method, path)]


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match
    return match.group(1)


@pytest.fixture
def surveys(gateway: Any) -> Any:
    gateway.on("GET", "/v1/surveys", ok(SurveysPage.model_validate({"items": [
        {"survey_id": SURVEY_ID, "version": 1, "title": "Your hospital experience",
         "language": "en", "mode": "anonymous", "questions": 7, "answered": False},
        {"survey_id": str(uuid.uuid4()), "version": 2, "title": "Friends and Family Test",
         "language": "en", "mode": "identified", "questions": 2, "answered": True}],
        "next_cursor": "Y3Vyc29y"}).model_dump(mode="json")))
    gateway.on("GET", SURVEY_PATH, ok(view()))
    gateway.on("GET", "/v1/admin/surveys", ok(StaffSurveysPage.model_validate({"items": [
        staff_item(SURVEY_ID, "Your hospital experience", "published", 1, 2, 12),
        staff_item(DRAFT_ID, "A new questionnaire", "draft", 0, 1, 0),
        staff_item(str(uuid.uuid4()), "Last winter's visits", "closed", 3, 3, None,
                   mode="anonymous")], "next_cursor": "bmV4dA"}).model_dump(mode="json")))
    return gateway


DRAFT_ID = str(uuid.uuid4())


def staff_item(survey_id: str, title: str, status: str, version: int, working: int,
               responses: int | None, mode: str = "identified") -> dict[str, Any]:
    return {"survey_id": survey_id, "title": title, "language": "en", "mode": mode,
            "status": status, "version": version, "working_version": working,
            "responses": responses, "drafted_at": "2026-11-30T10:00:00Z"}


async def test_the_open_surveys_say_which_are_answered_and_page_on(
        signed_in: Any, surveys: Any) -> None:
    html = (await signed_in.get("/surveys")).text
    assert f'href="/surveys/{SURVEY_ID}"' in html
    assert 'data-answered="true"' in html and "You answered it" in html
    assert 'href="?cursor=Y3Vyc29y"' in html
    assert 'href="/surveys"' in html  # in the navigation


async def test_every_question_type_is_a_labelled_plain_control_and_skip_logic_is_said(
        signed_in: Any, surveys: Any) -> None:
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    controls = parsed(html)
    named = [c for c in controls.controls if str(c.get("name", "")).startswith("answers.")]
    assert {c["name"] for c in named} == {f"answers.{q['id']}" for q in QUESTIONS}
    assert all(c.get("id") in controls.labelled for c in named)
    kinds = {(c["name"], c.get("type")) for c in named}
    assert ("answers.visit", "radio") in kinds and ("answers.seen_by", "checkbox") in kinds
    assert ("answers.paid", "number") in kinds and ("answers.on", "date") in kinds
    recommend = [c["value"] for c in named if c["name"] == "answers.recommend"]
    assert recommend == [str(n) for n in range(11)] + [""]  # 0 to 10, or no answer
    ward = [c["value"] for c in named if c["name"] == "answers.ward"]
    assert ward == ["1", "2", "3", "4", "5", "dont_know", ""]
    # A required question without a condition offers no "no answer".
    assert "" not in [c["value"] for c in named if c["name"] == "answers.visit"]
    assert "Answer only if you answered “What kind of visit was it?” with one of: Admitted." \
        in html
    assert "Answer only if you answered “Would you recommend it?” with 6 or less." in html
    assert 'aria-describedby="q-ward-if"' in html
    assert "<script" not in html


async def test_the_answers_go_to_the_api_typed_and_a_hidden_ones_refusal_shows_beside_it(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("POST", f"{SURVEY_PATH}/responses", lambda _: surveys.problem(422, [{
        "field": "answers.ward", "message": "question ward is not shown for these answers "
                                            "(skip logic): leave it out"}]))
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    reply = await signed_in.post(f"/surveys/{SURVEY_ID}", data={
        "csrf_token": csrf(html), "action": "submit", "answers.visit": "outpatient",
        "answers.ward": "4", "answers.seen_by": ["doctor", "nurse"],
        "answers.recommend": "9", "answers.paid": "250", "answers.on": "2026-11-20",
        "answers.why": ""})
    assert reply.status_code == 422
    assert sent(surveys, "POST", f"{SURVEY_PATH}/responses") == [{
        "answers": {"visit": "outpatient", "ward": 4, "seen_by": ["doctor", "nurse"],
                    "recommend": 9, "paid": 250, "on": "2026-11-20"}, "language": "en"}]
    assert 'id="q-ward-error" data-field="answers.ward">question ward is not shown' \
        in reply.text
    assert 'aria-invalid="true"' in reply.text
    # What was chosen is kept.
    assert 'value="outpatient" checked' in reply.text
    assert 'value="nurse" checked' in reply.text and 'value="250"' in reply.text


async def test_a_draft_is_saved_then_resumed_and_dont_know_is_sent_as_such(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("PUT", f"{SURVEY_PATH}/draft", ok(
        {"survey_id": SURVEY_ID, "saved_on": "2026-12-01"}))
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    reply = await signed_in.post(f"/surveys/{SURVEY_ID}", data={
        "csrf_token": csrf(html), "action": "draft", "answers.visit": "inpatient",
        "answers.ward": "dont_know", "answers.paid": "12.5"})
    assert reply.status_code == 303 and reply.headers["location"] == f"/surveys/{SURVEY_ID}"
    assert sent(surveys, "PUT", f"{SURVEY_PATH}/draft") == [{
        "answers": {"visit": "inpatient", "ward": "dont_know", "paid": 12.5},
        "language": "en"}]
    assert surveys.calls("POST", f"{SURVEY_PATH}/responses") == []
    surveys.on("GET", SURVEY_PATH, ok(view(draft={"visit": "inpatient", "ward": "dont_know",
                                                  "seen_by": ["nurse"]})))
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    assert "Your answers are saved" in html and 'id="survey-draft"' in html
    assert 'id="q-visit-inpatient" name="answers.visit" value="inpatient" checked' in html
    assert 'value="dont_know" checked' in html and 'value="nurse" checked' in html
    assert 'value="doctor" checked' not in html


async def test_a_sent_response_thanks_and_the_survey_then_says_answered_already(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("POST", f"{SURVEY_PATH}/responses", ok(
        {"survey_id": SURVEY_ID, "version": 1, "status": "submitted"}, 201))
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    reply = await signed_in.post(f"/surveys/{SURVEY_ID}", data={
        "csrf_token": csrf(html), "answers.visit": "outpatient"})  # Enter: sent
    assert reply.status_code == 303
    assert len(surveys.calls("POST", f"{SURVEY_PATH}/responses")) == 1
    surveys.on("GET", SURVEY_PATH, ok(view(answered=True)))
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    assert "Thank you: your response is sent." in html
    assert 'id="survey-answered"' in html and 'id="survey-form"' not in html
    # A second try (another tab) is told it counts already.
    surveys.on("POST", f"{SURVEY_PATH}/responses", lambda _: surveys.problem(
        409, detail="answered already"))
    reply = await signed_in.post(f"/surveys/{SURVEY_ID}", data={
        "csrf_token": csrf(html), "action": "submit", "answers.visit": "outpatient"})
    assert reply.status_code == 303
    assert "You answered this survey already" in (await signed_in.get(reply.headers[
        "location"])).text


async def test_the_survey_in_hindi(signed_in: Any, surveys: Any) -> None:
    signed_in.cookies.set(LANGUAGE_COOKIE, "hi")
    html = (await signed_in.get(f"/surveys/{SURVEY_ID}")).text
    assert '<html lang="hi">' in html and "मेरे उत्तर भेजें" in html and "पता नहीं" in html
    assert surveys.calls("GET", SURVEY_PATH)[-1].headers["accept-language"] == "hi"


# The console.

DEFINITION = {"title": {"en": "Clinic visit"}, "audience": {"everyone": True},
              "questions": [{"id": "q1", "type": "likert", "label": {"en": "How was it?"}}]}


async def test_a_patient_gets_no_console(browser: Any, gateway: Any, csrf_of: Any) -> None:
    gateway.roles[:] = ["patient"]
    await browser.post("/signin", data={"username": "a@example.in", "password": "x" * 12,
                                        "csrf_token": await csrf_of(browser)})
    assert (await browser.get("/console/surveys")).status_code == 403
    assert 'href="/console/surveys"' not in (await browser.get("/")).text
    assert (await browser.get(f"/console/surveys/{SURVEY_ID}/export.csv")).status_code == 403


async def test_the_console_lists_every_survey_with_status_versions_and_responses(
        signed_in: Any, surveys: Any) -> None:
    html = (await signed_in.get("/console/surveys")).text
    rows = re.findall(r'<tr data-survey-id="([^"]+)" data-status="([a-z]+)">', html)
    assert [status for _, status in rows] == ["published", "draft", "closed"]
    assert rows[1][0] == DRAFT_ID and f'href="/console/surveys/{DRAFT_ID}"' in html
    assert 'data-responses="12"' in html and "hidden (too few answers)" in html
    assert f'href="/console/surveys/{DRAFT_ID}/results"' not in html  # nothing to count
    assert 'href="?cursor=bmV4dA"' in html
    filtered = await signed_in.get("/console/surveys?status=draft&cursor=bmV4dA")
    assert filtered.status_code == 200 and 'href="?cursor=bmV4dA&amp;status=draft"' \
        in filtered.text
    asked = surveys.calls("GET", "/v1/admin/surveys")[-1].url.params
    assert (asked["status"], asked["cursor"]) == ("draft", "bmV4dA")
    await signed_in.get("/console/surveys?status=nonsense")
    assert "status" not in surveys.calls("GET", "/v1/admin/surveys")[-1].url.params


async def test_a_definition_is_sent_as_json_and_the_apis_errors_shown_beside_it(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("POST", "/v1/surveys", lambda _: surveys.problem(422, [
        {"field": "questions.0.options", "message": "question q1 needs two options or more"}]))
    html = (await signed_in.get("/console/surveys")).text
    assert f'href="/console/surveys/{SURVEY_ID}/results"' in html
    reply = await signed_in.post("/console/surveys", data={
        "csrf_token": csrf(html), "definition": json.dumps(DEFINITION)})
    assert reply.status_code == 422
    assert sent(surveys, "POST", "/v1/surveys") == [DEFINITION]
    assert 'data-field="definition">questions.0.options: question q1 needs two options' \
        in reply.text
    # Not JSON: said so, nothing sent.
    reply = await signed_in.post("/console/surveys", data={
        "csrf_token": csrf(html), "definition": "{title: "})
    assert reply.status_code == 422 and "JSONDecodeError" in reply.text
    assert len(surveys.calls("POST", "/v1/surveys")) == 1
    new_id = str(uuid.uuid4())
    surveys.on("POST", "/v1/surveys", ok(
        {"survey_id": new_id, "version": 1, "status": "draft"}, 201))
    reply = await signed_in.post("/console/surveys", data={
        "csrf_token": csrf(html), "definition": json.dumps(DEFINITION)})
    assert reply.headers["location"] == f"/console/surveys/{new_id}"


async def test_a_survey_is_revised_and_published_from_its_console_page(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("GET", SURVEY_PATH, ok(view(status="draft", definition=DEFINITION,
                                           working_version=1)))
    surveys.on("PUT", SURVEY_PATH, ok({"survey_id": SURVEY_ID, "version": 1,
                                       "status": "draft"}))
    surveys.on("POST", f"{SURVEY_PATH}/publish", ok({"survey_id": SURVEY_ID, "version": 1,
                                                     "status": "published"}))
    html = (await signed_in.get(f"/console/surveys/{SURVEY_ID}")).text
    assert 'data-status="draft"' in html and "&#34;Clinic visit&#34;" in html
    assert all(c.get("id") in parsed(html).labelled for c in parsed(html).controls)
    changed = {**DEFINITION, "mode": "anonymous"}
    reply = await signed_in.post(f"/console/surveys/{SURVEY_ID}", data={
        "csrf_token": csrf(html), "definition": json.dumps(changed)})
    assert reply.status_code == 303 and sent(surveys, "PUT", SURVEY_PATH) == [changed]
    reply = await signed_in.post(f"/console/surveys/{SURVEY_ID}/publish",
                                 data={"csrf_token": csrf(html)})
    assert reply.status_code == 303 and len(surveys.calls("POST", f"{SURVEY_PATH}/publish"))
    assert "The survey is published" in (await signed_in.get(reply.headers["location"])).text
    # A refusal (published already, nothing changed) is said on the page.
    surveys.on("POST", f"{SURVEY_PATH}/publish", lambda _: surveys.problem(
        409, detail="nothing to publish: version 1 is published already"))
    reply = await signed_in.post(f"/console/surveys/{SURVEY_ID}/publish",
                                 data={"csrf_token": csrf(html)})
    assert reply.status_code == 422 and "nothing to publish" in reply.text


RESULTS = Results.model_validate({
    "survey_id": SURVEY_ID, "mode": "anonymous", "responses": 12, "by_version": {"1": 12},
    "suppressed_below": 5,
    "questions": [
        {"question": "visit", "type": "single_choice", "answers": 12, "options": [
            {"value": "outpatient", "count": 9, "percent": 75.0},
            {"value": "inpatient", "count": None, "percent": None}]},
        {"question": "ward", "type": "likert", "answers": None, "options": [],
         "suppressed": True},
        {"question": "recommend", "type": "nps", "answers": 10, "mean": 7.5, "nps": 20.0,
         "options": [{"value": "9", "count": 6, "percent": 60.0}]},
        {"question": "seen_by", "type": "likert", "answers": 10, "mean": 4.1,
         "percent_positive": 80.0, "options": []}],
    "communities": [{"community": "diabetes", "responses": None, "questions": []}],
    "texts": [{"question": "why", "text": None, "status": "held",
               "reasons": ["contact_details"]}]}).model_dump(mode="json")


async def test_the_results_show_counts_percentages_nps_and_suppressed_cells(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("GET", f"{SURVEY_PATH}/results", ok(RESULTS))
    html = (await signed_in.get(f"/console/surveys/{SURVEY_ID}/results")).text
    assert '<tr data-value="outpatient"><th scope="row">Outpatient</th>' in html
    assert '<td class="count">9</td><td class="percent">75.0</td>' in html
    inpatient = html[html.index('<tr data-value="inpatient">'):]
    assert " ".join(inpatient[:inpatient.index("</tr>")].split()) == (
        '<tr data-value="inpatient"><th scope="row">Admitted</th> <td class="count '
        'suppressed" colspan="2">hidden (too few answers)</td>')
    assert 'data-question="ward" data-suppressed="true"' in html
    assert "NPS <span class=\"nps\">20.0</span>" in html
    assert '<span class="positive">80.0%</span>' in html
    assert "Held: it contained contact details." in html
    assert f'<img src="/console/surveys/{SURVEY_ID}/results.svg"' in html
    assert f'href="/console/surveys/{SURVEY_ID}/export.csv"' in html


async def test_the_chart_and_the_csv_are_relayed_from_the_api(
        signed_in: Any, surveys: Any) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><text>hidden</text></svg>'
    surveys.on("GET", f"{SURVEY_PATH}/results.svg", lambda _: httpx.Response(
        200, content=svg, headers={"content-type": "image/svg+xml"}))
    surveys.on("GET", f"{SURVEY_PATH}/export.csv", lambda _: httpx.Response(
        200, content=b"response,visit\r\n1,outpatient\r\n",
        headers={"content-type": "text/csv; charset=utf-8"}))
    chart = await signed_in.get(f"/console/surveys/{SURVEY_ID}/results.svg")
    assert chart.status_code == 200 and chart.content == svg
    assert chart.headers["content-type"] == "image/svg+xml"
    export = await signed_in.get(f"/console/surveys/{SURVEY_ID}/export.csv")
    assert export.content == b"response,visit\r\n1,outpatient\r\n"
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"] == \
        f'attachment; filename="survey-{SURVEY_ID}.csv"'
    surveys.on("GET", f"{SURVEY_PATH}/export.csv", lambda _: surveys.problem(
        404, detail="no such survey"))
    missing = await signed_in.get(f"/console/surveys/{SURVEY_ID}/export.csv")
    assert missing.status_code == 404 and "no such survey" in missing.text


def export_job(status: str, done: int, total: int, size: int | None = None) -> dict[str, Any]:
    return {"export_id": EXPORT_ID, "survey_id": SURVEY_ID, "status": status,
            "rows_done": done, "rows_total": total,
            "percent": 100.0 if status == "done" else round(100 * done / total, 1),
            "size": size, "requested_on": "2026-12-01"}


EXPORT_ID = str(uuid.uuid4())
EXPORT_PAGE = f"/console/surveys/{SURVEY_ID}/exports/{EXPORT_ID}"


async def test_a_large_export_is_a_job_whose_page_shows_a_progress_bar(
        signed_in: Any, surveys: Any) -> None:
    surveys.on("GET", f"{SURVEY_PATH}/results", ok(RESULTS))
    html = (await signed_in.get(f"/console/surveys/{SURVEY_ID}/results")).text
    assert f'action="/console/surveys/{SURVEY_ID}/exports"' in html
    surveys.on("POST", f"{SURVEY_PATH}/exports", ok(export_job("queued", 0, 1), 202))
    reply = await signed_in.post(f"/console/surveys/{SURVEY_ID}/exports",
                                 data={"csrf_token": csrf(html)})
    assert reply.status_code == 303 and reply.headers["location"] == EXPORT_PAGE
    job_path = f"{SURVEY_PATH}/exports/{EXPORT_ID}"
    surveys.on("GET", job_path, ok(export_job("running", 1500, 4000)))
    running = (await signed_in.get(EXPORT_PAGE)).text
    assert '<progress id="export-progress" max="100" value="37.5">' in running
    assert '<meta http-equiv="refresh" content="2">' in running  # it reloads itself
    assert "1500 of 4000 responses (37.5%)" in running and "export-file" not in running
    surveys.on("GET", job_path, ok(export_job("done", 4000, 4000, 2048)))
    done = (await signed_in.get(EXPORT_PAGE)).text
    assert 'value="100.0"' in done and 'http-equiv="refresh"' not in done
    assert f'href="{EXPORT_PAGE}.csv"' in done and "2.0 KB" in done
    surveys.on("GET", f"{job_path}.csv", lambda _: httpx.Response(
        206, content=b"1,outpatient\r\n", headers={"content-type": "text/csv",
                                                   "content-range": "bytes 10-23/2048"}))
    part = await signed_in.get(f"{EXPORT_PAGE}.csv", headers={"Range": "bytes=10-23"})
    assert part.status_code == 206 and part.content == b"1,outpatient\r\n"
    assert surveys.calls("GET", f"{job_path}.csv")[-1].headers["range"] == "bytes=10-23"
