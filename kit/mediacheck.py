"""What a recording may be, judged on its bytes (never its name or the client's type):
decodable audio, or video with its sound, in an allowed container and codecs, short and
small enough. The feed's voice notes and the voices' stories check their uploads here.

The duration is measured by decoding every packet of the sound: a browser's webm/opus
recording has no duration in its header."""

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import av

# container (as FFmpeg names it) -> the audio codecs allowed in it, and the type we serve
AUDIO: Mapping[str, tuple[tuple[str, ...], str]] = {
    "matroska,webm": (("opus",), "audio/webm"),
    "ogg": (("opus",), "audio/ogg"),
    "mov,mp4,m4a,3gp,3g2,mj2": (("aac",), "audio/mp4"),
    "mp3": (("mp3", "mp3float"), "audio/mpeg"),
    "wav": (("pcm_s16le", "pcm_s24le", "pcm_f32le", "pcm_u8"), "audio/wav"),
}
AUDIO_TEXT = "webm or ogg with opus, mp4/m4a with aac, mp3 or wav"
# container -> (video codecs, audio codecs, the type we serve); decoders' names included
# (libdav1d decodes AV1 where FFmpeg's own does not).
VIDEO: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "matroska,webm": (("vp8", "vp9", "av1", "libdav1d", "libvpx", "libvpx-vp9"), ("opus",),
                      "video/webm"),
    "mov,mp4,m4a,3gp,3g2,mj2": (("h264",), ("aac",), "video/mp4"),
}
VIDEO_TEXT = "webm with vp8, vp9 or av1 and opus, or mp4 with h264 and aac"


class MediaRefusedError(ValueError):
    """The upload is not a recording we keep."""

    field = "file"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_seconds: float
    noun: str = "a recording"  # how the refusals name it: "a voice note", "a story"


@dataclass(frozen=True)
class Checked:
    content_type: str
    duration_s: float


def check_audio(data: bytes, limits: Limits) -> Checked:
    """One audio stream and nothing else: its type and decoded duration."""
    return _checked(data, limits, _audio_type, f"not audio we can play ({AUDIO_TEXT})")


def check_video(data: bytes, limits: Limits) -> Checked:
    """One video stream with one audio stream: its type and the sound's decoded duration."""
    return _checked(data, limits, _video_type, f"not video we can play ({VIDEO_TEXT})")


def _checked(data: bytes, limits: Limits,
             typed: Callable[[av.container.InputContainer, Limits], str],
             unplayable: str) -> Checked:
    if not data:
        raise MediaRefusedError("the file is empty")
    if len(data) > limits.max_bytes:
        raise MediaRefusedError(f"{limits.noun} may be at most {limits.max_bytes} bytes")
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            content_type = typed(container, limits)
            return Checked(content_type, round(_decoded_seconds(container, limits), 3))
    except av.FFmpegError as error:
        raise MediaRefusedError(unplayable) from error


def _audio_type(container: av.container.InputContainer, limits: Limits) -> str:
    if container.streams.video or len(container.streams.audio) != 1:
        raise MediaRefusedError(f"{limits.noun} is one audio stream and nothing else")
    codecs, content_type = AUDIO.get(container.format.name, ((), ""))
    if container.streams.audio[0].codec_context.name not in codecs:
        raise MediaRefusedError(f"only {AUDIO_TEXT}")
    return content_type


def _video_type(container: av.container.InputContainer, limits: Limits) -> str:
    streams = container.streams
    if len(streams.video) != 1 or len(streams.audio) != 1:
        raise MediaRefusedError(f"{limits.noun} on video is one picture and one sound stream")
    videos, audios, content_type = VIDEO.get(container.format.name, ((), (), ""))
    if (streams.video[0].codec_context.name not in videos
            or streams.audio[0].codec_context.name not in audios):
        raise MediaRefusedError(f"only {VIDEO_TEXT}")
    return content_type


def _decoded_seconds(container: av.container.InputContainer, limits: Limits) -> float:
    seconds = 0.0
    for packet in container.demux(container.streams.audio[0]):
        for frame in packet.decode():
            seconds += frame.samples / frame.sample_rate
        if seconds > limits.max_seconds:
            raise MediaRefusedError(
                f"{limits.noun} may last at most {limits.max_seconds:.0f} s")
    if seconds == 0:
        raise MediaRefusedError("the file holds no sound")
    return seconds
