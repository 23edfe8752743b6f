"""Telling a story (the Voices Project): a draft started (title, summary, language,
communities, kind, a written story's text), then on the storyteller's own page its
recording uploaded (in parts when it is larger than one request carries), the consents
given in the words shown (the storyteller's, the patient's or guardian's, a third
party's), the preview seen, and the release chosen (visibility, an embargo's end, named
or anonymous, policy use)."""

from typing import Any, get_args

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.identity.messages import LANGUAGES
from contracts.voices.messages import PART_BYTES, Kind, Variant, Visibility
from web.edge import call, fetch, posted, see_other, session_of, signed_in
from web.forms import Field, Fieldset, Form, choices, once
from web.i18n import translator
from web.problems import FormErrors, form_errors, summary
from web.render import page

KINDS, VISIBILITIES, VARIANTS = get_args(Kind), get_args(Visibility), get_args(Variant)
WORDING_LANGUAGES = ("en", "hi")  # the API's consent wordings are in these
FILE_FIELD = "file"
MAX_RECORDING_BYTES = 60 * 1024 * 1024  # a form larger than this is refused unread
IST = "+05:30"
HIDDEN = "[hidden]"  # a transcript line's mark: left out of what is published


def start_form(language: str) -> Form:
    return Form((Fieldset("tell.story_legend", (
        Field("title", "tell.title", required=True),
        Field("summary", "tell.summary", "textarea", required=True, hint="tell.summary_hint"),
        choices("language", "tell.language", LANGUAGES, "language", default=language),
        Field("communities", "tell.communities", required=True, hint="tell.communities_hint"),
        choices("kind", "tell.kind", KINDS, "story.kind", default="written"),
        Field("about_someone_else", "tell.about_someone_else", "checkbox"),
        Field("text", "tell.text", "textarea", hint="tell.text_hint"))),))


TEXT = Form((Fieldset("tell.text_legend", (
    Field("text", "tell.text", "textarea", required=True),)),))
SUBJECT = Form((Fieldset("tell.subject_legend", (
    choices("given_by", "tell.given_by", ("patient", "guardian"), "tell.given_by_of"),
    Field("name", "tell.their_name", required=True))),))
THIRD_PARTY = Form((Fieldset("tell.third_party_legend", (
    Field("name", "tell.their_name", required=True),)),))
RELEASE = Form((Fieldset("tell.release_legend", (
    choices("visibility", "tell.visibility", VISIBILITIES, "story.visibility"),
    Field("until", "tell.until", "date", hint="tell.until_hint"),
    Field("anonymous", "tell.anonymous", "checkbox"),
    choices("variant", "tell.variant", VARIANTS, "tell.variant_of", hint="tell.variant_hint"),
    Field("policy_use", "tell.policy_use", "checkbox"),
    Field("names_others", "tell.names_others", "checkbox"))),))


TRANSCRIPT = Form((Fieldset("tell.transcript_legend", (
    Field("segments", "tell.transcript", "textarea", required=True,
          hint="tell.transcript_hint"),)),))


def seconds(typed: str) -> float | None:
    """"1:05" or "65" or "65.5" in seconds; None when it is neither."""
    minutes, _, rest = typed.rpartition(":")
    try:
        return (int(minutes) * 60 if minutes else 0) + float(rest)
    except ValueError:
        return None


def shown_time(value: float) -> str:
    minutes, rest = divmod(value, 60)
    return f"{int(minutes)}:{rest:04.1f}" if rest % 1 else f"{int(minutes)}:{int(rest):02d}"


def transcript_lines(segments: list[dict[str, Any]]) -> str:
    return "\n".join(f"{HIDDEN + ' ' if s.get('redacted') else ''}{shown_time(s['start'])} "
                     f"{shown_time(s['end'])} {s['text']}" for s in segments)


