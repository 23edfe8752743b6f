"""A patient's side-effect reports: the form, the list, a report's timeline and its
follow-up questions."""

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.adr_form import report_body, report_form, shown
from web.api import Reply
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Form, flatten, once
from web.problems import FormErrors, form_errors
from web.render import page


def _form(request: Request, posted: Mapping[str, Any],
          report: Mapping[str, Any] | None = None) -> Form:
    """The form as the user sees it now: as many blocks as it showed (or the report
    holds), one more when they asked for it."""
    held = report or {}
    return report_form(request.state.language,
                       shown(posted, "reactions", len(held.get("reactions", []))),
                       shown(posted, "medicines", len(held.get("medicines", []))))


def _show(request: Request, form: Form, values: Mapping[str, Any], report_id: str | None,
          status: int = 200, errors: FormErrors | None = None,
          prefilled: bool = False) -> Response:
    counts = {kind: sum(1 for s in form.fieldsets if s.fields[0].name.startswith(kind + "."))
              for kind in ("reactions", "medicines")}
    return page(request, "report_form.html", status, form=form, report_id=report_id,
                values=values, errors=errors or FormErrors(), shown=counts,
                prefilled=prefilled)


async def report_new(request: Request) -> Response:
    """The empty form, or (`?offer=`) the draft the API offered the author of a post, a
    comment or a question, prefilled from their words: they complete it and send it."""
    signed_in(request)
    offered = session_of(request).offers.get(request.query_params.get("offer", ""))
    form = _form(request, {}, offered)
    return _show(request, form, {**form.defaults(), **flatten(offered or {})}, None,
                 prefilled=offered is not None)


async def report_send(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    form = _form(request, form_data)
    if form_data.get("more"):
        return _show(request, form, {**form.defaults(), **form.values(form_data)}, None)
    reply = await call(request, "POST", "/v1/adr-reports", json=report_body(form, form_data),
                       headers=once(form_data))
    return _sent(request, reply, form, form_data, None)


def _sent(request: Request, reply: Reply, form: Form, form_data: Mapping[str, Any],
          report_id: str | None) -> Response:
    """The report's page once the API took it, else the form again with its reasons."""
    if not reply.ok:
        return _show(request, form, form.values(form_data), report_id,
                     422 if reply.status < 500 else 502, form_errors(reply.problem, form.names))
    session_of(request).flash = ("flash.report_draft" if reply.body["status"] == "draft"
                                 else "flash.report_received")
    return see_other(f"/my/reports/{reply.body['report_id']}")


async def draft_edit(request: Request) -> Response:
    """A draft in the form again, to complete."""
    signed_in(request)
    report_id = request.path_params["report_id"]
    report = await fetch(request, f"/v1/adr-reports/{report_id}")
    form = _form(request, {}, report)
    return _show(request, form, {**form.defaults(), **flatten(report)}, str(report_id))


async def draft_send(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    report_id = str(request.path_params["report_id"])
    form = _form(request, form_data)
    if form_data.get("more"):
        return _show(request, form, {**form.defaults(), **form.values(form_data)}, report_id)
    reply = await call(request, "PUT", f"/v1/adr-reports/{report_id}",
                       json=report_body(form, form_data))
    return _sent(request, reply, form, form_data, report_id)


async def my_reports(request: Request) -> Response:
    signed_in(request)
    params: dict[str, str | int] = {"limit": 20}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    reports = await fetch(request, "/v1/me/adr-reports", params=params)
    return page(request, "my_reports.html", reports=reports)


async def my_report(request: Request) -> Response:
    signed_in(request)
    report = await fetch(request, f"/v1/adr-reports/{request.path_params['report_id']}")
    return page(request, "my_report.html", report=report)


async def answer_follow_up(request: Request) -> Response:
    signed_in(request)
    form = await posted(request)
    report_id = request.path_params["report_id"]
    answers = [str(v).strip() for k, v in form.multi_items() if k == "answers" and str(v).strip()]
    reply = await call(request, "POST", f"/v1/adr-reports/{report_id}/follow-up",
                       json={"answers": answers})
    if not reply.ok:
        report = await fetch(request, f"/v1/adr-reports/{report_id}")
        return page(request, "my_report.html", 422, report=report,
                    errors=form_errors(reply.problem, ()))
    session_of(request).flash = "flash.answered"
    return see_other(f"/my/reports/{report_id}")


ROUTES = [
    Route("/report", report_new, methods=["GET"]),
    Route("/report", report_send, methods=["POST"]),
    Route("/my/reports", my_reports, methods=["GET"]),
    Route("/my/reports/{report_id:uuid}", my_report, methods=["GET"]),
    Route("/my/reports/{report_id:uuid}/edit", draft_edit, methods=["GET"]),
    Route("/my/reports/{report_id:uuid}/edit", draft_send, methods=["POST"]),
    Route("/my/reports/{report_id:uuid}/follow-up", answer_follow_up, methods=["POST"]),
]
