"""Surveys: a member's open surveys and the survey answered in their language (every
question a plain control; skip logic stated beside the question it governs, the API
judging what is hidden; a draft saved to resume; one response), and the survey managers'
console (every survey by status, a definition written as JSON and published, the results
with the API's chart and CSV export relayed; a large export's job: pages/survey_exports.py)."""

import json
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call, fetch, posted, relay, see_other, session_of, signed_in
from web.i18n import translator
from web.problems import FormErrors, form_errors
from web.render import page

STAFF = ("survey_manager", "admin")
SCALES = {"likert": range(1, 6), "nps": range(11)}
DONT_KNOW = "dont_know"
DEFINITION = "definition"


def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": 20}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    return params


def field_of(question_id: str) -> str:
    return f"answers.{question_id}"


def answer_of(question: dict[str, Any], form: FormData) -> Any:
    """The form's answer to one question as the API takes it: the scales' and numbers'
    digits as numbers, a multiple choice as a list; anything else as typed (the API says
    what is wrong). None: not answered."""
    name = field_of(question["id"])
    if question["type"] == "multiple_choice":
        values = [str(v) for v in form.getlist(name) if str(v)]
        return values or None
    value = str(form.get(name, "")).strip()
    if not value:
        return None
    if question["type"] in SCALES and value != DONT_KNOW:
        return int(value) if value.lstrip("-").isdigit() else value
    if question["type"] == "number":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


def answers_of(survey: dict[str, Any], form: FormData) -> dict[str, Any]:
    answers = {}
    for question in survey["questions"]:
        answer = answer_of(question, form)
        if answer is not None:
            answers[question["id"]] = answer
    return answers


def shown_values(answers: dict[str, Any] | None) -> dict[str, Any]:
    """A draft's (or a refused try's) answers as the controls show them: a list stays a
    list (the ticked boxes), the rest as text."""
    return {field_of(k): v if isinstance(v, list) else str(v)
            for k, v in (answers or {}).items()}


def condition_of(question: dict[str, Any], questions: list[dict[str, Any]],
                 t: Any) -> str | None:
    """`show_if` in words: "Only if “<question>” is one of: …"."""
    rule = question.get("show_if")
    if not rule:
        return None
    target = next((q for q in questions if q["id"] == rule.get("question")), None)
    about = target["label"] if target else str(rule.get("question"))
    options = {o["value"]: o["label"] for o in (target or {}).get("options", [])}

    def words(values: list[Any]) -> str:
        return ", ".join(options.get(str(v), t("survey.dont_know") if v == DONT_KNOW
                                     else str(v)) for v in values)

    if rule.get("in") is not None:
        said = t("survey.if_in").replace("{values}", words(rule["in"]))
    elif rule.get("not_in") is not None:
        said = t("survey.if_not_in").replace("{values}", words(rule["not_in"]))
    elif rule.get("gte") is not None:
        said = t("survey.if_gte").replace("{n}", str(rule["gte"]))
    elif rule.get("lte") is not None:
        said = t("survey.if_lte").replace("{n}", str(rule["lte"]))
    elif rule.get("answered") is False:
        said = t("survey.if_unanswered")
    else:
        said = t("survey.if_answered")
    return t("survey.only_if").replace("{question}", about).replace("{rule}", said)


async def open_surveys(request: Request) -> Response:
    signed_in(request)
    surveys = await fetch(request, "/v1/surveys", params=_params(request))
    return page(request, "surveys.html", surveys=surveys)


async def survey_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                      values: dict[str, Any] | None = None,
                      survey: dict[str, Any] | None = None) -> Response:
    signed_in(request)
    survey_id = str(request.path_params["survey_id"])
    survey = survey or await fetch(request, f"/v1/surveys/{survey_id}")
    t = translator(request.state.language)
    conditions = {q["id"]: condition_of(q, survey["questions"], t) for q in survey["questions"]}
    return page(request, "survey.html", status, survey=survey, conditions=conditions,
                scales=SCALES, errors=errors or FormErrors(),
                values=values if values is not None else shown_values(survey.get("draft")))


async def survey(request: Request) -> Response:
    return await survey_page(request)


async def answer(request: Request) -> Response:
    """Save the draft or send the response, as the button pressed says."""
    signed_in(request)
    form = await posted(request)
    survey_id = str(request.path_params["survey_id"])
    shown = await fetch(request, f"/v1/surveys/{survey_id}")
    answers = answers_of(shown, form)
    body = {"answers": answers, "language": request.state.language}
    draft = form.get("action") == "draft"
    if draft:
        reply = await call(request, "PUT", f"/v1/surveys/{survey_id}/draft", json=body)
    else:
        reply = await call(request, "POST", f"/v1/surveys/{survey_id}/responses", json=body)
    if reply.status == 409 and not draft:
        session_of(request).flash = "flash.survey_answered_already"
        return see_other(f"/surveys/{survey_id}")
    if not reply.ok:
        names = {field_of(q["id"]) for q in shown["questions"]}
        return await survey_page(request, 422 if reply.status < 500 else 502,
                                 form_errors(reply.problem, names), shown_values(answers),
                                 shown)
    session_of(request).flash = "flash.survey_draft_saved" if draft else "flash.survey_sent"
    return see_other(f"/surveys/{survey_id}")


# The console.

def _pretty(definition: Any) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=2)


STATUSES = ("draft", "published", "closed")


