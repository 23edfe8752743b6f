"""What a voice note may be, judged on its bytes (never its name or the client's type):
decodable audio in an allowed container and codec, short and small enough (kit.mediacheck,
which the voices' stories share)."""

from contracts.feed.messages import MAX_VOICE_NOTE_BYTES
from kit.mediacheck import Checked, Limits, MediaRefusedError, check_audio

MAX_SECONDS = 180.0

# The feed's name for the refusal (its ERRORS map and tests use it): the shared one.
VoiceNoteRefusedError = MediaRefusedError
Audio = Checked


def check(data: bytes) -> Audio:
    """The note's type and its duration, measured by decoding every packet (a browser's
    webm/opus recording has no duration in its header)."""
    return check_audio(data, Limits(MAX_VOICE_NOTE_BYTES, MAX_SECONDS, "a voice note"))
