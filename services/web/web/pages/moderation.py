"""The moderators' queue: held and flagged posts, urgent ones first, and their decision."""

from typing import Any, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.feed.messages import FlagReason
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices
from web.problems import FormErrors, form_errors
from web.render import page

MODERATORS = ("moderator", "admin")
# Reasons a post is in the queue: a member's flag, or a rule that held it.
REASONS = (*get_args(FlagReason), "contact_details", "keyword")
DECISION = Form((Fieldset("moderation.decide", (
    choices("decision", "moderation.decision", ("restore", "hide", "dismiss"),
            "moderation.decision", blank=True),  # chosen every time, never by default
    Field("note", "moderation.note", "textarea", required=True))),))


async def queue_page(request: Request, status: int = 200, failed: str = "",
                     errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    signed_in(request, *MODERATORS)
    chosen = request.query_params.get("reason", "")
    params: dict[str, Any] = {"limit": 20}
    if chosen in REASONS:
        params["reason"] = chosen
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    queue = await fetch(request, "/v1/moderation/queue", params=params)
    return page(request, "console/moderation.html", status, queue=queue, reasons=REASONS,
                chosen=chosen, form=DECISION, failed=failed, errors=errors or FormErrors(),
                values=values or {})


async def moderation(request: Request) -> Response:
    return await queue_page(request)


async def decide(request: Request) -> Response:
    signed_in(request, *MODERATORS)
    form_data = await posted(request)
    item_id = str(request.path_params["item_id"])
    reply = await call(request, "POST", f"/v1/moderation/items/{item_id}/decision",
                       json=DECISION.body(form_data))
    if not reply.ok:
        return await queue_page(request, 422 if reply.status < 500 else 502, item_id,
                                form_errors(reply.problem, DECISION.names),
                                DECISION.values(form_data))
    session_of(request).flash = f"flash.moderated.{reply.body['decision']}"
    return see_other("/console/moderation")


ROUTES = [
    Route("/console/moderation", moderation, methods=["GET"]),
    Route("/console/moderation/{item_id:uuid}/decision", decide, methods=["POST"]),
]
