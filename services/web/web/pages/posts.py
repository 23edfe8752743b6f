"""A post: its comments and replies, reactions, and a member's flag for the moderators."""

from typing import get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.feed.messages import FlagReason, ReactionKind
from contracts.identity.messages import LANGUAGES
from web.edge import (
    ApiFailure,
    call,
    fetch,
    posted,
    relay,
    see_other,
    session_of,
    signed_in,
)
from web.forms import Field, Fieldset, Form, choices, once
from web.pages.community import MAX_POST_BYTES, VOICE_FIELD, VOICE_NOTE_ID, upload_voice_note
from web.problems import FormErrors, form_errors
from web.render import page
from web.told import told

REACTIONS: tuple[str, ...] = get_args(ReactionKind)
FLAG_REASONS: tuple[str, ...] = get_args(FlagReason)
COMMENT_FLAG = Form((Fieldset("flag.legend", (
    choices("reason", "flag.reason", FLAG_REASONS, "flag_reason", blank=True),)),))
FLAG = Form((Fieldset("flag.legend", (
    choices("reason", "flag.reason", get_args(FlagReason), "flag_reason", blank=True),
    Field("note", "flag.note", "textarea"))),))


def comment_form(language: str) -> Form:
    """A comment on the post; a reply to one of its comments is the same body with its
    `parent_id` (its form, under each comment, is written in the template: ids unique)."""
    return Form((Fieldset("comment.legend", (
        Field("body", "comment.body", "textarea", required=True),
        choices("language", "comment.language", LANGUAGES, "language", default=language))),),
        hidden=("parent_id", VOICE_NOTE_ID))


async def post_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                    values: dict[str, str] | None = None, failed: str = "") -> Response:
    """The post; `failed` names the form (comment, a reply's parent, flag) the errors are of."""
    item = await fetch(request, f"/v1/posts/{request.path_params['post_id']}")
    language = request.state.language
    return page(request, "post.html", status, post=item, reactions=REACTIONS,
                flag_reasons=FLAG_REASONS,
                comment=comment_form(language),
                flag=FLAG, failed=failed, errors=errors or FormErrors(), no_errors=FormErrors(),
                values=values or comment_form(language).defaults())


async def post(request: Request) -> Response:
    return await post_page(request)


async def add_comment(request: Request) -> Response:
    """A comment, or a reply; the comment form may carry a voice note, uploaded first as a
    post's is (community.upload_voice_note) and kept for the next try if the comment is
    refused."""
    signed_in(request)
    if int(request.headers.get("content-length") or 0) > MAX_POST_BYTES:  # never read in
        return page(request, "error.html", 413, heading="error.too_large", detail=None)
    form_data = await posted(request)
    parent = str(form_data.get("parent_id", ""))
    form = comment_form(request.state.language)
    post_id = request.path_params["post_id"]
    voice_note_id, errors = await upload_voice_note(request, form_data)
    values = {**form.values(form_data), VOICE_NOTE_ID: voice_note_id}
    if errors is not None:
        return await post_page(request, 422, errors, values, parent or "comment")
    body = {"language": request.state.language, **form.body(form_data),
            **({VOICE_NOTE_ID: voice_note_id} if voice_note_id else {})}
    reply = await call(request, "POST", f"/v1/posts/{post_id}/comments", json=body,
                       headers=once(form_data))
    if not reply.ok:
        return await post_page(request, 422 if reply.status < 500 else 502,
                               form_errors(reply.problem, {*form.names, VOICE_FIELD}), values,
                               parent or "comment")
    told(request, reply.body)
    session_of(request).flash = "flash.commented"
    return see_other(f"/posts/{post_id}#comments")


async def react(request: Request) -> Response:
    """Add a reaction, or (`on=false`) take it back."""
    signed_in(request)
    form_data = await posted(request)
    post_id, kind = request.path_params["post_id"], request.path_params["kind"]
    method = "DELETE" if form_data.get("on") == "false" else "PUT"
    reply = await call(request, method, f"/v1/posts/{post_id}/reactions/{kind}")
    if not reply.ok:
        raise ApiFailure(reply)
    return see_other(f"/posts/{post_id}#reactions")


async def flag(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    post_id = str(request.path_params["post_id"])
    body = {"target_type": "post", "target_id": post_id, **FLAG.body(form_data)}
    reply = await call(request, "POST", "/v1/flags", json=body)
    if not reply.ok:
        return await post_page(request, 422 if reply.status < 500 else 502,
                               form_errors(reply.problem, FLAG.names), FLAG.values(form_data),
                               "flag")
    session_of(request).flash = "flash.flagged"
    return see_other(f"/posts/{post_id}")


async def flag_comment(request: Request) -> Response:
    """A member asks the moderators to look at a comment (once each: a second time, the
    API's 409 is shown on that comment's form)."""
    signed_in(request)
    form_data = await posted(request)
    post_id, comment_id = request.path_params["post_id"], request.path_params["comment_id"]
    reply = await call(request, "POST", f"/v1/comments/{comment_id}/flags",
                       json=COMMENT_FLAG.body(form_data))
    if not reply.ok:
        return await post_page(request, 422 if reply.status < 500 else 502,
                               form_errors(reply.problem, COMMENT_FLAG.names),
                               COMMENT_FLAG.values(form_data), f"flag-{comment_id}")
    session_of(request).flash = "flash.comment_flagged"
    return see_other(f"/posts/{post_id}#comments")


async def voice_note(request: Request) -> Response:
    """A voice note's bytes from the API as they come, a Range passed on (206 and its
    Content-Range back), for the page's audio player."""
    return await relay(request, f"/v1/media/voice-notes/{request.path_params['voice_note_id']}",
                       forward=("range", "if-range"))


ROUTES = [
    Route("/voice-notes/{voice_note_id:uuid}", voice_note, methods=["GET"]),
    Route("/posts/{post_id:uuid}", post, methods=["GET"]),
    Route("/posts/{post_id:uuid}/comments", add_comment, methods=["POST"]),
    Route("/posts/{post_id:uuid}/reactions/{kind:str}", react, methods=["POST"]),
    Route("/posts/{post_id:uuid}/flag", flag, methods=["POST"]),
    Route("/posts/{post_id:uuid}/comments/{comment_id:uuid}/flag", flag_comment,
          methods=["POST"]),
]
