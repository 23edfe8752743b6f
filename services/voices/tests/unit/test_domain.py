"""A story's rules: given its events, a decision's events (no servers)."""

from datetime import UTC, datetime, timedelta
from functools import reduce
from uuid import uuid4

import pytest

from contracts.events import Event
from contracts.voices.events import (
    ConsentRecorded,
    StoryCreated,
    StoryPreviewed,
    StoryPublished,
    StoryRecorded,
    StoryReleased,
    StoryWithdrawn,
    TranscriptSet,
)
from contracts.voices.messages import ReleaseBody, Segment
from voices import domain

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
TELLER, CURATOR = uuid4(), uuid4()
STORY = uuid4()
MEMBERS = ReleaseBody(visibility="members", anonymous=True, version="2026-12")


def created(kind: str = "audio", about: bool = False) -> StoryCreated:
    return StoryCreated(story_id=STORY, storyteller_id=TELLER, storyteller_role="caregiver",
                        title="t", summary="s", language="en", communities=["cancer"],
                        kind=kind, about_someone_else=about)


def consent(purpose: str) -> ConsentRecorded:
    return ConsentRecorded(story_id=STORY, purpose=purpose, wording_version="2026-12",
                           language="en", wording="…", given_by="storyteller",
                           recorded_by=TELLER)


RECORDED = StoryRecorded(story_id=STORY, media_key="story-k", content_type="audio/webm",
                         duration_s=10.0, size=100)


def transcript(redacted: int = 0) -> TranscriptSet:
    return TranscriptSet(story_id=STORY, origin="storyteller", machine_made=False,
                         segments="sealed", segment_count=2, redacted_count=redacted)


def folded(*events: Event) -> domain.Story:
    return reduce(domain.evolve, events, domain.Story())


def ready(*more: Event, about: bool = False) -> domain.Story:
    """A recorded, transcribed, consented story, previewed as it stands."""
    story = folded(created(about=about), consent("take_part"), RECORDED, transcript(), *more)
    return domain.evolve(story, StoryPreviewed(story_id=STORY, revision=story.revision))


def test_a_previewed_complete_story_is_released_and_awaits_a_curator() -> None:
    [released] = domain.release(ready(), TELLER, MEMBERS, "the wording", NOW)
    assert isinstance(released, StoryReleased)
    assert released.visibility == "members" and released.anonymous
    assert released.wording == "the wording" and released.wording_version == "2026-12"
    assert domain.evolve(ready(), released).status == domain.SUBMITTED


def test_a_release_needs_the_preview_of_the_story_as_it_stands() -> None:
    story = folded(created(), consent("take_part"), RECORDED, transcript())
    with pytest.raises(domain.NotPreviewedError):
        domain.release(story, TELLER, MEMBERS, "w", NOW)
    changed = domain.evolve(ready(), transcript())  # corrected after the preview
    with pytest.raises(domain.NotPreviewedError):
        domain.release(changed, TELLER, MEMBERS, "w", NOW)


def test_a_story_about_someone_else_needs_their_consent() -> None:
    with pytest.raises(domain.ConsentMissingError, match="subject_consent"):
        domain.release(ready(about=True), TELLER, MEMBERS, "w", NOW)
    story = ready(consent("subject_consent"), about=True)
    assert domain.release(story, TELLER, MEMBERS, "w", NOW)


def test_a_recording_needs_its_transcript_and_the_consent_to_take_part() -> None:
    with pytest.raises(domain.ConsentMissingError, match="take_part"):
        domain.may_record(folded(created()), TELLER)
    untranscribed = folded(created(), consent("take_part"), RECORDED)
    untranscribed = domain.evolve(untranscribed, StoryPreviewed(
        story_id=STORY, revision=untranscribed.revision))
    with pytest.raises(domain.ContentMissingError, match="transcript"):
        domain.release(untranscribed, TELLER, MEMBERS, "w", NOW)


def test_redactions_are_silenced_in_what_readers_hear_or_the_story_is_text_only() -> None:
    story = ready(transcript(redacted=1))
    story = domain.evolve(story, StoryPreviewed(story_id=STORY, revision=story.revision))
    assert domain.silence_source(story, "full") == "story-k"
    assert domain.silence_source(story, "text_only") is None
    assert domain.silence_source(ready(), "full") is None  # nothing redacted
    [released] = domain.release(story, TELLER, MEMBERS, "w", NOW,
                                ("story-k-r5", "audio/webm", 10))
    assert isinstance(released, StoryReleased) and released.silenced_key == "story-k-r5"
    assert domain.media_keys(domain.evolve(story, released)) == ["story-k", "story-k-r5"]
    video = folded(created("video"), consent("take_part"), StoryRecorded(
        story_id=STORY, media_key="v", content_type="video/webm", duration_s=10.0, size=1,
        sound_key="v-sound", sound_type="audio/webm", sound_size=1), transcript(redacted=1))
    video = domain.evolve(video, StoryPreviewed(story_id=STORY, revision=video.revision))
    with pytest.raises(domain.VariantError, match="audio only"):
        domain.release(video, TELLER, MEMBERS, "w", NOW)
    assert domain.silence_source(video, "audio_only") == "v-sound"


def test_an_embargo_ends_in_the_future() -> None:
    past = ReleaseBody(visibility="embargoed", until=NOW - timedelta(days=1), version="v")
    with pytest.raises(domain.EmbargoError):
        domain.release(ready(), TELLER, past, "w", NOW)


