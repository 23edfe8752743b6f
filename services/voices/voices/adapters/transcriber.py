"""The Transcriber port's adapters: faster-whisper where the optional extra is installed
(`pip install faster-whisper`, with a packaged model such as tiny.en), and none otherwise,
when a story waits for its storyteller's or a curator's transcript. Also the fake the tests
use, which says what it was told to."""

import importlib.util
import io
from typing import Any

from contracts.voices.messages import Segment


class NoTranscriber:
    """No machine transcriber installed: every transcript is a person's."""

    available = False
    model = ""

    def transcribe(self, data: bytes, language: str) -> list[Segment]:
        raise RuntimeError("no machine transcriber")


class WhisperTranscriber:
    """faster-whisper (CTranslate2), on the CPU, with the model named (loaded once)."""

    available = True

    def __init__(self, model: str) -> None:
        self.model = model
        self._whisper: Any = None

    def transcribe(self, data: bytes, language: str) -> list[Segment]:
        if self._whisper is None:
            from faster_whisper import WhisperModel

            self._whisper = WhisperModel(self.model, device="cpu", compute_type="int8")
        pieces, _ = self._whisper.transcribe(io.BytesIO(data), language=language)
        return [Segment(start=p.start, end=max(p.end, p.start + 0.01), text=p.text.strip())
                for p in pieces if p.text.strip()]


class FakeTranscriber:
    """For tests: the segments it was given, for any recording."""

    available = True
    model = "fake"

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments

    def transcribe(self, data: bytes, language: str) -> list[Segment]:
        return list(self.segments)


def transcriber(model: str) -> NoTranscriber | WhisperTranscriber:
    """The machine when faster-whisper is importable and a model is named; else none."""
    if not model or importlib.util.find_spec("faster_whisper") is None:
        return NoTranscriber()
    return WhisperTranscriber(model)
