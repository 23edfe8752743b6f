"""What lies outside the voices' use cases: the speech-to-text machine (if any)."""

from typing import Protocol

from contracts.voices.messages import Segment


class Transcriber(Protocol):
    """Speech to text, offline. `available` False: no machine here, a person transcribes."""

    available: bool
    model: str

    def transcribe(self, data: bytes, language: str) -> list[Segment]:
        """The recording's speech as timed segments (blocking: run it in a thread)."""
        ...
