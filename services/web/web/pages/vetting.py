"""The admin's console: the vetting queue of professionals' applications, and a user's
staff roles."""

from typing import Any, get_args
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import StaffRole
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices
from web.problems import FormErrors, form_errors
from web.render import page

APPLICATION_STATUSES = ("pending", "information_requested", "approved", "rejected")
DECISION = Form((Fieldset("vetting.decide", (
    choices("decision", "vetting.decision", ("approve", "reject", "request_info"), "decision",
            blank=True),  # chosen every time, never approved by default
    Field("reason", "vetting.reason", "textarea", required=True,
          hint="vetting.reason_hint"))),))


async def queue_page(request: Request, status: int = 200, failed: str = "",
                     errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    signed_in(request, "admin")
    chosen = request.query_params.get("status", "pending")
    params: dict[str, Any] = {"limit": 50}
    if chosen in APPLICATION_STATUSES:
        params["status"] = chosen
    applications = await fetch(request, "/v1/admin/professional-applications", params=params)
    return page(request, "console/applications.html", status, applications=applications,
                chosen=chosen, statuses=APPLICATION_STATUSES, form=DECISION, failed=failed,
                errors=errors or FormErrors(), values=values or {})


async def applications(request: Request) -> Response:
    return await queue_page(request)


async def decide(request: Request) -> Response:
    signed_in(request, "admin")
    form = await posted(request)
    application_id = request.path_params["application_id"]
    reply = await call(request, "POST",
                       f"/v1/admin/professional-applications/{application_id}/decision",
                       json=DECISION.body(form))
    if not reply.ok:
        return await queue_page(request, 422 if reply.status < 500 else 502,
                                str(application_id), form_errors(reply.problem, DECISION.names),
                                DECISION.values(form))
    session_of(request).flash = f"flash.decided.{form.get('decision')}"
    return see_other("/console/applications")


async def find_user(request: Request) -> Response:
    signed_in(request, "admin")
    try:
        user_id = UUID(request.query_params.get("user_id", ""))
    except ValueError:
        return page(request, "console/find_user.html", 200 if "user_id" not in
                    request.query_params else 422)
    return see_other(f"/console/users/{user_id}")


async def user_page(request: Request, status: int = 200,
                    errors: FormErrors | None = None) -> Response:
    signed_in(request, "admin")
    user_id = request.path_params["user_id"]
    history = await fetch(request, f"/v1/admin/users/{user_id}/history")
    return page(request, "console/user.html", status, user_id=user_id, history=history,
                roles=get_args(StaffRole), errors=errors or FormErrors())


async def show_user(request: Request) -> Response:
    return await user_page(request)


async def set_roles(request: Request) -> Response:
    signed_in(request, "admin")
    form = await posted(request)
    user_id = request.path_params["user_id"]
    body = {"roles": [str(r) for r in form.getlist("roles")],
            "reason": str(form.get("reason", "")).strip() or None}
    reply = await call(request, "PUT", f"/v1/admin/users/{user_id}/roles", json=body)
    if not reply.ok:
        return await user_page(request, 422 if reply.status < 500 else 502,
                               form_errors(reply.problem, ("roles", "reason")))
    session_of(request).flash = "flash.roles_set"
    return see_other(f"/console/users/{user_id}")


ROUTES = [
    Route("/console/applications", applications, methods=["GET"]),
    Route("/console/applications/{application_id:uuid}/decision", decide, methods=["POST"]),
    Route("/console/users", find_user, methods=["GET"]),
    Route("/console/users/{user_id:uuid}", show_user, methods=["GET"]),
    Route("/console/users/{user_id:uuid}/roles", set_roles, methods=["POST"]),
]
