"""Recordings: uploaded in parts (a NATS message holds 1 MiB; the gateway's body limit is
256 KB) and checked whole on their bytes, transcribed by a person or a machine, played
back range by range, and captioned."""

import asyncio
import binascii
from base64 import b64decode
from typing import Any
from uuid import UUID, uuid4

from contracts.voices.events import StoryRecorded, TranscriptSet
from contracts.voices.messages import (
    PART_BYTES,
    MediaInfo,
    MediaPart,
    MediaRange,
    PartAccepted,
    Recording,
    SetTranscript,
    StoryRef,
    StoryView,
    UploadMedia,
)
from kit.eventstore import Metadata
from kit.logging import get_logger
from kit.media import NoSuchMediaError
from kit.mediacheck import Limits, MediaRefusedError, check_audio, check_video
from kit.usecases import Binary, Call
from voices import domain, transcripts, views
from voices.adapters import sql
from voices.deps import Deps
from voices.handlers.common import readable, sealer
from voices.sound import silenced, sound_of

log = get_logger(__name__)


class MediaRangeError(domain.VoicesError):
    field = "start"

    def __init__(self) -> None:
        super().__init__("the recording is shorter than that")


class NoCaptionsError(domain.VoicesError):
    def __init__(self) -> None:
        super().__init__("the story has no captions: no recording, or no transcript yet")


def part_key(story_id: UUID, index: int) -> str:
    return f"part-{story_id.hex}-{index}"


