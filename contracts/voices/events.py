"""Events of the voices context: a patient's or caregiver's story, its consents, its
transcript, its release, its curation, its publication and its withdrawal.

Titles, summaries, texts, transcripts and the names of the people who consent are
personal: they are encrypted with the storyteller's data key (kit.personal), so that the
storyteller's erasure leaves nothing readable in the events."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from contracts.events import Event, EventRegistry


class StoryCreated(Event):
    """A draft story, private to its storyteller until it is released and approved."""

    event_type: ClassVar[str] = "StoryCreated"
    subject: ClassVar[str] = "voices.story.created"

    story_id: UUID
    storyteller_id: UUID
    storyteller_role: str  # patient, caregiver
    title: str  # encrypted
    summary: str  # encrypted
    language: str
    communities: list[str]
    kind: str  # video, audio, written
    about_someone_else: bool  # a caregiver's story about the person they care for


class StoryWritten(Event):
    """The text of a written story (or of any story's written part), whole."""

    event_type: ClassVar[str] = "StoryWritten"
    subject: ClassVar[str] = "voices.story.written"

    story_id: UUID
    text: str  # encrypted


class StoryRecorded(Event):
    """The recording, checked on its bytes, kept in the media store under `media_key` (a
    video's sound alone under `sound_key`)."""

    event_type: ClassVar[str] = "StoryRecorded"
    subject: ClassVar[str] = "voices.story.recorded"

    story_id: UUID
    media_key: str
    content_type: str
    duration_s: float
    size: int
    # A video's sound alone (for an audio-only release), kept beside it.
    sound_key: str | None = None
    sound_type: str | None = None
    sound_size: int | None = None


class ConsentRecorded(Event):
    """A consent given for the story: its purpose, the wording's version and language, and
    the exact wording shown. `given_by`: storyteller, patient, guardian or third_party."""

    event_type: ClassVar[str] = "ConsentRecorded"
    subject: ClassVar[str] = "voices.story.consent_recorded"

    story_id: UUID
    purpose: str  # take_part, subject_consent, third_party
    wording_version: str
    language: str
    wording: str
    given_by: str
    name: str | None = None  # encrypted: the patient, guardian or third party who consents
    recorded_by: UUID


class TranscriptSet(Event):
    """The transcript, whole: segments (start and end seconds, text, redacted) as JSON,
    encrypted. `origin`: machine (a speech-to-text model), storyteller or curator;
    `machine_made`: a machine wrote it first (a correction keeps that known)."""

    event_type: ClassVar[str] = "TranscriptSet"
    subject: ClassVar[str] = "voices.story.transcript_set"

    story_id: UUID
    origin: str
    machine_made: bool
    segments: str  # encrypted JSON list of {start, end, text, redacted}
    segment_count: int
    redacted_count: int
    model: str | None = None  # the machine's model, when a machine made it
    set_by: UUID | None = None


class StoryPreviewed(Event):
    """The storyteller saw the story as it would be published, with its transcript, at
    `revision`: a release is accepted only of a revision previewed."""

    event_type: ClassVar[str] = "StoryPreviewed"
    subject: ClassVar[str] = "voices.story.previewed"

    story_id: UUID
    revision: int


class StoryReleased(Event):
    """The storyteller's release of the previewed story, with the wording shown."""

    event_type: ClassVar[str] = "StoryReleased"
    subject: ClassVar[str] = "voices.story.released"

    story_id: UUID
    revision: int
    visibility: str  # public, members, policy, embargoed
    embargo_until: datetime | None = None
    anonymous: bool
    variant: str  # full, audio_only, text_only
    policy_use: bool
    wording_version: str
    language: str
    wording: str
    # The recording as readers hear it, its redacted segments silenced (none: no redaction,
    # or released text only): an audio story's, or a video's sound released audio only.
    silenced_key: str | None = None
    silenced_type: str | None = None
    silenced_size: int | None = None


class StoryReviewed(Event):
    """A curator's decision on a released story: approve, request_changes, reject."""

    event_type: ClassVar[str] = "StoryReviewed"
    subject: ClassVar[str] = "voices.story.reviewed"

    story_id: UUID
    decision: str
    note: str
    curator_id: UUID


class StoryPublished(Event):
    """A released, approved story, public within its visibility."""

    event_type: ClassVar[str] = "StoryPublished"
    subject: ClassVar[str] = "voices.story.published"

    story_id: UUID
    storyteller_id: UUID
    title: str  # encrypted with the storyteller's key
    summary: str  # encrypted
    language: str
    communities: list[str]
    kind: str
    visibility: str
    embargo_until: datetime | None = None
    anonymous: bool
    variant: str
    published_at: datetime


class StoryWithdrawn(Event):
    """Withdrawn by its storyteller (or with their erasure): unpublished everywhere, its
    media deleted."""

    event_type: ClassVar[str] = "StoryWithdrawn"
    subject: ClassVar[str] = "voices.story.withdrawn"

    story_id: UUID
    storyteller_id: UUID
    reason: str  # storyteller, erasure


class StoryFlagged(Event):
    """A reader flagged a published story for the curators (reviewed within 24 hours)."""

    event_type: ClassVar[str] = "StoryFlagged"
    subject: ClassVar[str] = "voices.story.flagged"

    story_id: UUID
    flag_id: UUID
    flagger_id: UUID
    reason: str  # encrypted with the flagger's data key
    flagged_at: datetime


class FlagsReviewed(Event):
    """A curator's decision on a story's open flags: dismiss, or take_down (the story is
    unpublished and goes back to its storyteller with the note)."""

    event_type: ClassVar[str] = "FlagsReviewed"
    subject: ClassVar[str] = "voices.story.flags_reviewed"

    story_id: UUID
    decision: str
    note: str
    curator_id: UUID


class StoryUnpublished(Event):
    """Taken down by a curator after flags: off the gallery and the feed, its recording
    kept for its storyteller, who may change it and release it again."""

    event_type: ClassVar[str] = "StoryUnpublished"
    subject: ClassVar[str] = "voices.story.unpublished"

    story_id: UUID
    note: str


REGISTRY = EventRegistry([StoryCreated, StoryWritten, StoryRecorded, ConsentRecorded,
                          TranscriptSet, StoryPreviewed, StoryReleased, StoryReviewed,
                          StoryPublished, StoryWithdrawn, StoryFlagged, FlagsReviewed,
                          StoryUnpublished])
