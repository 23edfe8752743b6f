"""A recording's sound as readers may hear it: a video's sound alone, for a story released
audio only (its storyteller not seen), copied without re-encoding; and the redacted
segments silenced (decoded, the samples of each span set to silence, encoded again in the
same container and codec), so that what was redacted from the transcript is not heard."""

import io
from collections.abc import Sequence
from typing import cast

import av

from kit.mediacheck import MediaRefusedError

# the video's type -> the container (FFmpeg's name) and the type of its sound alone
SOUND = {"video/webm": ("webm", "audio/webm"), "video/mp4": ("mp4", "audio/mp4")}
# an audio type -> the container and the encoder it is written again with
ENCODERS = {"audio/webm": ("webm", "libopus"), "audio/ogg": ("ogg", "libopus"),
            "audio/mp4": ("mp4", "aac"), "audio/mpeg": ("mp3", "libmp3lame"),
            "audio/wav": ("wav", "pcm_s16le")}


def sound_of(data: bytes, content_type: str) -> tuple[bytes, str]:
    """The recording's audio stream alone (a checked video: one picture, one sound)."""
    container, sound_type = SOUND[content_type]
    out = io.BytesIO()
    try:
        with av.open(io.BytesIO(data), mode="r") as source, \
                av.open(out, mode="w", format=container) as target:
            audio = source.streams.audio[0]
            copied = target.add_stream_from_template(audio)
            for packet in source.demux(audio):
                if packet.dts is None:  # the demuxer's flush packet
                    continue
                packet.stream = copied
                target.mux(packet)
    except av.FFmpegError as error:
        raise MediaRefusedError("the sound of this video cannot be kept apart from its "
                                "picture; record it again") from error
    return out.getvalue(), sound_type


def silenced(data: bytes, content_type: str, spans: Sequence[tuple[float, float]]) -> bytes:
    """The audio with each (start, end) span in seconds silenced, in its own format."""
    container, encoder = ENCODERS[content_type]
    out = io.BytesIO()
    with av.open(io.BytesIO(data), mode="r") as source, \
            av.open(out, mode="w", format=container) as target:
        audio = source.streams.audio[0]
        context = audio.codec_context
        stream = cast(av.AudioStream, target.add_stream(encoder, rate=context.sample_rate,
                                                        layout=context.layout.name))
        if context.bit_rate:
            stream.bit_rate = context.bit_rate
        for frame in source.decode(audio):
            _silence(frame, spans)
            frame.pts = None  # the encoder counts its own
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


def _silence(frame: av.AudioFrame, spans: Sequence[tuple[float, float]]) -> None:
    if frame.pts is None or frame.time_base is None:
        return
    start, rate = float(frame.pts * frame.time_base), frame.sample_rate
    width = frame.format.bytes * (1 if frame.format.is_planar else len(frame.layout.channels))
    quiet = b"\x80" if frame.format.name.startswith("u8") else b"\0"  # unsigned: the middle
    for begin, end in spans:
        first = max(0, round((begin - start) * rate))
        last = min(frame.samples, round((end - start) * rate))
        if last <= first:
            continue
        for plane in frame.planes:
            samples = bytearray(bytes(plane))
            samples[first * width:last * width] = quiet * ((last - first) * width)
            plane.update(bytes(samples))
