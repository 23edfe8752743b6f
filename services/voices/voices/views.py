"""Who may see what of a story, checked on every read (media included), and the story as
each may see it: the storyteller and the curators all of it; others a published story
within its visibility, with no name when anonymous and no redacted segment."""

from datetime import datetime
from typing import Any

from contracts import roles
from contracts.voices.messages import StoryView
from kit.usecases import Caller
from voices import transcripts

CURATORS = (roles.VOICES_CURATOR, roles.MODERATOR, roles.ADMIN)  # the review queue's
POLICY = (roles.VOICES_CURATOR, roles.ADMIN)  # who reads the stories for policy work only
FORMER_MEMBER = "former member"


def audiences(caller: Caller) -> list[str]:
    """The visibilities of published stories the caller reads."""
    seen = ["public"]
    if caller.has_any(*roles.MEMBERS):
        seen.append("members")
    if caller.has_any(*POLICY):
        seen.append("policy")
    return seen


def is_storyteller(row: Any, caller: Caller) -> bool:
    return caller.principal is not None and caller.principal.user_id == row.storyteller_id


def whole(row: Any, caller: Caller) -> bool:
    """The storyteller, or a curator once it was released to them (drafts stay private)."""
    return is_storyteller(row, caller) or (
        caller.has_any(*CURATORS) and row.status not in ("draft", "withdrawn")
        and row.submitted_at is not None)


def may_read(row: Any, caller: Caller, now: datetime) -> bool:
    if row is None or row.status == "withdrawn":
        return False
    if whole(row, caller):
        return True
    if row.status != "published":
        return False
    if row.visibility == "embargoed":
        return row.embargo_until is not None and row.embargo_until <= now
    return row.visibility in audiences(caller)


def may_play(row: Any, caller: Caller, now: datetime) -> bool:
    """The recording plays where the story reads, unless it was released text only."""
    return (may_read(row, caller, now) and row.media_key is not None
            and (row.variant != "text_only" or whole(row, caller)))


def served(row: Any, caller: Caller) -> tuple[str, str, int]:
    """The media key, type and size the caller gets: to readers, the copy with the redacted
    segments silenced where there are any, and a video released audio only as its sound
    alone (the storyteller and the curators get the recording as it was made)."""
    if row.silenced_key is not None and not whole(row, caller):
        return row.silenced_key, row.silenced_type, row.silenced_size
    if row.variant == "audio_only" and row.sound_key is not None and not whole(row, caller):
        return row.sound_key, row.sound_type, row.sound_size
    return row.media_key, row.content_type, row.size


def view(row: Any, caller: Caller, now: datetime) -> StoryView:
    full = whole(row, caller)
    named = full or not row.anonymous
    segments = transcripts.loaded(row.segments)
    return StoryView(
        story_id=row.story_id, status=row.status, title=row.title or "",
        summary=row.summary or "", language=row.language, communities=row.communities,
        kind=row.kind, storyteller_role=row.storyteller_role,
        about_someone_else=row.about_someone_else,
        storyteller=(row.display_name or FORMER_MEMBER) if named else None,
        storyteller_id=row.storyteller_id if full else None, text=row.text,
        media=may_play(row, caller, now),
        content_type=served(row, caller)[1] if may_play(row, caller, now) else None,
        duration_s=row.duration_s, captions=bool(segments) and row.kind != "written",
        transcript=transcripts.shown(row.transcript_origin, row.machine_made,
                                     row.transcript_model, segments, full)
        if segments else None,
        visibility=row.visibility, embargo_until=row.embargo_until, anonymous=row.anonymous,
        variant=row.variant, policy_use=row.policy_use if full else None,
        consents=sorted(row.consents) if full else [],
        previewed=full and row.previewed == row.revision,
        review_note=row.review_note if full else None,
        created_at=row.created_at, published_at=row.published_at)

