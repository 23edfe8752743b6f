"""Curated resources (videos, written guides) and upcoming events (workshops, webinars,
meetings, the annual conference, health days): found by everyone, listed by admins in the
console."""

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import LANGUAGES
from web.edge import ApiFailure, call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.problems import FormErrors, form_errors
from web.render import page
from web.times import instant, today

RESOURCE_KINDS = ("video", "written")
EVENT_KINDS = ("workshop", "webinar", "regional_meeting", "annual_conference", "health_day")
COMMUNITIES = "communities"  # checkboxes, posted as many values of one name


def resource_form(language: str) -> Form:
    return Form((Fieldset("resources.add", (
        Field("title", "resources.title", required=True),
        choices("kind", "resources.kind", RESOURCE_KINDS, "resource_kind"),
        Field("organisation", "resources.organisation", required=True),
        Field("link", "resources.link", "url", required=True, hint="resources.link_hint"),
        choices("language", "resources.language", LANGUAGES, "language", default=language),
        Field("summary", "resources.summary", "textarea"))),))


def event_form(language: str) -> Form:
    return Form((Fieldset("events.schedule", (
        Field("title", "events.title", required=True),
        choices("kind", "events.kind", EVENT_KINDS, "event_kind"),
        Field("starts_at", "events.starts_at", "datetime-local", required=True,
              hint="events.time_hint"),
        Field("ends_at", "events.ends_at", "datetime-local"),
        Field("place", "events.place", hint="events.place_hint"),
        Field("online_link", "events.online_link", "url"),
        choices("language", "events.language", LANGUAGES, "language", default=language),
        Field("summary", "events.summary", "textarea"))),))


def _one_of(value: str | None, allowed: Any) -> str:
    return value if value and value in allowed else ""


async def _communities(request: Request) -> list[dict[str, Any]]:
    return list((await fetch(request, "/v1/communities"))["items"])


async def resources(request: Request) -> Response:
    """The API filters by community, language and words; the kind is chosen here."""
    listed_communities = await _communities(request)
    asked = request.query_params
    chosen = {"community": _one_of(asked.get("community"),
                                   {c["slug"] for c in listed_communities}),
              "language": _one_of(asked.get("language"), LANGUAGES),
              "kind": _one_of(asked.get("kind"), RESOURCE_KINDS),
              "q": asked.get("q", "").strip()[:100]}
    params = {k: v for k, v in chosen.items() if v and k != "kind"}
    items = (await fetch(request, "/v1/resources", params=params))["items"]
    if chosen["kind"]:
        items = [i for i in items if i["kind"] == chosen["kind"]]
    return page(request, "resources.html", resources=items, chosen=chosen,
                communities=listed_communities, languages_listed=LANGUAGES,
                kinds=RESOURCE_KINDS)


async def events(request: Request) -> Response:
    listed_communities = await _communities(request)
    asked = request.query_params
    chosen = {"from": asked.get("from", "").strip()[:10],
              "community": _one_of(asked.get("community"),
                                   {c["slug"] for c in listed_communities})}
    params = {"from": instant(chosen["from"] or today()),
              **({"community": chosen["community"]} if chosen["community"] else {})}
    reply = await call(request, "GET", "/v1/events", params=params)
    errors = FormErrors()
    if reply.ok:
        items = reply.body["items"]
    elif reply.status in (400, 422):  # a date the API does not read: said beside it
        items, errors = [], form_errors(reply.problem, {"from"})
    else:
        raise ApiFailure(reply)
    return page(request, "events.html", 200 if reply.ok else 422, events=items,
                chosen=chosen, communities=listed_communities, errors=errors)


def _listing_body(form: Form, form_data: FormData, times: tuple[str, ...] = ()) -> dict[str, Any]:
    body = form.body(form_data)
    for name in times:
        if name in body:
            body[name] = instant(str(body[name]))
    body[COMMUNITIES] = [str(c) for c in form_data.getlist(COMMUNITIES)][:27]
    return body


def _values(form: Form, form_data: FormData) -> dict[str, Any]:
    return {**form.values(form_data),
            COMMUNITIES: [str(c) for c in form_data.getlist(COMMUNITIES)]}


async def console_resources(request: Request, status: int = 200,
                            errors: FormErrors | None = None,
                            values: dict[str, Any] | None = None) -> Response:
    signed_in(request, "admin")
    form = resource_form(request.state.language)
    items = (await fetch(request, "/v1/resources"))["items"]
    return page(request, "console/resources.html", status, resources=items, form=form,
                communities=await _communities(request), errors=errors or FormErrors(),
                values=values or {**form.defaults(), COMMUNITIES: []})


async def manage_resources(request: Request) -> Response:
    return await console_resources(request)


async def add_resource(request: Request) -> Response:
    signed_in(request, "admin")
    form_data = await posted(request)
    form = resource_form(request.state.language)
    reply = await call(request, "POST", "/v1/resources", json=_listing_body(form, form_data),
                       headers=once(form_data))
    if not reply.ok:
        return await console_resources(request, 422 if reply.status < 500 else 502,
                                       form_errors(reply.problem, {*form.names, COMMUNITIES}),
                                       _values(form, form_data))
    session_of(request).flash = "flash.resource_added"
    return see_other("/console/resources")


async def retire_resource(request: Request) -> Response:
    signed_in(request, "admin")
    await posted(request)
    reply = await call(request, "DELETE", f"/v1/resources/{request.path_params['item_id']}")
    if not reply.ok:
        raise ApiFailure(reply)
    session_of(request).flash = "flash.resource_retired"
    return see_other("/console/resources")


async def console_events(request: Request, status: int = 200,
                         errors: FormErrors | None = None,
                         values: dict[str, Any] | None = None) -> Response:
    signed_in(request, "admin")
    form = event_form(request.state.language)
    items = (await fetch(request, "/v1/events", params={"from": instant(today())}))["items"]
    return page(request, "console/events.html", status, events=items, form=form,
                communities=await _communities(request), errors=errors or FormErrors(),
                values=values or {**form.defaults(), COMMUNITIES: []})


async def manage_events(request: Request) -> Response:
    return await console_events(request)


async def schedule_event(request: Request) -> Response:
    signed_in(request, "admin")
    form_data = await posted(request)
    form = event_form(request.state.language)
    body = _listing_body(form, form_data, times=("starts_at", "ends_at"))
    reply = await call(request, "POST", "/v1/events", json=body, headers=once(form_data))
    if not reply.ok:
        return await console_events(request, 422 if reply.status < 500 else 502,
                                    form_errors(reply.problem, {*form.names, COMMUNITIES}),
                                    _values(form, form_data))
    session_of(request).flash = "flash.event_scheduled"
    return see_other("/console/events")


async def cancel_event(request: Request) -> Response:
    signed_in(request, "admin")
    await posted(request)
    reply = await call(request, "DELETE", f"/v1/events/{request.path_params['item_id']}")
    if not reply.ok:
        raise ApiFailure(reply)
    session_of(request).flash = "flash.event_cancelled"
    return see_other("/console/events")


ROUTES = [
    Route("/resources", resources, methods=["GET"]),
    Route("/events", events, methods=["GET"]),
    Route("/console/resources", manage_resources, methods=["GET"]),
    Route("/console/resources", add_resource, methods=["POST"]),
    Route("/console/resources/{item_id:uuid}/retire", retire_resource, methods=["POST"]),
    Route("/console/events", manage_events, methods=["GET"]),
    Route("/console/events", schedule_event, methods=["POST"]),
    Route("/console/events/{item_id:uuid}/cancel", cancel_event, methods=["POST"]),
]
