"""Voice notes are judged on their bytes: real audio made here with PyAV."""

import io

import av
import pytest

from feed import voice
from feed.voice import VoiceNoteRefusedError
from tests.audio import tone


@pytest.mark.parametrize(("container", "codec", "content_type"), [
    ("webm", "libopus", "audio/webm"), ("ogg", "libopus", "audio/ogg"),
    ("mp4", "aac", "audio/mp4"), ("mp3", "libmp3lame", "audio/mpeg"),
    ("wav", "pcm_s16le", "audio/wav")])
def test_a_second_of_each_allowed_kind_is_measured_by_decoding(
        container: str, codec: str, content_type: str) -> None:
    audio = voice.check(tone(1.0, container, codec))
    assert audio.content_type == content_type
    assert audio.duration_s == pytest.approx(1.0, abs=0.06)


def test_a_browser_recording_without_a_duration_header_is_still_measured() -> None:
    audio = voice.check(tone(2.5))  # PyAV's webm, like a browser's, is streamed
    assert audio.duration_s == pytest.approx(2.5, abs=0.06)


@pytest.mark.parametrize(("data", "says"), [
    (b"Dear diary, this is no recording at all.\n" * 20, "not audio"),
    (b"", "empty"),
    (b"\0" * (voice.MAX_VOICE_NOTE_BYTES + 1), "at most 700000 bytes")])
def test_text_empty_and_oversized_files_are_refused(data: bytes, says: str) -> None:
    with pytest.raises(VoiceNoteRefusedError, match=says) as refused:
        voice.check(data)
    assert refused.value.field == "file"


def test_a_note_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert voice.MAX_SECONDS == 180  # three minutes; a shorter limit keeps the test quick
    monkeypatch.setattr(voice, "MAX_SECONDS", 2.0)
    assert voice.check(tone(1.9, silent=True)).duration_s < 2
    with pytest.raises(VoiceNoteRefusedError, match="at most 2 s"):
        voice.check(tone(2.1, silent=True))


def test_a_file_with_no_audio_stream_is_refused() -> None:
    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as file:
        file.add_stream("libvpx", rate=1)
    with pytest.raises(VoiceNoteRefusedError):
        voice.check(out.getvalue())
