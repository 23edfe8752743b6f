"""The console's side of ratings: a suggested provider approved or rejected by an admin,
the moderators' queue of held and flagged ratings (release or hide), and the admin's
designation of a hospital's, clinic's or scheme's representative."""

import asyncio
import contextlib
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices
from web.i18n import translator
from web.problems import FormErrors, Problem, form_errors
from web.render import page

MODERATORS = ("moderator", "admin")
DECISION = Form((Fieldset("providers_console.decide", (
    choices("decision", "providers_console.decision", ("approve", "reject"),
            "providers_console.decision", blank=True),  # chosen every time
    Field("reason", "providers_console.reason", "textarea", required=True))),))
REPRESENTATIVE = Form((Fieldset("representatives.legend", (
    Field("provider_id", "representatives.provider", required=True,
          hint="representatives.provider_hint"),
    Field("user_id", "representatives.user", required=True,
          hint="representatives.user_hint"))),))
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


def _reference(value: object) -> str | None:
    """A reference typed in the form, as the id it is (only an id reaches the API's path)."""
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        return None


async def representatives_page(request: Request, status: int = 200,
                               errors: FormErrors | None = None,
                               values: dict[str, str] | None = None) -> Response:
    """The designation form; after one, the provider and the member it was made for (the
    API lists no representatives: this is what it answered)."""
    signed_in(request, "admin")
    asked = request.query_params
    provider, member = _reference(asked.get("provider", "")), _reference(asked.get("user", ""))
    done = None
    if provider and member and not errors:
        reply = await call(request, "GET", f"/v1/providers/{provider}")
        done = {"provider": reply.body if reply.ok else None, "provider_id": provider,
                "user_id": member}
    return page(request, "console/representatives.html", status, form=REPRESENTATIVE,
                errors=errors or FormErrors(),
                values=values or ({"provider_id": provider} if provider and not done else {}),
                done=done)


async def representatives(request: Request) -> Response:
    return await representatives_page(request)


async def designate(request: Request) -> Response:
    """PUT the representative: the provider and the member by their ids (one that is not
    an id is named beside its field, and nothing is sent)."""
    signed_in(request, "admin")
    form_data = await posted(request)
    values = REPRESENTATIVE.values(form_data)
    ids = {name: _reference(form_data.get(name, "")) for name in ("provider_id", "user_id")}
    if not all(ids.values()):
        word = translator(request.state.language)("representatives.not_an_id")
        return await representatives_page(request, 422, FormErrors(fields={
            name: word for name, value in ids.items() if value is None}), values)
    reply = await call(request, "PUT",
                       f"/v1/admin/providers/{ids['provider_id']}/representatives/"
                       f"{ids['user_id']}")
    if not reply.ok:
        return await representatives_page(
            request, reply.status if reply.status < 500 else 502,
            form_errors(_unprefixed(reply.problem), REPRESENTATIVE.names), values)
    session_of(request).flash = "flash.representative_designated"
    return see_other(f"/console/representatives?provider={ids['provider_id']}"
                     f"&user={ids['user_id']}")


def _unprefixed(problem: Problem) -> Problem:
    """The gateway names a path parameter `path.<name>`; the form names it `<name>`."""
    return Problem(problem.status, problem.title, problem.detail, tuple(
        (field.removeprefix("path."), message) for field, message in problem.errors))


ROUTES = [
    Route("/console/providers", pending, methods=["GET"]),
    Route("/console/providers/{provider_id:uuid}/decision", decide, methods=["POST"]),
    Route("/console/ratings", held, methods=["GET"]),
    Route("/console/ratings/{rating_id:uuid}/decision", moderate, methods=["POST"]),
    Route("/console/representatives", representatives, methods=["GET"]),
    Route("/console/representatives", designate, methods=["POST"]),
]