def test_an_embargoed_story_is_published_to_everyone_once_its_embargo_is_over() -> None:
    until = NOW + timedelta(hours=1)
    body = ReleaseBody(visibility="embargoed", until=until, version="v")
    released = domain.evolve(ready(), *domain.release(ready(), TELLER, body, "w", NOW))
    _, approved = domain.decide(released, CURATOR, "approve", "", NOW)
    assert isinstance(approved, StoryPublished) and approved.visibility == "embargoed"
    published = domain.evolve(released, approved)
    assert domain.end_embargo(published, until - timedelta(seconds=1)) == []
    [ended] = domain.end_embargo(published, until)
    assert isinstance(ended, StoryPublished) and ended.visibility == "public"
    assert ended.embargo_until == until and ended.published_at == until
    assert domain.end_embargo(domain.evolve(published, ended), until + timedelta(days=1)) == []
    assert domain.end_embargo(released, until) == []  # not approved: not published
    withdrawn = domain.evolve(published, *domain.withdraw(published, TELLER, "storyteller"))
    assert domain.end_embargo(withdrawn, until) == []
    _, late = domain.decide(released, CURATOR, "approve", "", until)  # approved after it
    assert late.visibility == "public"  # type: ignore[attr-defined]
    members = domain.evolve(ready(), *domain.release(ready(), TELLER, MEMBERS, "w", NOW))
    assert domain.end_embargo(domain.evolve(members, domain.decide(
        members, CURATOR, "approve", "", NOW)[1]), until) == []


def test_approval_of_a_released_story_publishes_it_and_nothing_else_does() -> None:
    with pytest.raises(domain.NotSubmittedError):
        domain.decide(ready(), CURATOR, "approve", "", NOW)
    released = domain.evolve(ready(), *domain.release(ready(), TELLER, MEMBERS, "w", NOW))
    _, published = domain.decide(released, CURATOR, "approve", "", NOW)
    assert isinstance(published, StoryPublished) and published.visibility == "members"
    [changes] = domain.decide(released, CURATOR, "request_changes", "shorter", NOW)
    again = domain.evolve(released, changes)
    assert again.status == domain.CHANGES_REQUESTED and again.release is None
    with pytest.raises(domain.NotSubmittedError):
        domain.decide(again, CURATOR, "approve", "", NOW)


def test_a_change_after_the_release_makes_it_a_draft_to_release_again() -> None:
    released = domain.evolve(ready(), *domain.release(ready(), TELLER, MEMBERS, "w", NOW))
    changed = domain.evolve(released, transcript())
    assert changed.status == domain.DRAFT and changed.release is None


def test_withdrawal_is_the_storytellers_at_any_time_and_ends_the_story() -> None:
    story = ready()
    with pytest.raises(domain.NoSuchStoryError):
        domain.withdraw(story, CURATOR, "storyteller")
    [withdrawn] = domain.withdraw(story, TELLER, "storyteller")
    assert isinstance(withdrawn, StoryWithdrawn)
    gone = domain.evolve(story, withdrawn)
    assert gone.media_key is None
    with pytest.raises(domain.NoSuchStoryError):
        domain.withdraw(gone, TELLER, "storyteller")
    assert domain.withdraw(story, None, "erasure")[0].reason == "erasure"  # type: ignore[attr-defined]


def test_others_drafts_are_no_story_and_a_curator_transcribes_only_released_ones() -> None:
    segments = [Segment(start=0, end=1, text="hello")]
    with pytest.raises(domain.NoSuchStoryError):
        domain.transcript(ready(), CURATOR, True, "sealed", segments)
    released = domain.evolve(ready(), *domain.release(ready(), TELLER, MEMBERS, "w", NOW))
    [event] = domain.transcript(released, CURATOR, True, "sealed", segments)
    assert isinstance(event, TranscriptSet) and event.origin == "curator"
    with pytest.raises(domain.TranscriptRangeError):
        domain.transcript(ready(), TELLER, False, "s", [Segment(start=0, end=60, text="x")])


def test_a_video_released_audio_only_is_heard_not_seen() -> None:
    video = StoryRecorded(story_id=STORY, media_key="story-v", content_type="video/webm",
                          duration_s=10.0, size=100, sound_key="story-v-sound",
                          sound_type="audio/webm", sound_size=80)
    story = folded(created("video"), consent("take_part"), video, transcript())
    story = domain.evolve(story, StoryPreviewed(story_id=STORY, revision=story.revision))
    assert domain.media_keys(story) == ["story-v", "story-v-sound"]
    audio_only = MEMBERS.model_copy(update={"variant": "audio_only"})
    [released] = domain.release(story, TELLER, audio_only, "w", NOW)
    assert isinstance(released, StoryReleased) and released.variant == "audio_only"
    with pytest.raises(domain.KindError):  # a video is kept with its sound apart
        domain.record(story, TELLER, video.model_copy(update={"sound_key": None}))


def test_a_written_story_has_no_recording() -> None:
    with pytest.raises(domain.KindError):
        domain.may_record(folded(created("written"), consent("take_part")), TELLER)


def test_the_storyteller_role_must_be_held() -> None:
    assert domain.storyteller_role(None, ("caregiver",)) == "caregiver"
    with pytest.raises(domain.StorytellerRoleError):
        domain.storyteller_role("caregiver", ("patient",))
    with pytest.raises(domain.StorytellerRoleError):
        domain.storyteller_role(None, ("moderator",))
