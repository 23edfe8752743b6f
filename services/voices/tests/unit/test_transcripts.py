"""Captions, what readers see of a transcript, the curator's pointers and the wordings."""

import pytest

from contracts.voices.messages import Segment
from voices import consents, transcripts

SEGMENTS = [Segment(start=0, end=1.5, text="Amma was <b>brave</b>"),
            Segment(start=1.5, end=3, text="Call 98765 43210", redacted=True),
            Segment(start=3601, end=3602.25, text="a --> b\n\nand more")]


def test_captions_are_webvtt_without_the_redacted_cues() -> None:
    vtt = transcripts.webvtt(SEGMENTS)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\n")
    assert "98765" not in vtt
    assert "Amma was &lt;b&gt;brave&lt;/b&gt;" in vtt
    assert "2\n01:00:01.000 --> 01:00:02.250\na --&gt; b\nand more\n\n" in vtt


def test_readers_see_no_redacted_segment_and_every_view_says_who_wrote_it() -> None:
    shown = transcripts.shown("storyteller", True, "tiny.en", SEGMENTS, whole=False)
    assert [s.text for s in shown.segments] == [SEGMENTS[0].text, SEGMENTS[2].text]
    assert shown.label == "machine transcript, corrected by the storyteller"
    assert len(transcripts.shown("machine", True, None, SEGMENTS, whole=True).segments) == 3
    assert transcripts.loaded(transcripts.dumped(SEGMENTS)) == SEGMENTS


def test_contact_details_are_pointed_out_where_they_are() -> None:
    found = transcripts.pointers("Our story", "write to asha@example.in", None,
                                 [Segment(start=0, end=1, text="ring 9876543210"),
                                  Segment(start=1, end=2, text="9876543210", redacted=True)])
    assert [(p.where, p.index, p.kind) for p in found] == [("summary", None, "email"),
                                                            ("segment", 0, "phone")]


def test_only_the_current_wording_is_recorded_in_the_language_shown() -> None:
    assert "Voices Project" in consents.wording("take_part", "2026-12", "en")
    assert "वॉइसेज़" in consents.wording("take_part", "2026-12", "hi")
    with pytest.raises(consents.UnknownWordingError):
        consents.wording("release", "2025-01", "en")
    assert len(consents.wordings(None)) == 2 * len(consents.NOTICES)
