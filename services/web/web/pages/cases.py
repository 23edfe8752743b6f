"""The PV officer's console: the work list, a case with its coding form, follow-up
questions, likely duplicates, submission and the ICSR."""

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.coding_form import assessment_body, coding_form, coding_values
from web.edge import ApiFailure, call, fetch, posted, see_other, session_of, signed_in
from web.problems import FormErrors, form_errors
from web.render import page

PV_ROLES = ("pv_officer", "regulator_liaison")
FILTERS = ("status", "serious", "overdue", "sort", "cursor")
STATUSES = ("received", "under_review", "follow_up_requested", "submitted",
            "sent_to_regulator", "acknowledged", "rejected_by_regulator")


async def work_list(request: Request) -> Response:
    signed_in(request, *PV_ROLES)
    chosen = {k: v for k in FILTERS if (v := request.query_params.get(k))}
    params: dict[str, Any] = {"sort": "due", "limit": 50, **chosen}
    cases = await fetch(request, "/v1/pv/cases", params=params)
    following = cases["next_cursor"]
    return page(request, "console/cases.html", cases=cases, chosen=params, statuses=STATUSES,
                next_query=urlencode({**params, "cursor": following}) if following else "")


async def case_page(request: Request, status: int = 200,
                    errors: FormErrors | None = None, values: dict[str, str] | None = None,
                    section: str = "") -> Response:
    signed_in(request, *PV_ROLES)
    case_id = request.path_params["case_id"]
    case = await fetch(request, f"/v1/pv/cases/{case_id}")
    form = coding_form(case)
    return page(request, "console/case.html", status, case=case, form=form,
                values=values or coding_values(case), errors=errors or FormErrors(),
                section=section, medicines={str(m["medicine_id"]): m for m in case["medicines"]},
                reactions={str(r["reaction_id"]): r for r in case["reactions"]})


async def show_case(request: Request) -> Response:
    return await case_page(request)


async def assess(request: Request) -> Response:
    signed_in(request, "pv_officer")
    form_data = await posted(request)
    case_id = request.path_params["case_id"]
    case = await fetch(request, f"/v1/pv/cases/{case_id}")
    form = coding_form(case)
    reply = await call(request, "POST", f"/v1/pv/cases/{case_id}/assessment",
                       json=assessment_body(form, form_data))
    if not reply.ok:
        return await case_page(request, _status(reply.status),
                               form_errors(reply.problem, form.names),
                               form.values(form_data), "coding")
    return _done(request, case_id, "flash.assessed")


async def act(request: Request, path: str, body: dict[str, Any] | None, flash: str,
              section: str) -> Response:
    """One of the case's actions: done, or the case again with the API's reason."""
    signed_in(request, "pv_officer")
    case_id = request.path_params["case_id"]
    reply = await call(request, "POST", f"/v1/pv/cases/{case_id}/{path}", json=body)
    if not reply.ok:
        return await case_page(request, _status(reply.status),
                               form_errors(reply.problem, ()), section=section)
    return _done(request, case_id, flash)


async def submit(request: Request) -> Response:
    await posted(request)
    return await act(request, "submit", None, "flash.submitted", "submit")


async def ask_reporter(request: Request) -> Response:
    form = await posted(request)
    questions = [q.strip() for q in str(form.get("questions", "")).splitlines() if q.strip()]
    return await act(request, "follow-up-requests", {"questions": questions},
                     "flash.asked", "follow_up")


async def resolve_duplicate(request: Request) -> Response:
    form = await posted(request)
    body = {"other_report_id": str(form.get("other_report_id", "")),
            "decision": str(form.get("decision", ""))}
    return await act(request, "duplicates", body, "flash.duplicate_resolved", "duplicates")


async def icsr(request: Request) -> Response:
    """The case's ICH E2B(R3) XML, fetched with the officer's token."""
    signed_in(request, *PV_ROLES)
    case_id = request.path_params["case_id"]
    reply = await call(request, "GET", f"/v1/pv/cases/{case_id}/e2b")
    if not reply.ok:
        raise ApiFailure(reply)
    return Response(reply.content, media_type="application/xml", headers={
        "Content-Disposition": f'inline; filename="icsr-{case_id}.xml"'})


async def reads(request: Request) -> Response:
    """The case's access log: every staff read of it."""
    signed_in(request, "pv_officer")
    case_id = request.path_params["case_id"]
    params = {k: v for k in ("cursor",) if (v := request.query_params.get(k))}
    log = await fetch(request, f"/v1/pv/cases/{case_id}/reads", params={"limit": 50, **params})
    return page(request, "console/reads.html", case_id=case_id, log=log)


def _done(request: Request, case_id: str, flash: str) -> Response:
    session_of(request).flash = flash
    return see_other(f"/console/cases/{case_id}")


def _status(api_status: int) -> int:
    return api_status if 400 <= api_status < 500 else 502


ROUTES = [
    Route("/console/cases", work_list, methods=["GET"]),
    Route("/console/cases/{case_id:uuid}", show_case, methods=["GET"]),
    Route("/console/cases/{case_id:uuid}/assessment", assess, methods=["POST"]),
    Route("/console/cases/{case_id:uuid}/submit", submit, methods=["POST"]),
    Route("/console/cases/{case_id:uuid}/follow-up-requests", ask_reporter, methods=["POST"]),
    Route("/console/cases/{case_id:uuid}/duplicates", resolve_duplicate, methods=["POST"]),
    Route("/console/cases/{case_id:uuid}/e2b", icsr, methods=["GET"]),
    Route("/console/cases/{case_id:uuid}/reads", reads, methods=["GET"]),
]
