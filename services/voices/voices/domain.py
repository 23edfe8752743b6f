"""The rules of a story: its state folded from its events, and the decisions that return
new events. Pure: no I/O. Personal fields arrive already sealed (kit.personal) and are
carried as they are."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from contracts.events import Event
from contracts.voices.events import (
    ConsentRecorded,
    FlagsReviewed,
    StoryCreated,
    StoryFlagged,
    StoryPreviewed,
    StoryPublished,
    StoryRecorded,
    StoryReleased,
    StoryReviewed,
    StoryUnpublished,
    StoryWithdrawn,
    StoryWritten,
    TranscriptSet,
)
from contracts.voices.messages import ReleaseBody, Segment

DRAFT, SUBMITTED, CHANGES_REQUESTED = "draft", "submitted", "changes_requested"
REJECTED, PUBLISHED, WITHDRAWN = "rejected", "published", "withdrawn"
EDITABLE = frozenset({DRAFT, SUBMITTED, CHANGES_REQUESTED})  # a change voids a release
RECORDED_KINDS = frozenset({"audio", "video"})


class VoicesError(Exception):
    """A story's rule said no."""


class NoSuchStoryError(VoicesError):
    """No such story, or not one the caller may see (nothing is told of others')."""

    def __init__(self) -> None:
        super().__init__("the story does not exist")


class NotEditableError(VoicesError):
    def __init__(self, status: str) -> None:
        super().__init__(f"a {status.replace('_', ' ')} story cannot be changed"
                         + ("; withdraw it and tell it anew" if status == PUBLISHED else ""))


class StorytellerRoleError(VoicesError):
    field = "storyteller_role"

    def __init__(self) -> None:
        super().__init__("tell a story as a patient or a caregiver, a role of yours")


class KindError(VoicesError):
    field = "file"

    def __init__(self) -> None:
        super().__init__("a written story has no recording; its text is the story")



class ConsentMissingError(VoicesError):
    field = "consents"

    def __init__(self, purpose: str) -> None:
        super().__init__(f"first the consent '{purpose}' "
                         f"(POST /v1/stories/{{id}}/consents)")


class NotPreviewedError(VoicesError):
    def __init__(self) -> None:
        super().__init__("preview the story as it stands (GET /v1/stories/{id}/preview) "
                         "before releasing it")


class ContentMissingError(VoicesError):
    def __init__(self, what: str) -> None:
        super().__init__(f"the story has no {what} yet")


class VariantError(VoicesError):
    field = "variant"


class ConsentPurposeError(VoicesError):
    field = "purpose"


class EmbargoError(VoicesError):
    field = "until"

    def __init__(self) -> None:
        super().__init__("an embargo ends in the future")


class NotSubmittedError(VoicesError):
    def __init__(self) -> None:
        super().__init__("only a released story awaiting review can be decided")


class TranscriptRangeError(VoicesError):
    field = "segments"

    def __init__(self, duration_s: float) -> None:
        super().__init__(f"the recording lasts {duration_s:.1f} s: no segment ends after it")


class NoRecordingError(VoicesError):
    def __init__(self) -> None:
        super().__init__("the story has no recording to transcribe")


class AlreadyFlaggedError(VoicesError):
    def __init__(self) -> None:
        super().__init__("you flagged this story already; a curator will look at it")


class NoOpenFlagsError(VoicesError):
    def __init__(self) -> None:
        super().__init__("the story has no open flags")


@dataclass(frozen=True)
class Story:
    story_id: UUID | None = None
    storyteller_id: UUID | None = None
    role: str = ""
    kind: str = ""
    language: str = ""
    communities: tuple[str, ...] = ()
    about_someone_else: bool = False
    title: str = ""  # sealed, as the events carry it
    summary: str = ""
    status: str = ""  # "": no such story
    revision: int = 0  # every change of what the story says or shows
    previewed: int = -1  # the revision last previewed
    has_text: bool = False
    media_key: str | None = None
    sound_key: str | None = None  # a video's sound alone
    duration_s: float = 0.0
    segments: int = 0  # of the transcript; 0: none
    redacted: int = 0
    machine_made: bool = False  # the transcript was a machine's first
    consents: frozenset[str] = frozenset()
    release: StoryReleased | None = None
    published_as: str = ""  # the visibility it was last published with
    flaggers: frozenset[UUID] = frozenset()  # of the open flags
    silenced_keys: frozenset[str] = frozenset()  # the copies with redactions silenced


