"""The Voices Project: the gallery of published stories (community, language and kind
filters; the API's cursor), a story (its text, or its recording played through this site
with Range and its WebVTT captions, its transcript labelled as the API labels it),
a member's flag of a published story (with a reason), "my stories" with their status and
the curator's note and their withdrawal (a confirm step first), the curators' queue
(approve, request changes or reject, with a note) and the flagged published stories
(dismiss the flags or take the story down, with a note)."""

from typing import Any, get_args
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import LANGUAGES
from contracts.voices.messages import Kind
from web.edge import call, fetch, posted, relay, see_other, session_of, signed_in
from web.problems import FormErrors, form_errors
from web.render import page

CURATORS = ("voices_curator", "moderator", "admin")
KINDS = get_args(Kind)
DECISIONS = ("approve", "request_changes", "reject")
FLAG_DECISIONS = ("dismiss", "take_down")
FILTERS = ("community", "language", "kind")


def _cursor(request: Request, **params: Any) -> dict[str, Any]:
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    return params


async def gallery(request: Request) -> Response:
    chosen = {name: request.query_params.get(name, "").strip() for name in FILTERS}
    if chosen["kind"] not in KINDS:
        chosen["kind"] = ""
    if chosen["language"] not in LANGUAGES:
        chosen["language"] = ""
    params = _cursor(request, limit=20, **{k: v for k, v in chosen.items() if v})
    stories = await fetch(request, "/v1/stories", params=params)
    following = urlencode({k: v for k, v in chosen.items() if v})
    return page(request, "stories.html", stories=stories, chosen=chosen, kinds=KINDS,
                story_languages=LANGUAGES, following=following)


async def story_page(request: Request, status: int = 200,
                     errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    story_id = str(request.path_params["story_id"])
    shown = await fetch(request, f"/v1/stories/{story_id}")
    return page(request, "story.html", status, story=shown, errors=errors or FormErrors(),
                values=values or {})


async def story(request: Request) -> Response:
    return await story_page(request)


async def flag(request: Request) -> Response:
    """A member asks the curators to look at a published story, with a reason (once while
    their flag is open: a second time, the API's 409 is shown by the form)."""
    signed_in(request)
    form = await posted(request)
    story_id = str(request.path_params["story_id"])
    values = {"reason": str(form.get("reason", "")).strip()}
    reply = await call(request, "POST", f"/v1/stories/{story_id}/flags", json=values)
    if not reply.ok:
        return await story_page(request, 422 if reply.status < 500 else 502,
                                form_errors(reply.problem, {"reason"}), values)
    session_of(request).flash = "flash.story_flagged"
    return see_other(f"/stories/{story_id}")


async def media(request: Request) -> Response:
    """The recording streamed through, a Range passed on (206 and Content-Range back)."""
    return await relay(request, f"/v1/stories/{request.path_params['story_id']}/media",
                       forward=("range",))


async def captions(request: Request) -> Response:
    return await relay(request, f"/v1/stories/{request.path_params['story_id']}/captions.vtt")


async def mine(request: Request) -> Response:
    signed_in(request)
    stories = await fetch(request, "/v1/me/stories", params=_cursor(request, limit=20))
    return page(request, "my_stories.html", stories=stories)


async def withdrawal_page(request: Request, status: int = 200,
                          errors: FormErrors | None = None) -> Response:
    """The confirm step: what withdrawal does, before it is done."""
    signed_in(request)
    story_id = str(request.path_params["story_id"])
    shown = await fetch(request, f"/v1/stories/{story_id}")
    return page(request, "story_withdraw.html", status, story=shown,
                errors=errors or FormErrors())


async def confirm_withdrawal(request: Request) -> Response:
    return await withdrawal_page(request)


async def withdraw(request: Request) -> Response:
    """The storyteller's withdrawal, confirmed: off the gallery, the feed and search at
    once, its recording deleted."""
    signed_in(request)
    await posted(request)
    story_id = str(request.path_params["story_id"])
    reply = await call(request, "POST", f"/v1/stories/{story_id}/withdraw")
    if not reply.ok:
        return await withdrawal_page(request, 422 if reply.status < 500 else 502,
                                     form_errors(reply.problem, set()))
    session_of(request).flash = "flash.story_withdrawn"
    return see_other("/my/stories")


async def queue_page(request: Request, status: int = 200, failed: str = "",
                     errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    signed_in(request, *CURATORS)
    queue = await fetch(request, "/v1/curation/queue", params={"limit": 50})
    return page(request, "console/stories.html", status, queue=queue, decisions=DECISIONS,
                failed=failed, errors=errors or FormErrors(), values=values or {})


async def queue(request: Request) -> Response:
    return await queue_page(request)


async def decide(request: Request) -> Response:
    return await _curated(request, "decision", queue_page, "flash.story_", "/console/stories")


async def _curated(request: Request, action: str, again: Any, flash: str,
                   back: str) -> Response:
    """A curator's decision and note on a story (`action` under its API path): the page
    `again` with the API's refusal beside the story's form, or `back` with a flash."""
    signed_in(request, *CURATORS)
    form = await posted(request)
    story_id = str(request.path_params["story_id"])
    values = {name: str(form.get(name, "")) for name in ("decision", "note")}
    reply = await call(request, "POST", f"/v1/curation/stories/{story_id}/{action}",
                       json=values)
    if not reply.ok:
        return await again(request, 422 if reply.status < 500 else 502, story_id,
                           form_errors(reply.problem, {"decision", "note"}), values)
    session_of(request).flash = f"{flash}{values['decision']}"
    return see_other(back)


async def flagged_page(request: Request, status: int = 200, failed: str = "",
                       errors: FormErrors | None = None,
                       values: dict[str, str] | None = None) -> Response:
    signed_in(request, *CURATORS)
    queue = await fetch(request, "/v1/curation/queue", params={"limit": 50})
    flagged = sorted(queue.get("flagged") or (), key=lambda f: -float(f["waiting_hours"]))
    return page(request, "console/flagged_stories.html", status, flagged=flagged,
                decisions=FLAG_DECISIONS, failed=failed, errors=errors or FormErrors(),
                values=values or {})


async def flagged(request: Request) -> Response:
    return await flagged_page(request)


async def decide_flags(request: Request) -> Response:
    """Dismiss a story's open flags, or take it down (unpublished, back to its storyteller
    with the note); the API's refusal beside the story's form."""
    return await _curated(request, "flags/decision", flagged_page, "flash.story_flags_",
                          "/console/stories/flagged")


ROUTES = [
    Route("/stories", gallery, methods=["GET"]),
    Route("/stories/{story_id:uuid}", story, methods=["GET"]),
    Route("/stories/{story_id:uuid}/media", media, methods=["GET"]),
    Route("/stories/{story_id:uuid}/captions.vtt", captions, methods=["GET"]),
    Route("/stories/{story_id:uuid}/flag", flag, methods=["POST"]),
    Route("/my/stories", mine, methods=["GET"]),
    Route("/my/stories/{story_id:uuid}/withdraw", confirm_withdrawal, methods=["GET"]),
    Route("/my/stories/{story_id:uuid}/withdraw", withdraw, methods=["POST"]),
    Route("/console/stories", queue, methods=["GET"]),
    Route("/console/stories/{story_id:uuid}/decision", decide, methods=["POST"]),
    Route("/console/stories/flagged", flagged, methods=["GET"]),
    Route("/console/stories/{story_id:uuid}/flags/decision", decide_flags, methods=["POST"]),
]
