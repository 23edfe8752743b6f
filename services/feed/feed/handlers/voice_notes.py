"""Voice notes: uploading one, and playing it back range by range."""

import asyncio
import binascii
from base64 import b64decode
from typing import Any
from uuid import UUID, uuid4

from contracts.feed.messages import (
    MAX_VOICE_NOTE_BYTES,
    UploadVoiceNote,
    VoiceNote,
    VoiceNoteAccepted,
    VoiceNoteRange,
    VoiceNoteRef,
)
from contracts.roles import ADMIN, MODERATOR
from feed import domain, voice, voice_notes
from feed.adapters import sql
from feed.deps import Deps
from kit.logging import get_logger
from kit.usecases import Binary, Call

log = get_logger(__name__)


async def upload_voice_note(call: Call[UploadVoiceNote], deps: Deps) -> VoiceNoteAccepted:
    """A voice note of the caller's, checked on its bytes, kept in the media store."""
    data = _decoded(call.command.data_b64)
    audio = await asyncio.to_thread(voice.check, data)  # decoding: off the event loop
    note_id, owner_id = uuid4(), call.caller.user_id
    # The bytes first: a crash between the two leaves an orphan file, never a note
    # without its bytes.
    await deps.media.put(str(note_id), data, audio.content_type)
    async with deps.db.transaction() as conn:
        await deps.voice_notes.append(
            conn, voice_notes.stream(note_id), 0,
            voice_notes.upload(note_id, owner_id, audio.content_type, audio.duration_s,
                               len(data)), call.caller.metadata)
    log.info("voice_note_uploaded", voice_note_id=str(note_id), size=len(data))
    return VoiceNoteAccepted(voice_note_id=note_id, duration_s=audio.duration_s,
                             content_type=audio.content_type)


def _decoded(data_b64: str) -> bytes:
    try:
        data = b64decode(data_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise voice.VoiceNoteRefusedError("the file's bytes were garbled") from error
    if len(data) > MAX_VOICE_NOTE_BYTES:
        raise voice.VoiceNoteRefusedError(
            f"a voice note may be at most {MAX_VOICE_NOTE_BYTES} bytes")
    return data


async def get_voice_note(call: Call[VoiceNoteRef], deps: Deps) -> VoiceNote:
    """What a playable note is: its type, duration and size."""
    row = await _playable(call, call.command.voice_note_id, deps)
    return VoiceNote(voice_note_id=row.voice_note_id, content_type=row.content_type,
                     duration_s=row.duration_s, size=row.size)


async def voice_note_bytes(call: Call[VoiceNoteRange], deps: Deps) -> Binary:
    """Bytes of a playable note from `start`, at most `length` of them."""
    command = call.command
    row = await _playable(call, command.voice_note_id, deps)
    if command.start >= row.size:
        raise voice_notes.VoiceNoteRangeError()
    end = min(row.size, command.start + command.length)
    return Binary(await deps.media.get(str(row.voice_note_id), command.start, end),
                  row.content_type)


async def _playable(call: Call[VoiceNoteRef] | Call[VoiceNoteRange], voice_note_id: UUID,
                    deps: Deps) -> Any:
    """Anyone plays a note on a published post; its owner and the moderators any note."""
    async with deps.db.connect() as conn:
        row = await sql.voice_note(conn, voice_note_id)
    caller = call.caller
    if row is None or not (row.post_status == domain.PUBLISHED
                           or caller.has_any(MODERATOR, ADMIN)
                           or (caller.principal is not None
                               and caller.principal.user_id == row.owner_id)):
        raise voice_notes.NoSuchVoiceNoteError()
    return row