def media_keys(state: Story) -> list[str]:
    """What the media store keeps of the story."""
    kept = [key for key in (state.media_key, state.sound_key) if key is not None]
    return kept + sorted(state.silenced_keys)


def stream(story_id: UUID) -> str:
    return f"story-{story_id}"


def evolve(state: Story, event: Event) -> Story:
    match event:
        case StoryCreated():
            return Story(story_id=event.story_id, storyteller_id=event.storyteller_id,
                         role=event.storyteller_role, kind=event.kind, language=event.language,
                         communities=tuple(event.communities), title=event.title,
                         summary=event.summary, about_someone_else=event.about_someone_else,
                         status=DRAFT, revision=1)
        case StoryWritten():
            return _changed(replace(state, has_text=True))
        case StoryRecorded():
            return _changed(replace(state, media_key=event.media_key,
                                    sound_key=event.sound_key, segments=0, redacted=0,
                                    silenced_keys=frozenset(),
                                    duration_s=event.duration_s, machine_made=False))
        case TranscriptSet():
            return _changed(replace(state, segments=event.segment_count,
                                    redacted=event.redacted_count,
                                    machine_made=event.machine_made))
        case ConsentRecorded():
            return replace(state, consents=state.consents | {event.purpose})
        case StoryPreviewed():
            return replace(state, previewed=event.revision)
        case StoryReleased():
            silenced = {event.silenced_key} if event.silenced_key else set()
            return replace(state, status=SUBMITTED, release=event, published_as="",
                           silenced_keys=state.silenced_keys | silenced)
        case StoryReviewed():
            status = {"approve": state.status, "request_changes": CHANGES_REQUESTED,
                      "reject": REJECTED}[event.decision]
            return replace(state, status=status,
                           release=None if status == CHANGES_REQUESTED else state.release)
        case StoryPublished():
            return replace(state, status=PUBLISHED, published_as=event.visibility)
        case StoryWithdrawn():
            return replace(state, status=WITHDRAWN, media_key=None, sound_key=None,
                           flaggers=frozenset(), silenced_keys=frozenset())
        case StoryFlagged():
            return replace(state, flaggers=state.flaggers | {event.flagger_id})
        case FlagsReviewed():
            return replace(state, flaggers=frozenset())
        case StoryUnpublished():
            return replace(state, status=CHANGES_REQUESTED, release=None, published_as="")
    return state


def _changed(state: Story) -> Story:
    """What the story says changed: a new revision, to preview (and release) again."""
    status = DRAFT if state.status == SUBMITTED else state.status
    return replace(state, revision=state.revision + 1, status=status,
                   release=None if status == DRAFT else state.release)


def existing(state: Story) -> Story:
    if not state.status or state.status == WITHDRAWN:
        raise NoSuchStoryError()
    return state


def own(state: Story, caller_id: UUID) -> Story:
    """The caller's own story (someone else's is no story at all to them)."""
    if existing(state).storyteller_id != caller_id:
        raise NoSuchStoryError()
    return state


def editable(state: Story, caller_id: UUID) -> Story:
    if own(state, caller_id).status not in EDITABLE:
        raise NotEditableError(state.status)
    return state


def storyteller_role(asked: str | None, roles: tuple[str, ...]) -> str:
    """The role the story is told in: the one asked for, or the caller's; held by them."""
    held = [role for role in ("patient", "caregiver") if role in roles]
    role = asked or (held[0] if held else "")
    if role not in held:
        raise StorytellerRoleError()
    return role


