"""What a voice note may be, judged on its bytes (never its name or the client's type):
decodable audio in an allowed container and codec, short and small enough."""

import io
from dataclasses import dataclass

import av

from contracts.feed.messages import MAX_VOICE_NOTE_BYTES

MAX_SECONDS = 180.0
# container (as FFmpeg names it) -> the codecs allowed in it, and the type we serve
ALLOWED: dict[str, tuple[tuple[str, ...], str]] = {
    "matroska,webm": (("opus",), "audio/webm"),
    "ogg": (("opus",), "audio/ogg"),
    "mov,mp4,m4a,3gp,3g2,mj2": (("aac",), "audio/mp4"),
    "mp3": (("mp3", "mp3float"), "audio/mpeg"),
    "wav": (("pcm_s16le", "pcm_s24le", "pcm_f32le", "pcm_u8"), "audio/wav"),
}
ALLOWED_TEXT = "webm or ogg with opus, mp4/m4a with aac, mp3 or wav"


class VoiceNoteRefusedError(ValueError):
    """The upload is not a voice note we keep."""

    field = "file"


@dataclass(frozen=True)
class Audio:
    content_type: str
    duration_s: float


def check(data: bytes) -> Audio:
    """The note's type and its duration, measured by decoding every packet (a browser's
    webm/opus recording has no duration in its header)."""
    if not data:
        raise VoiceNoteRefusedError("the file is empty")
    if len(data) > MAX_VOICE_NOTE_BYTES:
        raise VoiceNoteRefusedError(f"a voice note may be at most {MAX_VOICE_NOTE_BYTES} bytes")
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            content_type = _allowed(container)
            return Audio(content_type, round(_decoded_seconds(container), 3))
    except av.FFmpegError as error:
        raise VoiceNoteRefusedError(f"not audio we can play ({ALLOWED_TEXT})") from error


def _allowed(container: av.container.InputContainer) -> str:
    if container.streams.video or len(container.streams.audio) != 1:
        raise VoiceNoteRefusedError("a voice note is one audio stream and nothing else")
    codecs, content_type = ALLOWED.get(container.format.name, ((), ""))
    if container.streams.audio[0].codec_context.name not in codecs:
        raise VoiceNoteRefusedError(f"only {ALLOWED_TEXT}")
    return content_type


def _decoded_seconds(container: av.container.InputContainer) -> float:
    seconds = 0.0
    for packet in container.demux(container.streams.audio[0]):
        for frame in packet.decode():
            seconds += frame.samples / frame.sample_rate
        if seconds > MAX_SECONDS:
            raise VoiceNoteRefusedError(f"a voice note may last at most {MAX_SECONDS:.0f} s")
    if seconds == 0:
        raise VoiceNoteRefusedError("the file holds no sound")
    return seconds
