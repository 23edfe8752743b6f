"""The sound of a video alone, for a story released audio only (its storyteller not seen):
the audio stream copied into an audio container of the same family, not re-encoded."""

import io

import av

from kit.mediacheck import MediaRefusedError

# the video's type -> the container (FFmpeg's name) and the type of its sound alone
SOUND = {"video/webm": ("webm", "audio/webm"), "video/mp4": ("mp4", "audio/mp4")}


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
