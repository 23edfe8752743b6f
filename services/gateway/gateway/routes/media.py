"""Media routes of the public API: voice notes, uploaded as a form's `file` and played
back by HTTP range requests."""

import re
from base64 import b64encode
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Request, UploadFile
from starlette.responses import Response, StreamingResponse

from contracts.feed.messages import (
    MAX_VOICE_CHUNK,
    MAX_VOICE_NOTE_BYTES,
    UploadVoiceNote,
    VoiceNote,
    VoiceNoteAccepted,
    VoiceNoteRange,
    VoiceNoteRef,
)
from contracts.subjects import rpc
from gateway.bus import Caller
from gateway.deps import BusDep, CallerDep
from gateway.problems import RESPONSES, problem_response

router = APIRouter(prefix="/v1", responses=RESPONSES)  # type: ignore[arg-type]

UPLOAD_PATH = "/v1/media/voice-notes"
UPLOAD_BODY_LIMIT = MAX_VOICE_NOTE_BYTES + 16 * 1024  # the file and the form around it
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
AUDIO_TYPES = ("audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav")
AUDIO: dict[str, Any] = {"content": {kind: {} for kind in AUDIO_TYPES}}
PLAYBACK: dict[int | str, dict[str, Any]] = {
    200: {"description": "the whole note", **AUDIO},
    206: {"description": "the bytes of the Range asked for", **AUDIO},
    416: {"description": "a Range outside the note",
          "content": {"application/problem+json": {}}}}


@router.post("/media/voice-notes", status_code=201, response_model=VoiceNoteAccepted,
             tags=["media"])
async def upload_voice_note(file: Annotated[UploadFile, File()], caller: CallerDep,
                            bus: BusDep) -> Response:
    """A voice note (webm or ogg with opus, mp4/m4a, mp3, wav; at most 3 minutes and
    700 KB, judged on the bytes), to attach to a post by its `voice_note_id`."""
    data = await file.read(MAX_VOICE_NOTE_BYTES + 1)
    if not data or len(data) > MAX_VOICE_NOTE_BYTES:
        message = (f"a voice note may be at most {MAX_VOICE_NOTE_BYTES} bytes" if data
                   else "the file is empty")
        return problem_response(422, message, language=caller.language,
                                errors=[{"field": "file", "message": message}])
    return await bus.forward(rpc("feed", "upload_voice_note"), caller, UploadVoiceNote(
        data_b64=b64encode(data).decode(), filename=(file.filename or "")[:200] or None))


class UnsatisfiableError(ValueError):
    pass


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte a `Range: bytes=a-b` asks for (one range); None: the whole
    file (no header, or one we do not read, which HTTP says to ignore)."""
    found = RANGE.fullmatch((header or "").strip())
    if found is None or found.groups() == ("", ""):
        return None
    first, last = found.groups()
    if not first:  # bytes=-n: the last n
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(size - 1, int(last)) if last else size - 1
    if start >= size or start > end:
        raise UnsatisfiableError()
    return start, end


@router.get("/media/voice-notes/{voice_note_id}", tags=["media"],
            responses=PLAYBACK)
async def play_voice_note(voice_note_id: UUID, request: Request, caller: CallerDep,
                          bus: BusDep) -> Response:
    """A voice note on a published post (its owner's own at any time); `Range: bytes=a-b`
    answers 206 with those bytes."""
    info = await bus.forward(rpc("feed", "get_voice_note"), caller,
                             VoiceNoteRef(voice_note_id=voice_note_id))
    if info.status_code != 200:
        return info
    note = VoiceNote.model_validate_json(bytes(info.body))

    async def chunk(start: int, length: int) -> Response:
        return await bus.forward(rpc("feed", "voice_note_bytes"), caller, VoiceNoteRange(
            voice_note_id=note.voice_note_id, start=start, length=length))
    return await ranged(request, caller, note.size, note.content_type, chunk,
                        MAX_VOICE_CHUNK)


Chunk = Callable[[int, int], Awaitable[Response]]  # (start, length) -> the service's reply


async def ranged(request: Request, caller: Caller, size: int, content_type: str,
                 chunk: Chunk, most: int) -> Response:
    """A stored file played through the gateway: the whole of it, or the `Range: bytes=a-b`
    asked for as a 206, relayed `most` bytes a reply of the service at a time (a NATS
    message holds 1 MiB); a range outside the file is a 416."""
    try:
        wanted = byte_range(request.headers.get("range"), size)
    except UnsatisfiableError:
        return problem_response(416, "the range is outside the file", language=caller.language,
                                headers={"Content-Range": f"bytes */{size}"})
    start, end = wanted or (0, size - 1)
    first = await chunk(start, min(most, end - start + 1))
    if first.status_code != 200:
        return first
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(end - start + 1)}
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return StreamingResponse(_rest(chunk, most, bytes(first.body), start, end),
                             status_code=206 if wanted else 200, headers=headers,
                             media_type=content_type)


async def _rest(chunk: Chunk, most: int, first: bytes, start: int,
                end: int) -> AsyncIterator[bytes]:
    yield first
    position = start + len(first)
    while position <= end:
        reply = await chunk(position, min(most, end - position + 1))
        if reply.status_code != 200 or not reply.body:
            raise RuntimeError("the file could not be read to its end")
        yield bytes(reply.body)
        position += len(reply.body)
