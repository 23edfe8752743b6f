"""The console's side of ratings: a suggested provider approved or rejected by an admin,
and the moderators' queue of held and flagged ratings (release or hide)."""

import asyncio
import contextlib
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices
from web.problems import FormErrors, form_errors
from web.render import page

MODERATORS = ("moderator", "admin")
DECISION = Form((Fieldset("providers_console.decide", (
    choices("decision", "providers_console.decision", ("approve", "reject"),
            "providers_console.decision", blank=True),  # chosen every time
    Field("reason", "providers_console.reason", "textarea", required=True))),))
MODERATION = Form((Fieldset("held.decide", (
    choices("decision", "held.decision", ("release", "hide"), "held.decision", blank=True),
    Field("note", "held.note", "textarea"))),))


async def pending_page(request: Request, status: int = 200,
                       errors: FormErrors | None = None,
                       values: dict[str, str] | None = None) -> Response:
    """The API lists no pending providers: the admin opens one by the reference the member
    was given (a suggested provider is shown to admins only)."""
    signed_in(request, "admin")
    asked = (request.path_params.get("provider_id") or request.query_params.get("id", ""))
    asked = str(asked).strip()[:36]
    provider, missing = None, False
    if asked:
        try:  # only an id reaches the API's path
            reply = await call(request, "GET", f"/v1/providers/{uuid.UUID(asked)}")
        except ValueError:
            missing = True
        else:
            provider, missing = (reply.body, False) if reply.ok else (None, True)
    return page(request, "console/providers.html", status if not missing else 404,
                asked=asked, provider=provider, missing=missing, form=DECISION,
                errors=errors or FormErrors(), values=values or {})


async def pending(request: Request) -> Response:
    return await pending_page(request)


async def decide(request: Request) -> Response:
    signed_in(request, "admin")
    form_data = await posted(request)
    provider_id = str(request.path_params["provider_id"])
    reply = await call(request, "POST", f"/v1/admin/providers/{provider_id}/decision",
                       json=DECISION.body(form_data))
    if not reply.ok:
        return await pending_page(request, reply.status if reply.status < 500 else 502,
                                  form_errors(reply.problem, DECISION.names),
                                  DECISION.values(form_data))
    session_of(request).flash = f"flash.provider_{reply.body['status']}"
    return see_other(f"/console/providers?id={provider_id}")


async def held_page(request: Request, status: int = 200, failed: str = "",
                    errors: FormErrors | None = None,
                    values: dict[str, str] | None = None) -> Response:
    signed_in(request, *MODERATORS)
    params: dict[str, Any] = {"limit": 50}
    only = request.query_params.get("provider_id", "")
    with contextlib.suppress(ValueError):
        params["provider_id"] = str(uuid.UUID(only))
    queue = await fetch(request, "/v1/moderation/ratings", params=params)
    return page(request, "console/held_ratings.html", status, queue=queue, form=MODERATION,
                failed=failed, errors=errors or FormErrors(), values=values or {},
                names=await _names(request, {str(i["provider_id"]) for i in queue["items"]}),
                only=params.get("provider_id", ""))


async def _names(request: Request, provider_ids: set[str]) -> dict[str, str]:
    """Each held rating's provider by its name (the queue gives its id only); one the API
    does not show is left to its link."""
    replies = await asyncio.gather(*(call(request, "GET", f"/v1/providers/{provider_id}")
                                     for provider_id in sorted(provider_ids)))
    return {str(r.body["provider_id"]): str(r.body["name"]) for r in replies
            if r.ok and isinstance(r.body, dict)}


async def held(request: Request) -> Response:
    return await held_page(request)


async def moderate(request: Request) -> Response:
    signed_in(request, *MODERATORS)
    form_data = await posted(request)
    rating_id = str(request.path_params["rating_id"])
    reply = await call(request, "POST", f"/v1/moderation/ratings/{rating_id}/decision",
                       json=MODERATION.body(form_data))
    if not reply.ok:
        return await held_page(request, reply.status if reply.status < 500 else 502,
                               rating_id, form_errors(reply.problem, MODERATION.names),
                               MODERATION.values(form_data))
    session_of(request).flash = f"flash.rating_{reply.body['status']}"
    return see_other("/console/ratings")


ROUTES = [
    Route("/console/providers", pending, methods=["GET"]),
    Route("/console/providers/{provider_id:uuid}/decision", decide, methods=["POST"]),
    Route("/console/ratings", held, methods=["GET"]),
    Route("/console/ratings/{rating_id:uuid}/decision", moderate, methods=["POST"]),
]
