"""Tiny real audio, made with PyAV in memory, for the voice-note tests."""

import io
import math
from array import array
from fractions import Fraction

import av

FRAME = 960


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


def _frame(start: int, rate: int, silent: bool) -> av.AudioFrame:
    samples = array("h", (0 if silent else int(9000 * math.sin(2 * math.pi * 440 * i / rate))
                          for i in range(start, start + FRAME)))
    frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
    frame.planes[0].update(samples.tobytes())
    frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
    return frame
