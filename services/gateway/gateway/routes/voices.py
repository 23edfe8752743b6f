"""Voices routes of the public API (../shared/API.md, Voices): stories told as video, audio
or text, their consents, transcript and release; the gallery; the recording played by
range requests and its WebVTT captions; the curators' queue and decisions."""

from base64 import b64encode
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from starlette.responses import Response

from contracts.identity.messages import Language
from contracts.subjects import rpc
from contracts.voices.messages import (
    MAX_CHUNK,
    PART_BYTES,
    ConsentAccepted,
    ConsentBody,
    CreateStory,
    CurationQueue,
    Decided,
    DecideFlags,
    DecideStory,
    DecisionBody,
    FlagAccepted,
    FlagBody,
    FlagsDecisionBody,
    FlagStory,
    GiveConsent,
    MediaInfo,
    MediaPart,
    MediaRange,
    MyStoriesQuery,
    PartAccepted,
    PolicyQuery,
    QueueQuery,
    Recording,
    ReleaseBody,
    Released,
    ReleaseStory,
    SetTranscript,
    StoriesPage,
    StoriesQuery,
    StoryAccepted,
    StoryRef,
    StoryView,
    TranscriptBody,
    UploadMedia,
    Withdrawn,
    Wordings,
    WordingsQuery,
    WriteBody,
    WriteStory,
)
from gateway.bus import Caller
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES, problem_response
from gateway.routes.media import ranged

router = APIRouter(prefix="/v1", responses=RESPONSES)  # type: ignore[arg-type]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=200)]
MEDIA_TYPES = ("audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav",
               "video/webm", "video/mp4")
PLAYBACK: dict[int | str, dict[str, Any]] = {
    200: {"description": "the whole recording",
          "content": {kind: {} for kind in MEDIA_TYPES}},
    206: {"description": "the bytes of the Range asked for",
          "content": {kind: {} for kind in MEDIA_TYPES}},
    416: {"description": "a Range outside the recording",
          "content": {"application/problem+json": {}}}}
TAGS: list[str | Any] = ["voices"]


def _refused(caller: Caller, message: str) -> Response:
    return problem_response(422, message, language=caller.language,
                            errors=[{"field": "file", "message": message}])


@router.get("/voices/consent-wordings", response_model=Wordings, tags=TAGS)
async def consent_wordings(caller: CallerDep, bus: BusDep,
                           language: Literal["en", "hi"] | None = None) -> Response:
    """The consent wordings to show, current version per purpose (take_part,
    subject_consent, third_party, release), in English and Hindi."""
    return await bus.forward(rpc("voices", "consent_wordings"), caller,
                             WordingsQuery(language=language))


@router.post("/stories", status_code=201, response_model=StoryAccepted, tags=TAGS)
async def create_story(body: CreateStory, caller: CallerDep, bus: BusDep) -> Response:
    """A draft story (video, audio or written), private to its storyteller until it is
    released and a curator approves it."""
    return await bus.forward(rpc("voices", "create_story"), caller, body)


@router.get("/stories", response_model=StoriesPage, tags=TAGS)
async def gallery(caller: CallerDep, bus: BusDep,
                  community: Annotated[str | None, Query(max_length=60)] = None,
                  language: Language | None = None,
                  kind: Literal["video", "audio", "written"] | None = None,
                  limit: Limit = 20, cursor: Cursor = None) -> Response:
    """The gallery: published stories the caller may see (public; members only to members;
    policy work only to admins and curators; embargoed from the embargo's end)."""
    return await bus.forward(rpc("voices", "list_stories"), caller, StoriesQuery(
        community=community, language=language, kind=kind, limit=limit, cursor=cursor))


@router.get("/me/stories", response_model=StoriesPage, tags=TAGS)
async def my_stories(caller: CallerDep, bus: BusDep, limit: Limit = 20,
                     cursor: Cursor = None) -> Response:
    """The caller's own stories, drafts included, newest first."""
    return await bus.forward(rpc("voices", "my_stories"), caller,
                             MyStoriesQuery(limit=limit, cursor=cursor))


