"""The feed and the communities: read, follow, and write a post (what the API says of it,
a hold or the helpline, shown to its author at once)."""

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.feed.messages import COMMON, MAX_VOICE_NOTE_BYTES
from contracts.identity.messages import LANGUAGES
from web.edge import ApiFailure, call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.i18n import translator
from web.problems import FormErrors, form_errors, summary
from web.render import page
from web.told import told

VOICE_FIELD = "voice_note"  # the file chosen on the form
VOICE_NOTE_ID = "voice_note_id"  # the API's id of it, once uploaded
# A post's form with the largest voice note the API takes and room for the words: a
# bigger one is refused before it is read (the API would refuse it after the upload).
MAX_POST_BYTES = 2 * MAX_VOICE_NOTE_BYTES


def post_form(language: str) -> Form:
    return Form((Fieldset("post.legend", (
        choices("kind", "post.kind", ("discussion", "question", "policy_input"), "post_kind"),
        Field("title", "post.title"),
        Field("body", "post.body", "textarea", required=True),
        choices("language", "post.language", LANGUAGES, "language", default=language))),),
        hidden=("community", VOICE_NOTE_ID))


async def community_page(request: Request, slug: str, status: int = 200,
                         errors: FormErrors | None = None,
                         values: dict[str, str] | None = None) -> Response:
    params: dict[str, str | int] = {"community": slug, "limit": 20}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    feed = await fetch(request, "/v1/feed", params=params)
    communities = (await fetch(request, "/v1/communities"))["items"]
    community = next((c for c in communities if c["slug"] == slug), None)
    form = post_form(request.state.language)
    return page(request, "feed.html", status, feed=feed, slug=slug, community=community,
                form=form, errors=errors or FormErrors(), following=await _follows(request),
                values=values or {**form.defaults(), "community": slug})


async def _follows(request: Request) -> frozenset[str]:
    """The communities the signed-in user follows (none for a visitor)."""
    if not session_of(request).signed_in:
        return frozenset()
    return frozenset((await fetch(request, "/v1/me/follows"))["items"])


async def my_feed(request: Request, status: int = 200, errors: FormErrors | None = None,
                  values: dict[str, str] | None = None) -> Response:
    """The common feed and the communities the user follows."""
    signed_in(request)
    params: dict[str, str | int] = {"limit": 20}
    if cursor := request.query_params.get("cursor"):
        params["cursor"] = cursor
    feed = await fetch(request, "/v1/me/feed", params=params)
    form = post_form(request.state.language)
    return page(request, "my_feed.html", status, feed=feed, form=form,
                following=sorted(await _follows(request)), errors=errors or FormErrors(),
                values=values or {**form.defaults(), "community": COMMON})


async def follow(request: Request) -> Response:
    """Follow (or, `follow=false`, unfollow) a community, back to the page it was asked on."""
    signed_in(request)
    form = await posted(request)
    slug = request.path_params["slug"]
    method = "POST" if form.get("follow") == "true" else "DELETE"
    reply = await call(request, method, f"/v1/communities/{slug}/follow")
    if not reply.ok:
        raise ApiFailure(reply)
    session_of(request).flash = "flash.followed" if method == "POST" else "flash.unfollowed"
    back = str(form.get("next", ""))
    return see_other(back if back.startswith("/") and not back.startswith("//")
                     else f"/c/{slug}")


async def home(request: Request) -> Response:
    return await community_page(request, COMMON)


async def community(request: Request) -> Response:
    return await community_page(request, request.path_params["slug"])


async def communities(request: Request) -> Response:
    listed = await fetch(request, "/v1/communities")
    return page(request, "communities.html", communities=listed["items"],
                following=await _follows(request))


async def upload_voice_note(request: Request, form_data: FormData,
                            ) -> tuple[str, FormErrors | None]:
    """The voice note chosen on the form, sent on to the API as it was given (the API
    judges its type, length and size): its id, or what the API said, beside the field.
    None chosen: the id of one uploaded by an earlier try of the same form, if any."""
    chosen = form_data.get(VOICE_FIELD)
    if not isinstance(chosen, UploadFile) or not chosen.filename or not chosen.size:
        return str(form_data.get(VOICE_NOTE_ID, "")), None
    key = once(form_data).get("Idempotency-Key")
    reply = await call(request, "POST", "/v1/media/voice-notes", files={"file": (
        chosen.filename, chosen.file, chosen.content_type or "application/octet-stream")},
        headers={"Idempotency-Key": f"{key}-voice"} if key else {})
    if reply.ok:
        return str(reply.body["voice_note_id"]), None
    problem = reply.problem
    said = [message for _, message in problem.errors if message] or [
        summary(problem) if problem.title or problem.detail
        else translator(request.state.language)("voice.refused")]
    return "", FormErrors(fields={VOICE_FIELD: " ".join(said)})


async def write_post(request: Request) -> Response:
    signed_in(request)
    if int(request.headers.get("content-length") or 0) > MAX_POST_BYTES:  # never read in
        return page(request, "error.html", 413, heading="error.too_large", detail=None)
    form_data = await posted(request)
    form = post_form(request.state.language)
    slug = str(form_data.get("community") or COMMON)
    voice_note_id, errors = await upload_voice_note(request, form_data)
    status = 422
    if errors is None:
        body = {**form.body(form_data), **({VOICE_NOTE_ID: voice_note_id}
                                           if voice_note_id else {})}
        reply = await call(request, "POST", "/v1/posts", json=body, headers=once(form_data))
        if reply.ok:
            told(request, reply.body)
            session_of(request).flash = ("flash.held" if reply.body.get("status") == "held"
                                         else "flash.posted")
            return see_other(f"/posts/{reply.body['post_id']}")
        status = 422 if reply.status < 500 else 502
        errors = form_errors(reply.problem, {*form.names, VOICE_FIELD})
    values = {**form.values(form_data), VOICE_NOTE_ID: voice_note_id}
    if form_data.get("from") == "my-feed":
        return await my_feed(request, status, errors, values)
    return await community_page(request, slug, status, errors, values)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/communities", communities, methods=["GET"]),
    Route("/c/{slug:str}", community, methods=["GET"]),
    Route("/c/{slug:str}/follow", follow, methods=["POST"]),
    Route("/my/feed", my_feed, methods=["GET"]),
    Route("/posts", write_post, methods=["POST"]),
]