async def console_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                       values: dict[str, str] | None = None) -> Response:
    """Every survey (drafts, published, closed; filtered by status), and a new one."""
    signed_in(request, *STAFF)
    params = _params(request)
    shown = request.query_params.get("status", "")
    if shown in STATUSES:
        params["status"] = shown
    surveys = await fetch(request, "/v1/admin/surveys", params=params)
    return page(request, "console/surveys.html", status, surveys=surveys, shown=shown,
                statuses=STATUSES, errors=errors or FormErrors(), values=values or {})


async def console(request: Request) -> Response:
    return await console_page(request)


async def console_open(request: Request) -> Response:
    """A survey by its reference (a shortcut past the list)."""
    signed_in(request, *STAFF)
    reference = request.query_params.get("id", "").strip()
    return see_other(f"/console/surveys/{reference}" if len(reference) == 36
                     else "/console/surveys")


def definition_of(form: FormData) -> tuple[Any, FormErrors]:
    """The textarea's JSON, or the reason it is no JSON at all (the API judges the rest)."""
    text = str(form.get(DEFINITION, ""))
    try:
        return json.loads(text), FormErrors()
    except ValueError as error:
        return None, FormErrors(fields={DEFINITION: f"{type(error).__name__}: {error}"})


def definition_errors(reply: Any) -> FormErrors:
    """Every field error of the definition beside the textarea, each naming its path."""
    problem = reply.problem
    if not problem.errors:
        return form_errors(problem, set())
    return FormErrors(fields={DEFINITION: " · ".join(
        f"{name}: {message}" for name, message in problem.errors)})


async def create(request: Request) -> Response:
    signed_in(request, *STAFF)
    form = await posted(request)
    definition, errors = definition_of(form)
    values = {DEFINITION: str(form.get(DEFINITION, ""))}
    if errors:
        return await console_page(request, 422, errors, values)
    reply = await call(request, "POST", "/v1/surveys", json=definition)
    if not reply.ok:
        return await console_page(request, 422 if reply.status < 500 else 502,
                                  definition_errors(reply), values)
    session_of(request).flash = "flash.survey_drafted"
    return see_other(f"/console/surveys/{reply.body['survey_id']}")


async def manage_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                      values: dict[str, str] | None = None) -> Response:
    signed_in(request, *STAFF)
    survey_id = str(request.path_params["survey_id"])
    survey = await fetch(request, f"/v1/surveys/{survey_id}")
    shown = values or {DEFINITION: _pretty(survey.get("definition") or {})}
    return page(request, "console/survey.html", status, survey=survey, errors=errors or
                FormErrors(), values=shown)


async def manage(request: Request) -> Response:
    return await manage_page(request)


async def revise(request: Request) -> Response:
    signed_in(request, *STAFF)
    form = await posted(request)
    survey_id = str(request.path_params["survey_id"])
    definition, errors = definition_of(form)
    values = {DEFINITION: str(form.get(DEFINITION, ""))}
    if errors:
        return await manage_page(request, 422, errors, values)
    reply = await call(request, "PUT", f"/v1/surveys/{survey_id}", json=definition)
    if not reply.ok:
        return await manage_page(request, 422 if reply.status < 500 else 502,
                                 definition_errors(reply), values)
    session_of(request).flash = "flash.survey_revised"
    return see_other(f"/console/surveys/{survey_id}")


async def publish(request: Request) -> Response:
    signed_in(request, *STAFF)
    await posted(request)
    survey_id = str(request.path_params["survey_id"])
    reply = await call(request, "POST", f"/v1/surveys/{survey_id}/publish")
    if not reply.ok:
        return await manage_page(request, 422 if reply.status < 500 else 502,
                                 form_errors(reply.problem, set()))
    session_of(request).flash = "flash.survey_published"
    return see_other(f"/console/surveys/{survey_id}")


async def results(request: Request) -> Response:
    signed_in(request, *STAFF)
    survey_id = str(request.path_params["survey_id"])
    survey = await fetch(request, f"/v1/surveys/{survey_id}")
    figures = await fetch(request, f"/v1/surveys/{survey_id}/results")
    questions = {q["id"]: q for q in survey["questions"]}
    return page(request, "console/survey_results.html", survey=survey, results=figures,
                questions=questions)


async def chart(request: Request) -> Response:
    signed_in(request, *STAFF)
    return await relay(request, f"/v1/surveys/{request.path_params['survey_id']}/results.svg")


async def export(request: Request) -> Response:
    signed_in(request, *STAFF)
    survey_id = request.path_params["survey_id"]
    response = await relay(request, f"/v1/surveys/{survey_id}/export.csv", headers={
        "Accept": "text/csv"})
    response.headers.setdefault("content-disposition",
                                f'attachment; filename="survey-{survey_id}.csv"')
    return response


ROUTES = [
    Route("/surveys", open_surveys, methods=["GET"]),
    Route("/surveys/{survey_id:uuid}", survey, methods=["GET"]),
    Route("/surveys/{survey_id:uuid}", answer, methods=["POST"]),
    Route("/console/surveys", console, methods=["GET"]),
    Route("/console/surveys", create, methods=["POST"]),
    Route("/console/surveys/open", console_open, methods=["GET"]),
    Route("/console/surveys/{survey_id:uuid}", manage, methods=["GET"]),
    Route("/console/surveys/{survey_id:uuid}", revise, methods=["POST"]),
    Route("/console/surveys/{survey_id:uuid}/publish", publish, methods=["POST"]),
    Route("/console/surveys/{survey_id:uuid}/results", results, methods=["GET"]),
    Route("/console/surveys/{survey_id:uuid}/results.svg", chart, methods=["GET"]),
    Route("/console/surveys/{survey_id:uuid}/export.csv", export, methods=["GET"]),
]
