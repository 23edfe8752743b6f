"""Tiny real audio (and video with its sound), made with PyAV in memory, for the voice-note
and the voices' tests."""

import io
import math
from array import array
from fractions import Fraction
from typing import cast

import av

FRAME = 960
FPS = 10  # the test video's pictures a second


def tone(seconds: float, container: str = "webm", codec: str = "libopus",
         rate: int = 48_000, silent: bool = False) -> bytes:
    """`seconds` of a 440 Hz sine (or silence), mono, encoded in `container`/`codec`."""
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as file:
        stream = file.add_stream(codec, rate=rate, layout="mono")
        if codec != "pcm_s16le":
            stream.bit_rate = 16_000
        for start in range(0, int(seconds * rate), FRAME):
            for packet in stream.encode(_frame(start, rate, silent)):
                file.mux(packet)
        for packet in stream.encode(None):
            file.mux(packet)
    return out.getvalue()


def clip(seconds: float, container: str = "webm") -> bytes:
    """`seconds` of a grey 64x48 picture and a 440 Hz sine: vp8 and opus in webm, h264 and
    aac in mp4."""
    video_codec, audio_codec = ("libvpx", "libopus") if container == "webm" else ("h264", "aac")
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as file:
        picture = cast(av.VideoStream, file.add_stream(video_codec, rate=FPS))
        picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        sound = cast(av.AudioStream, file.add_stream(audio_codec, rate=48_000, layout="mono"))
        for n in range(int(seconds * FPS)):
            frame = av.VideoFrame(64, 48, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([128]) * plane.buffer_size)
            frame.pts = n
            for packet in picture.encode(frame):
                file.mux(packet)
        for start in range(0, int(seconds * 48_000), FRAME):
            for packet in sound.encode(_frame(start, 48_000, False)):
                file.mux(packet)
        for packet in [*picture.encode(None), *sound.encode(None)]:
            file.mux(packet)
    return out.getvalue()


def _frame(start: int, rate: int, silent: bool) -> av.AudioFrame:
    samples = array("h", (0 if silent else int(9000 * math.sin(2 * math.pi * 440 * i / rate))
                          for i in range(start, start + FRAME)))
    frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
    frame.planes[0].update(samples.tobytes())
    frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
    return frame