def segments_of(typed: str) -> tuple[list[dict[str, Any]], int | None]:
    """One segment a line, "start end text" (times as m:ss or seconds), a line starting
    with [hidden] redacted; the number of the first line that is not so, if any."""
    segments = []
    for number, line in enumerate(typed.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        redacted = line.startswith(HIDDEN)
        start, end, text = [*line.removeprefix(HIDDEN).split(None, 2), "", "", ""][:3]
        begins, ends = seconds(start), seconds(end)
        if begins is None or ends is None or not text:
            return [], number
        segments.append({"start": begins, "end": ends, "text": text, "redacted": redacted})
    return segments, None


def wording_language(language: str) -> str:
    return language if language in WORDING_LANGUAGES else "en"


async def wordings(request: Request) -> dict[str, dict[str, str]]:
    """The current wording of each purpose, in the page's language (or English)."""
    shown = await fetch(request, "/v1/voices/consent-wordings",
                        params={"language": wording_language(request.state.language)})
    return {w["purpose"]: w for w in shown["items"]}


def start_body(form: Form, form_data: FormData) -> dict[str, Any]:
    body = form.body(form_data)
    typed = str(form_data.get("communities", ""))
    body["communities"] = [c.strip() for c in typed.replace(";", ",").split(",") if c.strip()]
    if body.get("kind") != "written":
        body.pop("text", None)
    return body


def _errors(reply: Any, names: frozenset[str] | set[str]) -> FormErrors:
    errors = form_errors(reply.problem, names)
    for message in [m for m in errors.general if m.startswith("communities.")]:
        errors.general.remove(message)  # one community's message: beside the list
        errors.fields.setdefault("communities", message)
    return errors


async def start_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                     values: dict[str, str] | None = None) -> Response:
    signed_in(request)
    form = start_form(request.state.language)
    return page(request, "tell.html", status, form=form, errors=errors or FormErrors(),
                values=values or form.defaults(), consent=(await wordings(request))
                .get("take_part"))


async def start_new(request: Request) -> Response:
    return await start_page(request)


async def start(request: Request) -> Response:
    """The draft, and the storyteller's consent to take part when ticked, in the words and
    version shown."""
    signed_in(request)
    form_data = await posted(request)
    form = start_form(request.state.language)
    reply = await call(request, "POST", "/v1/stories", json=start_body(form, form_data),
                       headers=once(form_data))
    if not reply.ok:
        return await start_page(request, 422 if reply.status < 500 else 502,
                                _errors(reply, form.names), form.values(form_data))
    story_id = str(reply.body["story_id"])
    if form_data.get("take_part"):
        await call(request, "POST", f"/v1/stories/{story_id}/consents", json={
            "purpose": "take_part", "version": str(form_data.get("take_part_version", "")),
            "language": wording_language(request.state.language)})
    session_of(request).flash = "flash.story_started"
    return see_other(f"/my/stories/{story_id}")


async def workspace_page(request: Request, status: int = 200, failed: str = "",
                         errors: FormErrors | None = None,
                         values: dict[str, str] | None = None) -> Response:
    signed_in(request)
    story_id = str(request.path_params["story_id"])
    story = await fetch(request, f"/v1/stories/{story_id}")
    transcript = (story.get("transcript") or {}).get("segments") or []
    shown = values or {"text": story.get("text") or "",
                       "segments": transcript_lines(transcript)}
    return page(request, "my_story.html", status, story=story, wordings=await wordings(
        request), text_form=TEXT, transcript_form=TRANSCRIPT, subject=SUBJECT,
        third_party=THIRD_PARTY, failed=failed, errors=errors or FormErrors(), values=shown)


async def workspace(request: Request) -> Response:
    return await workspace_page(request)