def max_parts(deps: Deps) -> int:
    return -(-deps.max_media_bytes // PART_BYTES)


async def put_media_part(call: Call[MediaPart], deps: Deps) -> PartAccepted:
    """One part of a recording too large for one request, kept until the upload ends."""
    c = call.command
    data = _decoded(c.data_b64)
    if not data or len(data) > PART_BYTES or c.index >= max_parts(deps):
        raise MediaRefusedError(f"a part holds 1 to {PART_BYTES} bytes, and a recording at "
                                f"most {deps.max_media_bytes} bytes")
    async with deps.db.connect() as conn:
        state, _ = await deps.stories.get(conn, domain.stream(c.story_id))
    domain.may_record(state, call.caller.user_id)
    await deps.media.put(part_key(c.story_id, c.index), data, "application/octet-stream")
    return PartAccepted(index=c.index, size=len(data))


async def upload_media(call: Call[UploadMedia], deps: Deps) -> Recording:
    """The recording: the parts put before and this last piece, checked whole on its
    bytes (type, size, duration measured by decoding) and kept in the media store."""
    c, me = call.command, call.caller.user_id
    stream = domain.stream(c.story_id)
    try:
        async with deps.db.connect() as conn:
            state, _ = await deps.stories.get(conn, stream)
        domain.may_record(state, me)
        data = await _assembled(deps, c.story_id, c.parts, _decoded(c.data_b64))
        check = check_video if state.kind == "video" else check_audio
        limits = Limits(deps.max_media_bytes, deps.max_media_seconds, "a story's recording")
        found = await asyncio.to_thread(check, data, limits)  # decoding: off the event loop
        recorded = await _kept(deps, c.story_id, data, found.content_type,
                               found.duration_s)
        try:
            async with deps.db.transaction() as conn:
                before = await deps.stories.change(
                    conn, stream, lambda s: domain.record(s, me, recorded),
                    call.caller.metadata)
        except BaseException:
            for key in (recorded.media_key, recorded.sound_key):
                if key is not None:
                    await deps.media.delete(key)
            raise
    finally:
        for index in range(min(c.parts, max_parts(deps))):
            await deps.media.delete(part_key(c.story_id, index))
    for key in domain.media_keys(before):  # the recording it replaces
        await deps.media.delete(key)
    log.info("story_recorded", story_id=str(c.story_id), size=len(data))
    return Recording(story_id=c.story_id, content_type=found.content_type,
                     duration_s=found.duration_s, size=len(data),
                     transcript="machine" if deps.transcriber.available else "awaiting")


async def _kept(deps: Deps, story_id: UUID, data: bytes, content_type: str,
                duration_s: float) -> StoryRecorded:
    """The recording in the media store (a video's sound alone beside it), before its
    event: a crash between the two leaves an orphan file, never a story without bytes."""
    key = f"story-{story_id.hex}-{uuid4().hex[:12]}"
    sound, sound_type = (await asyncio.to_thread(sound_of, data, content_type)
                         if content_type.startswith("video/") else (None, None))
    await deps.media.put(key, data, content_type)
    if sound is not None and sound_type is not None:
        await deps.media.put(f"{key}-sound", sound, sound_type)
    return StoryRecorded(story_id=story_id, media_key=key, content_type=content_type,
                         duration_s=duration_s, size=len(data),
                         sound_key=f"{key}-sound" if sound is not None else None,
                         sound_type=sound_type, sound_size=len(sound) if sound else None)


async def silenced_copy(deps: Deps, state: domain.Story, row: Any,
                        variant: str) -> tuple[str, str, int] | None:
    """The copy readers hear, the redacted segments silenced; None if none is needed."""
    source = domain.silence_source(state, variant)
    if source is None or row is None:
        return None
    content_type = row.sound_type if source == row.sound_key else row.content_type
    spans = [(s.start, s.end) for s in transcripts.loaded(row.segments) if s.redacted]
    data = await deps.media.get(source, 0, await deps.media.size(source))
    quiet = await asyncio.to_thread(silenced, data, content_type, spans)
    key = f"{source}-r{state.revision}"
    await deps.media.put(key, quiet, content_type)
    return key, content_type, len(quiet)


def _decoded(data_b64: str) -> bytes:
    try:
        return b64decode(data_b64, validate=True)
    except (binascii.Error, ValueError) as error:
        raise MediaRefusedError("the file's bytes were garbled") from error


async def _assembled(deps: Deps, story_id: UUID, parts: int, last: bytes) -> bytes:
    """The parts in order and the last piece; refused as soon as it is too large."""
    if parts > max_parts(deps):
        raise MediaRefusedError(f"a story's recording may be at most "
                                f"{deps.max_media_bytes} bytes")
    sizes = []
    for index in range(parts):
        try:
            sizes.append(await deps.media.size(part_key(story_id, index)))
        except NoSuchMediaError:
            raise MediaRefusedError(f"part {index} was not uploaded") from None
    if sum(sizes) + len(last) > deps.max_media_bytes:
        raise MediaRefusedError(f"a story's recording may be at most "
                                f"{deps.max_media_bytes} bytes")
    pieces = [await deps.media.get(part_key(story_id, i), 0, size)
              for i, size in enumerate(sizes)]
    return b"".join([*pieces, last])


async def set_transcript(call: Call[SetTranscript], deps: Deps) -> StoryView:
    """A person's transcript, whole: corrected segments, and the redacted ones marked."""
    c, me = call.command, call.caller.user_id
    curator = call.caller.has_any(*views.CURATORS)
    async with deps.db.transaction() as conn:
        state, _ = await deps.stories.get(conn, domain.stream(c.story_id))
        owner = domain.existing(state).storyteller_id
        assert owner is not None
        seal = await sealer(conn, deps, owner)
        await deps.stories.change(conn, domain.stream(c.story_id), lambda s: domain.transcript(
            s, me, curator, seal("segments", transcripts.dumped(c.segments)), c.segments),
            call.caller.metadata)
        row = await sql.story(conn, c.story_id)
    return views.view(row, call.caller, deps.clock())


async def transcribe(deps: Deps, story_id: UUID, media_key: str, language: str) -> bool:
    """The machine's transcript of one waiting recording; True if one was kept."""
    size = await deps.media.size(media_key)
    data = await deps.media.get(media_key, 0, size)
    segments = await asyncio.to_thread(deps.transcriber.transcribe, data, language)
    if not segments:
        return False
    async with deps.db.transaction() as conn:
        state, version = await deps.stories.get(conn, domain.stream(story_id))
        if state.storyteller_id is None:
            return False
        seal = await sealer(conn, deps, state.storyteller_id)
        events = domain.machine_transcript(state, media_key, TranscriptSet(
            story_id=story_id, origin="machine", machine_made=True,
            segments=seal("segments", transcripts.dumped(segments)),
            segment_count=len(segments), redacted_count=0, model=deps.transcriber.model))
        await deps.stories.append(conn, domain.stream(story_id), version, events,
                                  Metadata(actor="voices-transcriber"))
    return bool(events)


async def transcribe_waiting(deps: Deps, every_s: float) -> None:
    """The background work of the machine transcriber: each recording once."""
    tried: set[tuple[UUID, str]] = set()
    while True:
        async with deps.db.connect() as conn:
            waiting = await sql.awaiting_machine(conn, 10)
        for row in waiting:
            if (row.story_id, row.media_key) in tried:
                continue
            tried.add((row.story_id, row.media_key))
            try:
                await transcribe(deps, row.story_id, row.media_key, row.language)
            except Exception as error:
                log.warning("transcription_failed", story_id=str(row.story_id),
                            error=type(error).__name__)
        await asyncio.sleep(every_s)


async def story_media(call: Call[StoryRef], deps: Deps) -> MediaInfo:
    """What a playable recording is: its type and size."""
    row = await _playable(deps, call.command.story_id, call)
    _, content_type, size = views.served(row, call.caller)
    return MediaInfo(story_id=row.story_id, content_type=content_type, size=size)


async def story_media_bytes(call: Call[MediaRange], deps: Deps) -> Binary:
    c = call.command
    row = await _playable(deps, c.story_id, call)
    key, content_type, size = views.served(row, call.caller)
    if c.start >= size:
        raise MediaRangeError()
    end = min(size, c.start + c.length)
    return Binary(await deps.media.get(key, c.start, end), content_type)


async def _playable(deps: Deps, story_id: UUID, call: Call[Any]) -> Any:
    row = await readable(deps, story_id, call.caller)
    if not views.may_play(row, call.caller, deps.clock()):
        raise domain.NoSuchStoryError()
    return row


async def story_captions(call: Call[StoryRef], deps: Deps) -> Binary:
    """WebVTT captions of the segments not redacted."""
    row = await readable(deps, call.command.story_id, call.caller)
    segments = transcripts.loaded(row.segments)
    if row.kind == "written" or not segments:
        raise NoCaptionsError()
    return Binary(transcripts.webvtt(segments).encode(), "text/vtt; charset=utf-8")