def create(state: Story, event: StoryCreated, text: str | None) -> list[Event]:
    """A new story (the stream must be empty), with its text when it was written at once."""
    if state.status:
        raise NotEditableError(state.status)
    return [event, *([StoryWritten(story_id=event.story_id, text=text)] if text else [])]


def write(state: Story, caller_id: UUID, sealed_text: str) -> list[Event]:
    editable(state, caller_id)
    assert state.story_id is not None
    return [StoryWritten(story_id=state.story_id, text=sealed_text)]


def may_record(state: Story, caller_id: UUID) -> Story:
    """A recording may be uploaded to this story (checked before the bytes are kept)."""
    editable(state, caller_id)
    if state.kind not in RECORDED_KINDS:
        raise KindError()
    if "take_part" not in state.consents:
        raise ConsentMissingError("take_part")
    return state


def record(state: Story, caller_id: UUID, recorded: StoryRecorded) -> list[Event]:
    may_record(state, caller_id)
    if (state.kind == "video") != (recorded.sound_key is not None):
        raise KindError()
    return [recorded]


def consent(state: Story, caller_id: UUID, event: ConsentRecorded) -> list[Event]:
    editable(state, caller_id)
    if event.purpose == "subject_consent" and not state.about_someone_else:
        raise ConsentPurposeError("subject_consent is for a story about someone else")
    return [event]


def transcript(state: Story, caller_id: UUID, curator: bool, sealed: str,
               segments: Sequence[Segment]) -> list[Event]:
    """A person's transcript: the storyteller's of their own story, or a curator's of one
    released to them (the storyteller previews and releases it again)."""
    if existing(state).storyteller_id == caller_id:
        editable(state, caller_id)
    elif not curator or state.status == DRAFT:
        raise NoSuchStoryError()
    elif state.status not in EDITABLE:
        raise NotEditableError(state.status)
    if state.media_key is None:
        raise NoRecordingError()
    if segments[-1].end > state.duration_s + 1.0:
        raise TranscriptRangeError(state.duration_s)
    assert state.story_id is not None
    return [TranscriptSet(
        story_id=state.story_id, origin="storyteller" if state.storyteller_id == caller_id
        else "curator", machine_made=state.machine_made, segments=sealed,
        segment_count=len(segments), redacted_count=sum(s.redacted for s in segments),
        set_by=caller_id)]


def machine_transcript(state: Story, media_key: str, event: TranscriptSet) -> list[Event]:
    """A machine's transcript of the recording, unless the story moved on or has one."""
    if state.status not in EDITABLE or state.media_key != media_key or state.segments:
        return []
    return [event]


def preview(state: Story, caller_id: UUID) -> list[Event]:
    own(state, caller_id)
    assert state.story_id is not None
    if state.previewed == state.revision:
        return []
    return [StoryPreviewed(story_id=state.story_id, revision=state.revision)]


def silence_source(state: Story, variant: str) -> str | None:
    """The media to silence the redacted segments of before readers hear it: an audio
    story's recording, or a video's sound when it is released audio only."""
    if not state.redacted or variant == "text_only":
        return None
    return state.sound_key if state.kind == "video" else state.media_key


def release(state: Story, caller_id: UUID, body: ReleaseBody, wording: str,
            now: datetime, silenced: tuple[str, str, int] | None = None) -> list[Event]:
    """The release; `silenced`: the key, type and size of the copy readers hear, made
    beforehand where `silence_source` says (the handler makes it)."""
    editable(state, caller_id)
    _complete(state)
    if state.previewed != state.revision:
        raise NotPreviewedError()
    needed = ["take_part", *(["subject_consent"] if state.about_someone_else else []),
              *(["third_party"] if body.names_others else [])]
    for purpose in needed:
        if purpose not in state.consents:
            raise ConsentMissingError(purpose)
    _check_variant(state, body.variant)
    if body.until is not None and body.until <= now:
        raise EmbargoError()
    assert state.story_id is not None
    return [StoryReleased(story_id=state.story_id, revision=state.revision,
                          visibility=body.visibility, embargo_until=body.until,
                          anonymous=body.anonymous, variant=body.variant,
                          policy_use=body.policy_use, wording_version=body.version,
                          language=body.language, wording=wording,
                          silenced_key=silenced[0] if silenced else None,
                          silenced_type=silenced[1] if silenced else None,
                          silenced_size=silenced[2] if silenced else None)]


