"""Drug-information questions: a member asks the pharmacists and reads the verified team's
answer; the pharmacist reviewers' queue (oldest first, overdue marked) and their answer."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import LANGUAGES
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.problems import FormErrors, form_errors
from web.render import page
from web.told import told

REVIEWERS = ("pharmacist_reviewer",)
ANSWER = Form((Fieldset("drug.answer_legend", (
    Field("body", "drug.answer_body", "textarea", required=True),
    Field("references", "drug.references", "textarea", hint="drug.references_hint"))),))


def ask_form(language: str) -> Form:
    return Form((Fieldset("drug.ask_legend", (
        Field("medicine", "drug.medicine", required=True, hint="drug.medicine_hint"),
        Field("question", "drug.question", "textarea", required=True),
        choices("language", "drug.language", LANGUAGES, "language", default=language))),))


def _params(request: Request, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": 20, **extra}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    return params


async def ask_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                   values: dict[str, str] | None = None) -> Response:
    signed_in(request)
    form = ask_form(request.state.language)
    return page(request, "ask.html", status, form=form, errors=errors or FormErrors(),
                values=values or form.defaults())


async def ask_new(request: Request) -> Response:
    return await ask_page(request)


async def ask(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    form = ask_form(request.state.language)
    reply = await call(request, "POST", "/v1/drug-queries", json=form.body(form_data),
                       headers=once(form_data))
    if not reply.ok:
        return await ask_page(request, 422 if reply.status < 500 else 502,
                              form_errors(reply.problem, form.names), form.values(form_data))
    told(request, reply.body)
    session_of(request).flash = "flash.asked_pharmacist"
    return see_other(f"/my/questions/{reply.body['query_id']}")


async def my_questions(request: Request) -> Response:
    signed_in(request)
    queries = await fetch(request, "/v1/me/drug-queries", params=_params(request))
    return page(request, "my_questions.html", queries=queries)


async def my_question(request: Request) -> Response:
    signed_in(request)
    query = await fetch(request, f"/v1/drug-queries/{request.path_params['query_id']}")
    return page(request, "my_question.html", query=query)


async def queue_page(request: Request, status: int = 200, failed: str = "",
                     errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    signed_in(request, *REVIEWERS)
    queue = await fetch(request, "/v1/drug-queries", params=_params(request, status="open"))
    return page(request, "console/drug_queries.html", status, queue=queue, form=ANSWER,
                failed=failed, errors=errors or FormErrors(), values=values or {})


async def queue(request: Request) -> Response:
    return await queue_page(request)


def answer_body(form_data: Any) -> dict[str, Any]:
    """The answer and its references, one a line (blank lines left out)."""
    lines = str(form_data.get("references", "")).splitlines()
    return {"body": str(form_data.get("body", "")).strip(),
            "references": [line.strip() for line in lines if line.strip()]}


async def answer(request: Request) -> Response:
    signed_in(request, *REVIEWERS)
    form_data = await posted(request)
    query_id = str(request.path_params["query_id"])
    reply = await call(request, "POST", f"/v1/drug-queries/{query_id}/answer",
                       json=answer_body(form_data))
    if not reply.ok:
        errors = form_errors(reply.problem, ANSWER.names)
        for name in [n for n in errors.general if n.startswith("references.")]:
            errors.general.remove(name)  # a reference's own message: beside the list
            errors.fields.setdefault("references", name)
        return await queue_page(request, 422 if reply.status < 500 else 502, query_id,
                                errors, ANSWER.values(form_data))
    session_of(request).flash = "flash.answered_query"
    return see_other("/console/drug-queries")


ROUTES = [
    Route("/ask", ask_new, methods=["GET"]),
    Route("/ask", ask, methods=["POST"]),
    Route("/my/questions", my_questions, methods=["GET"]),
    Route("/my/questions/{query_id:uuid}", my_question, methods=["GET"]),
    Route("/console/drug-queries", queue, methods=["GET"]),
    Route("/console/drug-queries/{query_id:uuid}/answer", answer, methods=["POST"]),
]