@router.get("/stories/{story_id}", response_model=StoryView, tags=TAGS)
async def story(story_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """A story as the caller may see it (a draft only by its storyteller); to its
    storyteller and the curators, `pointers` to what to redact (contact details, other
    people's names) as in the curation queue."""
    return await bus.forward(rpc("voices", "get_story"), caller, StoryRef(story_id=story_id))


@router.put("/stories/{story_id}/text", response_model=StoryAccepted, tags=TAGS)
async def write_story(story_id: UUID, body: WriteBody, caller: CallerDep,
                      bus: BusDep) -> Response:
    """The story's text, whole (a written story's is the story)."""
    return await bus.forward(rpc("voices", "write_story"), caller,
                             WriteStory(story_id=story_id, text=body.text))


# Their bodies: a part, or the last piece with the form around it (gateway.app's limits).
UPLOAD_BODY_LIMITS = {"/v1/stories/{story_id}/media/parts/{index}": PART_BYTES,
                      "/v1/stories/{story_id}/media": PART_BYTES + 16 * 1024}


@router.put("/stories/{story_id}/media/parts/{index}", response_model=PartAccepted,
            tags=TAGS, openapi_extra={"requestBody": {"required": True, "content": {
                "application/octet-stream": {"schema": {"type": "string",
                                                        "format": "binary"}}}}})
async def put_part(story_id: UUID, index: Annotated[int, Path(ge=0, le=10_000)],
                   request: Request, caller: CallerDep, bus: BusDep) -> Response:
    """One part of a recording too large for one request (the body's bytes, at most
    PART_BYTES = 258048), numbered from 0; then POST /media with `parts`."""
    data = await request.body()
    if not data or len(data) > PART_BYTES:
        return _refused(caller, f"a part holds 1 to {PART_BYTES} bytes")
    return await bus.forward(rpc("voices", "put_media_part"), caller, MediaPart(
        story_id=story_id, index=index, data_b64=b64encode(data).decode()))


@router.post("/stories/{story_id}/media", status_code=201, response_model=Recording,
             tags=TAGS)
async def upload_media(story_id: UUID, caller: CallerDep, bus: BusDep,
                       file: Annotated[UploadFile | None, File()] = None,
                       parts: Annotated[int, Form(ge=0, le=10_000)] = 0) -> Response:
    """The recording (multipart `file`), checked on its bytes: audio (webm or ogg with
    opus, mp4/m4a with aac, mp3, wav) or video (webm with vp8/vp9/av1 and opus, mp4 with
    h264 and aac), within the size and duration limits. Whole when it fits one request;
    else its last piece, after `parts` parts were PUT to /media/parts/{index}."""
    data = await file.read(PART_BYTES + 1) if file is not None else b""
    if len(data) > PART_BYTES:
        return _refused(caller, f"one request carries at most {PART_BYTES} bytes: "
                                "send the rest in parts")
    if not data and not parts:
        return _refused(caller, "the file is empty")
    return await bus.forward(rpc("voices", "upload_media"), caller, UploadMedia(
        story_id=story_id, parts=parts, data_b64=b64encode(data).decode()), timeout=30)


@router.post("/stories/{story_id}/consents", status_code=201, response_model=ConsentAccepted,
             tags=TAGS)
async def give_consent(story_id: UUID, body: ConsentBody, caller: CallerDep,
                       bus: BusDep) -> Response:
    """A consent, of the wording version shown and in its language: the storyteller's to
    take part, the patient's (or guardian's) for a story about them, a third party's."""
    return await bus.forward(rpc("voices", "give_consent"), caller,
                             GiveConsent(story_id=story_id, **body.model_dump()))


@router.put("/stories/{story_id}/transcript", response_model=StoryView, tags=TAGS)
async def set_transcript(story_id: UUID, body: TranscriptBody, caller: CallerDep,
                         bus: BusDep) -> Response:
    """The transcript, whole: segments (start, end in seconds, text), corrected, with
    `redacted` ones left out of what is published."""
    return await bus.forward(rpc("voices", "set_transcript"), caller,
                             SetTranscript(story_id=story_id, segments=body.segments))


@router.get("/stories/{story_id}/preview", response_model=StoryView, tags=TAGS)
async def preview(story_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """The story as it would be published, with its transcript: the storyteller sees it
    before the release (seeing it is recorded)."""
    return await bus.forward(rpc("voices", "preview_story"), caller,
                             StoryRef(story_id=story_id))


@router.post("/stories/{story_id}/release", response_model=Released, tags=TAGS)
async def release(story_id: UUID, body: ReleaseBody, caller: CallerDep,
                  bus: BusDep) -> Response:
    """The release of the previewed story: visibility, named or anonymous (audio or text
    only), use in reports to policy makers; then a curator reviews it. Redacted segments
    are silenced in what readers hear."""
    return await bus.forward(rpc("voices", "release_story"), caller,
                             ReleaseStory(story_id=story_id, **body.model_dump()),
                             timeout=30)  # redactions are silenced in the recording first


@router.post("/stories/{story_id}/withdraw", response_model=Withdrawn, tags=TAGS)
async def withdraw(story_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """Unpublished everywhere at once, its recording deleted."""
    return await bus.forward(rpc("voices", "withdraw_story"), caller,
                             StoryRef(story_id=story_id))


@router.get("/stories/{story_id}/captions.vtt", tags=TAGS, responses={
    200: {"description": "WebVTT captions", "content": {"text/vtt": {}}}})
async def captions(story_id: UUID, caller: CallerDep, bus: BusDep) -> Response:
    """WebVTT captions of the recording, from its transcript (no redacted segment)."""
    return await bus.forward(rpc("voices", "story_captions"), caller,
                             StoryRef(story_id=story_id))


@router.get("/stories/{story_id}/media", tags=TAGS, responses=PLAYBACK)
async def play(story_id: UUID, request: Request, caller: CallerDep, bus: BusDep) -> Response:
    """The recording, where the caller may see the story (and it was not released text
    only); `Range: bytes=a-b` answers 206 with those bytes."""
    info = await bus.forward(rpc("voices", "story_media"), caller, StoryRef(story_id=story_id))
    if info.status_code != 200:
        return info
    media = MediaInfo.model_validate_json(bytes(info.body))

    async def chunk(start: int, length: int) -> Response:
        return await bus.forward(rpc("voices", "story_media_bytes"), caller, MediaRange(
            story_id=media.story_id, start=start, length=length))
    return await ranged(request, caller, media.size, media.content_type, chunk, MAX_CHUNK)


@router.get("/curation/queue", response_model=CurationQueue, tags=TAGS)
async def curation_queue(caller: CallerDep, bus: BusDep,
                         limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Response:
    """Released stories awaiting review, the longest waiting first, with the contact
    details and other people's names found in them pointed out for redaction (`pointers`:
    where, the segment's index, the kind, and a name as written in `found`); and the
    flagged published stories with their 24-hour clock."""
    return await bus.forward(rpc("voices", "curation_queue"), caller, QueueQuery(limit=limit))


@router.post("/curation/stories/{story_id}/decision", response_model=Decided, tags=TAGS)
async def decide(story_id: UUID, body: DecisionBody, caller: CallerDep,
                 bus: BusDep) -> Response:
    """approve (a released story is published at once), request_changes or reject, with a
    note for the storyteller."""
    return await bus.forward(rpc("voices", "decide_story"), caller,
                             DecideStory(story_id=story_id, **body.model_dump()))


@router.get("/policy/stories", response_model=StoriesPage, tags=TAGS)
async def policy_stories(caller: CallerDep, bus: BusDep,
                         community: Annotated[str | None, Query(max_length=60)] = None,
                         limit: Limit = 20, cursor: Cursor = None) -> Response:
    """Published stories their storytellers released for use in the union's reports to
    policy makers, with their summaries and communities (admins)."""
    return await bus.forward(rpc("voices", "policy_stories"), caller, PolicyQuery(
        community=community, limit=limit, cursor=cursor))


@router.post("/stories/{story_id}/flags", status_code=201, response_model=FlagAccepted,
             tags=TAGS)
async def flag(story_id: UUID, body: FlagBody, caller: CallerDep, bus: BusDep) -> Response:
    """Flag a published story for the curators (reviewed within 24 hours)."""
    return await bus.forward(rpc("voices", "flag_story"), caller,
                             FlagStory(story_id=story_id, reason=body.reason))


@router.post("/curation/stories/{story_id}/flags/decision", response_model=Decided,
             tags=TAGS)
async def decide_flags(story_id: UUID, body: FlagsDecisionBody, caller: CallerDep,
                       bus: BusDep) -> Response:
    """dismiss the story's open flags, or take_down: unpublished everywhere, back to its
    storyteller with the note."""
    return await bus.forward(rpc("voices", "decide_flags"), caller,
                             DecideFlags(story_id=story_id, **body.model_dump()))