async def write(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    story_id = str(request.path_params["story_id"])
    reply = await call(request, "PUT", f"/v1/stories/{story_id}/text",
                       json=TEXT.body(form_data))
    if not reply.ok:
        return await workspace_page(request, 422 if reply.status < 500 else 502, "text",
                                    form_errors(reply.problem, TEXT.names),
                                    TEXT.values(form_data))
    session_of(request).flash = "flash.story_text_saved"
    return see_other(f"/my/stories/{story_id}")


async def transcribe(request: Request) -> Response:
    """The transcript, whole, from its lines; a line that is no segment is named."""
    signed_in(request)
    form_data = await posted(request)
    story_id = str(request.path_params["story_id"])
    typed = str(form_data.get("segments", ""))
    segments, wrong = segments_of(typed)
    if wrong is not None:
        said = translator(request.state.language)("tell.transcript_line")
        return await workspace_page(request, 422, "transcript", FormErrors(fields={
            "segments": said.replace("{n}", str(wrong))}), {"segments": typed})
    reply = await call(request, "PUT", f"/v1/stories/{story_id}/transcript",
                       json={"segments": segments})
    if not reply.ok:
        problem = reply.problem
        refused = [f"{name}: {message}" for name, message in problem.errors] or [
            summary(problem)]
        return await workspace_page(request, 422 if reply.status < 500 else 502,
                                    "transcript", FormErrors(fields={
                                        "segments": " · ".join(refused)}), {"segments": typed})
    session_of(request).flash = "flash.transcript_saved"
    return see_other(f"/my/stories/{story_id}")


async def consent(request: Request) -> Response:
    """One consent of `purpose`, in the wording version the page showed."""
    signed_in(request)
    form_data = await posted(request)
    story_id = str(request.path_params["story_id"])
    purpose = str(form_data.get("purpose", ""))
    body: dict[str, Any] = {"purpose": purpose, "version": str(form_data.get("version", "")),
                            "language": wording_language(request.state.language)}
    form = {"subject_consent": SUBJECT, "third_party": THIRD_PARTY}.get(purpose)
    if form is not None:
        body.update(form.body(form_data))
        body.setdefault("given_by", "third_party")
    reply = await call(request, "POST", f"/v1/stories/{story_id}/consents", json=body)
    if not reply.ok:
        return await workspace_page(request, 422 if reply.status < 500 else 502, purpose,
                                    form_errors(reply.problem, form.names if form else set()),
                                    form.values(form_data) if form else {})
    session_of(request).flash = "flash.consent_recorded"
    return see_other(f"/my/stories/{story_id}")


async def record(request: Request) -> Response:
    """The recording sent on as it came: whole when it fits one request, else in parts of
    the API's size and then its last piece (the API judges the bytes)."""
    signed_in(request)
    story_id = str(request.path_params["story_id"])
    if int(request.headers.get("content-length") or 0) > MAX_RECORDING_BYTES:
        return page(request, "error.html", 413, heading="error.recording_too_large",
                    detail=None)
    form_data = await posted(request)
    chosen = form_data.get(FILE_FIELD)
    if not isinstance(chosen, UploadFile) or not chosen.filename or not chosen.size:
        return await workspace_page(request, 422, "media", FormErrors(fields={
            FILE_FIELD: translator(request.state.language)("tell.choose_file")}))
    # One piece held at a time: each is sent as a part once the next shows it is not
    # the last.
    piece, parts = await chosen.read(PART_BYTES), 0
    while following := await chosen.read(PART_BYTES):
        reply = await call(request, "PUT", f"/v1/stories/{story_id}/media/parts/{parts}",
                           content=piece, headers={"Content-Type": "application/octet-stream"})
        if not reply.ok:
            return await _refused_recording(request, reply)
        piece, parts = following, parts + 1
    reply = await call(request, "POST", f"/v1/stories/{story_id}/media",
                       data={"parts": str(parts)},
                       files={FILE_FIELD: (chosen.filename, piece, chosen.content_type
                                           or "application/octet-stream")})
    if not reply.ok:
        return await _refused_recording(request, reply)
    session_of(request).flash = "flash.recording_uploaded"
    return see_other(f"/my/stories/{story_id}")


async def _refused_recording(request: Request, reply: Any) -> Response:
    problem = reply.problem
    said = [message for _, message in problem.errors if message] or [summary(problem)]
    return await workspace_page(request, 422 if reply.status < 500 else 502, "media",
                                FormErrors(fields={FILE_FIELD: " ".join(said)}))


async def preview_page(request: Request, status: int = 200, errors: FormErrors | None = None,
                       values: dict[str, str] | None = None) -> Response:
    """The story as it would be published (the API records that it was seen), and the
    release form in the wording shown."""
    signed_in(request)
    story_id = str(request.path_params["story_id"])
    story = await fetch(request, f"/v1/stories/{story_id}/preview")
    return page(request, "story_preview.html", status, story=story, form=RELEASE,
                wording=(await wordings(request)).get("release"),
                errors=errors or FormErrors(), values=values or RELEASE.defaults())


async def preview(request: Request) -> Response:
    return await preview_page(request)


def release_body(form_data: FormData, language: str) -> dict[str, Any]:
    body = RELEASE.body(form_data)
    if until := body.get("until"):
        body["until"] = f"{until}T00:00:00{IST}" if len(str(until)) == 10 else until
    body.update(version=str(form_data.get("version", "")), language=wording_language(language))
    return body


async def release(request: Request) -> Response:
    signed_in(request)
    form_data = await posted(request)
    story_id = str(request.path_params["story_id"])
    reply = await call(request, "POST", f"/v1/stories/{story_id}/release",
                       json=release_body(form_data, request.state.language))
    if not reply.ok:
        return await preview_page(request, 422 if reply.status < 500 else 502,
                                  form_errors(reply.problem, RELEASE.names),
                                  RELEASE.values(form_data))
    session_of(request).flash = "flash.story_released"
    return see_other(f"/my/stories/{story_id}")


ROUTES = [
    Route("/stories/new", start_new, methods=["GET"]),
    Route("/stories/new", start, methods=["POST"]),
    Route("/my/stories/{story_id:uuid}", workspace, methods=["GET"]),
    Route("/my/stories/{story_id:uuid}/text", write, methods=["POST"]),
    Route("/my/stories/{story_id:uuid}/consents", consent, methods=["POST"]),
    Route("/my/stories/{story_id:uuid}/media", record, methods=["POST"]),
    Route("/my/stories/{story_id:uuid}/transcript", transcribe, methods=["POST"]),
    Route("/my/stories/{story_id:uuid}/preview", preview, methods=["GET"]),
    Route("/my/stories/{story_id:uuid}/release", release, methods=["POST"]),
]