def _complete(state: Story) -> None:
    if state.kind == "written" and not state.has_text:
        raise ContentMissingError("text")
    if state.kind in RECORDED_KINDS and state.media_key is None:
        raise ContentMissingError("recording")
    if state.kind in RECORDED_KINDS and not state.segments:
        raise ContentMissingError("transcript (every recording is published with one)")


def _check_variant(state: Story, variant: str) -> None:
    if variant == "audio_only" and state.kind == "written":
        raise VariantError("audio only is for a recorded story")
    if state.redacted and state.kind == "video" and variant == "full":
        raise VariantError("a video with redactions is released audio only (its sound "
                           "silenced where redacted) or text only: the picture is not cut")


def decide(state: Story, curator_id: UUID, decision: str, note: str,
           now: datetime) -> list[Event]:
    if existing(state).status != SUBMITTED or state.release is None:
        raise NotSubmittedError()
    assert state.story_id is not None and state.storyteller_id is not None
    reviewed = StoryReviewed(story_id=state.story_id, decision=decision, note=note,
                             curator_id=curator_id)
    if decision != "approve":
        return [reviewed]
    release = state.release
    visibility = "public" if _embargo_over(release, now) else release.visibility
    return [reviewed, _published(state, release, visibility, now)]


def end_embargo(state: Story, now: datetime) -> list[Event]:
    """An embargoed story published to everyone once its embargo is over, once: the
    feed and search show it from then on (the gallery reads the date itself)."""
    release = state.release
    if state.status != PUBLISHED or state.published_as != "embargoed" or release is None \
            or not _embargo_over(release, now):
        return []
    return [_published(state, release, "public", now)]


def _embargo_over(release: StoryReleased, now: datetime) -> bool:
    return (release.visibility == "embargoed" and release.embargo_until is not None
            and release.embargo_until <= now)


def _published(state: Story, release: StoryReleased, visibility: str,
               now: datetime) -> StoryPublished:
    assert state.story_id is not None and state.storyteller_id is not None
    return StoryPublished(
        story_id=state.story_id, storyteller_id=state.storyteller_id, title=state.title,
        summary=state.summary, language=state.language, communities=list(state.communities),
        kind=state.kind, visibility=visibility, embargo_until=release.embargo_until,
        anonymous=release.anonymous, variant=release.variant, published_at=now)


def withdraw(state: Story, caller_id: UUID | None, reason: str) -> list[Event]:
    """The storyteller's withdrawal (caller_id None: their erasure): at any time."""
    existing(state)
    if caller_id is not None:
        own(state, caller_id)
    assert state.story_id is not None and state.storyteller_id is not None
    return [StoryWithdrawn(story_id=state.story_id, storyteller_id=state.storyteller_id,
                           reason=reason)]


def flag(state: Story, event: StoryFlagged) -> list[Event]:
    """A reader's flag of a published story, once per reader while it is open."""
    if existing(state).status != PUBLISHED:
        raise NoSuchStoryError()
    if event.flagger_id in state.flaggers:
        raise AlreadyFlaggedError()
    return [event]


def review_flags(state: Story, curator_id: UUID, decision: str, note: str) -> list[Event]:
    if not existing(state).flaggers:
        raise NoOpenFlagsError()
    assert state.story_id is not None
    reviewed = FlagsReviewed(story_id=state.story_id, decision=decision, note=note,
                             curator_id=curator_id)
    if decision == "dismiss" or state.status != PUBLISHED:
        return [reviewed]
    return [reviewed, StoryUnpublished(story_id=state.story_id, note=note)]
