"""Transcripts: segments kept as JSON, what others see of them (no redacted segment), their
WebVTT captions, and the contact details and names a curator is pointed to. Pure."""

from collections.abc import Sequence
from typing import Any

import orjson

from contracts.text import EMAIL, PHONE
from contracts.voices.messages import Pointer, Segment, Transcript
from voices.names import names

LABELS = {("machine", True): "machine transcript",
          ("storyteller", True): "machine transcript, corrected by the storyteller",
          ("curator", True): "machine transcript, corrected by a curator",
          ("storyteller", False): "the storyteller's own transcript",
          ("curator", False): "transcribed by a curator"}


def dumped(segments: Sequence[Segment]) -> str:
    return orjson.dumps([s.model_dump() for s in segments]).decode()


def loaded(data: str | list | None) -> list[Segment]:
    raw = orjson.loads(data) if isinstance(data, str) else (data or [])
    return [Segment.model_validate(item) for item in raw]


def shown(origin: str, machine_made: bool, model: str | None, segments: list[Segment],
          whole: bool) -> Transcript:
    """The transcript as a reader sees it: the redacted segments left out unless `whole`
    (the storyteller and the curators see them, marked)."""
    return Transcript(origin=origin, machine_made=machine_made, model=model,  # type: ignore[arg-type]
                      label=LABELS[(origin, machine_made or origin == "machine")],
                      segments=[s for s in segments if whole or not s.redacted])


def webvtt(segments: Sequence[Segment]) -> str:
    """WebVTT captions of the segments not redacted."""
    cues = [f"{n}\n{_time(s.start)} --> {_time(s.end)}\n{_cue_text(s.text)}"
            for n, s in enumerate((s for s in segments if not s.redacted), start=1)]
    return "WEBVTT\n\n" + "".join(cue + "\n\n" for cue in cues)


def _time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _cue_text(text: str) -> str:
    """A cue's text: no blank line (it would end the cue), markup (and so "-->") escaped."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(lines).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pointers(title: str, summary: str, text: str | None, segments: Sequence[Segment],
             own_name: str | None = None) -> list[Pointer]:
    """Where contact details and other people's names seem to be (the storyteller's own
    name, `own_name`, is no one else's), for the curator to have redacted."""
    found: list[Pointer] = []
    for where, value, index in [("title", title, None), ("summary", summary, None),
                                ("text", text or "", None),
                                *(("segment", s.text, i) for i, s in enumerate(segments)
                                  if not s.redacted)]:
        for kind, pattern in (("phone", PHONE), ("email", EMAIL)):
            if pattern.search(value):
                found.append(Pointer(where=where, index=index, kind=kind))  # type: ignore[arg-type]
        found += [Pointer(where=where, index=index, kind="name", found=name)
                  for name in names(value, own_name)]
    return found


def of_row(row: Any) -> list[Pointer]:
    """The pointers of a story's read-model row."""
    return pointers(row.title or "", row.summary or "", row.text, loaded(row.segments),
                    row.display_name)
