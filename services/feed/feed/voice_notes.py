"""Voice notes' rules: whose a note is, and who may attach it."""

from dataclasses import dataclass
from uuid import UUID

from contracts.events import Event
from contracts.feed.events import VoiceNoteUploaded
from feed.domain import FeedError


class NoSuchVoiceNoteError(FeedError):
    def __init__(self) -> None:
        super().__init__("the voice note does not exist")


class NotYourVoiceNoteError(FeedError):
    """A post or a comment may carry only a voice note its author uploaded."""

    field = "voice_note_id"

    def __init__(self) -> None:
        super().__init__("attach a voice note you uploaded yourself")


class VoiceNoteAttachedError(FeedError):
    """A voice note belongs to one post or one comment."""

    field = "voice_note_id"

    def __init__(self) -> None:
        super().__init__("this voice note is already on a post or a comment")


class VoiceNoteRangeError(FeedError):
    field = "start"

    def __init__(self) -> None:
        super().__init__("the voice note is shorter than that")


@dataclass(frozen=True)
class VoiceNoteState:
    owner_id: UUID | None = None


def stream(voice_note_id: UUID) -> str:
    return f"voice-note-{voice_note_id}"


def evolve(state: VoiceNoteState, event: Event) -> VoiceNoteState:
    if isinstance(event, VoiceNoteUploaded):
        return VoiceNoteState(owner_id=event.owner_id)
    return state


def upload(voice_note_id: UUID, owner_id: UUID, content_type: str, duration_s: float,
           size: int) -> list[Event]:
    return [VoiceNoteUploaded(voice_note_id=voice_note_id, owner_id=owner_id,
                              content_type=content_type, duration_s=duration_s, size=size)]


def check_attachable(note: VoiceNoteState, author_id: UUID, attached_to: UUID | None) -> None:
    """Someone else's note, or none at all, is refused alike (nothing told of others'); a
    note already on a post or a comment is not put on another."""
    if note.owner_id != author_id:
        raise NotYourVoiceNoteError()
    if attached_to is not None:
        raise VoiceNoteAttachedError()
