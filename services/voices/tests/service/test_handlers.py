"""Every voices use case through its HANDLERS entry, on a real Postgres: a story told,
consented, transcribed, previewed, released, curated, published, played and withdrawn."""

import io
from base64 import b64encode
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.rpc import Principal, Reply
from contracts.voices.messages import PART_BYTES, Segment
from kit import readmodels
from kit.mediacheck import Limits, check_audio
from tests.audio import clip, tone
from tests.service_tier import Tier, operations_called_in, operations_of, person
from voices import handlers, projections
from voices.adapters import sql
from voices.adapters.transcriber import FakeTranscriber
from voices.deps import Deps
from voices.handlers.curation import erase_storyteller
from voices.handlers.media import transcribe

from .conftest import PERSONAL, storyteller, tier, with_

VERSION = "2026-12"
STORY = {"title": "Amma's first chemo", "summary": "What the first weeks were like for us",
         "language": "en", "communities": ["cancer", "caregivers"], "kind": "audio"}
SEGMENTS = [{"start": 0.0, "end": 1.2, "text": "My mother was diagnosed in March."},
            {"start": 1.2, "end": 2.4, "text": "Call me on 98765 43210 if you need help."},
            {"start": 2.4, "end": 3.0, "text": "We found a good oncologist, Dr. Iyer."}]


async def test_every_handler_is_called_by_a_test() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)


def b64(data: bytes) -> str:
    return b64encode(data).decode()


async def recorded_story(voices: Tier, teller: Principal, data: bytes | None = None,
                         **story: Any) -> str:
    created = await voices.ok("create_story", {**STORY, **story}, teller)
    story_id = str(created["story_id"])
    await voices.ok("give_consent", {"story_id": story_id, "purpose": "take_part",
                                     "version": VERSION}, teller)
    await voices.ok("upload_media", {"story_id": story_id,
                                     "data_b64": b64(data or tone(3.0))}, teller)
    return story_id


async def upload(voices: Tier, teller: Principal, story_id: str, data: bytes) -> Reply:
    """The recording in parts of PART_BYTES, as the gateway sends a large one."""
    parts = [data[i:i + PART_BYTES] for i in range(0, len(data), PART_BYTES)]
    for index, part in enumerate(parts[:-1]):
        await voices.ok("put_media_part", {"story_id": story_id, "index": index,
                                           "data_b64": b64(part)}, teller)
    return await voices.call("upload_media", {"story_id": story_id, "parts": len(parts) - 1,
                                              "data_b64": b64(parts[-1])}, teller)


async def released_story(voices: Tier, teller: Principal, **release: Any) -> str:
    story_id = await recorded_story(voices, teller)
    await voices.ok("set_transcript", {"story_id": story_id, "segments": SEGMENTS}, teller)
    await voices.ok("preview_story", {"story_id": story_id}, teller)
    await voices.ok("release_story", {"story_id": story_id, "visibility": "members",
                                      "version": VERSION, **release}, teller)
    return story_id


async def test_a_caregivers_story_about_her_mother_is_told_released_and_published(
        voices: Tier, engine: AsyncEngine) -> None:
    teller, curator = await storyteller(engine, "caregiver"), person("voices_curator")
    member, visitor = person("patient"), None
    story_id = await recorded_story(voices, teller, about_someone_else=True)
    unreleased = await voices.call("release_story", {
        "story_id": story_id, "visibility": "members", "version": VERSION}, teller)
    assert unreleased.status == 422  # no transcript yet
    await voices.ok("set_transcript", {"story_id": story_id, "segments": SEGMENTS}, teller)
    assert (await voices.call("release_story", {
        "story_id": story_id, "visibility": "members", "version": VERSION},
        teller)).status == 409  # not previewed
    preview = await voices.ok("preview_story", {"story_id": story_id}, teller)
    assert preview["previewed"] and len(preview["transcript"]["segments"]) == 3
    missing = await voices.call("release_story", {
        "story_id": story_id, "visibility": "members", "version": VERSION}, teller)
    assert missing.status == 422 and "subject_consent" in missing.body["detail"]
    await voices.ok("give_consent", {"story_id": story_id, "purpose": "subject_consent",
                                     "version": VERSION, "language": "hi",
                                     "given_by": "patient", "name": "Kamala Devi"}, teller)
    released = await voices.ok("release_story", {
        "story_id": story_id, "visibility": "members", "anonymous": True,
        "version": VERSION}, teller)
    assert released["status"] == "submitted"
    assert (await voices.call("get_story", {"story_id": story_id}, member)).status == 404

    [item] = (await voices.ok("curation_queue", {}, curator))["items"]
    assert item["story"]["story_id"] == story_id
    assert {"where": "segment", "index": 1, "kind": "phone", "found": None} in item["pointers"]
    named = {"where": "segment", "index": 2, "kind": "name", "found": "Dr. Iyer"}
    assert named in item["pointers"]
    detail = await voices.ok("get_story", {"story_id": story_id}, curator)
    assert named in detail["pointers"]
    decided = await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"},
                              curator)
    assert decided["status"] == "published"

    shown = await voices.ok("get_story", {"story_id": story_id}, member)
    assert shown["storyteller"] is None and shown["storyteller_id"] is None
    assert shown["pointers"] == []  # what to redact is for the storyteller and curators
    assert shown["media"] and shown["transcript"]["label"] == "the storyteller's own transcript"
    info = await voices.ok("story_media", {"story_id": story_id}, member)
    head = await voices.call("story_media_bytes", {"story_id": story_id, "start": 0,
                                                   "length": 100}, member)
    assert head.status == 200 and len(head.body) == 100 and info["size"] > 100
    for operation, body in (("get_story", {"story_id": story_id}),
                            ("story_media", {"story_id": story_id}),
                            ("story_media_bytes", {"story_id": story_id, "start": 0,
                                                   "length": 10})):
        assert (await voices.call(operation, body, visitor)).status == 404
    assert (await voices.ok("list_stories", {}, visitor))["items"] == []
    [listed] = (await voices.ok("list_stories", {"community": "cancer"}, member))["items"]
    assert listed["story_id"] == story_id
    captions = await voices.call("story_captions", {"story_id": story_id}, member)
    assert captions.status == 200 and captions.body.startswith(b"WEBVTT")


async def test_a_redacted_segment_is_left_out_and_silenced_in_what_readers_hear(
        voices: Tier, engine: AsyncEngine) -> None:
    teller, curator, member = await storyteller(engine), person("moderator"), person("patient")
    recording = tone(3.0)
    story_id = await recorded_story(voices, teller, recording)
    redacted = [SEGMENTS[0], {**SEGMENTS[1], "redacted": True}, SEGMENTS[2]]
    await voices.ok("set_transcript", {"story_id": story_id, "segments": redacted}, teller)
    await voices.ok("preview_story", {"story_id": story_id}, teller)
    await voices.ok("release_story", {"story_id": story_id, "visibility": "public",
                                      "version": VERSION}, teller)
    await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"}, curator)
    shown = await voices.ok("get_story", {"story_id": story_id}, member)
    assert [s["text"] for s in shown["transcript"]["segments"]] == [
        SEGMENTS[0]["text"], SEGMENTS[2]["text"]]
    vtt = (await voices.ok("story_captions", {"story_id": story_id}, member)).decode()
    assert "98765" not in vtt and "diagnosed in March" in vtt
    heard = await _played(voices, story_id, member)
    assert heard != recording and check_audio(heard, Limits(10**6, 60)).duration_s == 3.0
    assert loudness(heard, 1.3, 2.3) < 0.001 < loudness(heard, 0.1, 1.1)
    assert await _played(voices, story_id, teller) == recording  # its storyteller's own


async def _played(voices: Tier, story_id: str, who: Principal) -> bytes:
    info = await voices.ok("story_media", {"story_id": story_id}, who)
    reply = await voices.call("story_media_bytes", {"story_id": story_id, "start": 0,
                                                    "length": info["size"]}, who)
    assert reply.status == 200
    return bytes(reply.body)


def loudness(data: bytes, start: float, end: float) -> float:
    """The mean absolute sample of the sound between two times."""
    with av.open(io.BytesIO(data)) as file:
        levels = [float(abs(frame.to_ndarray()).mean())
                  for frame in file.decode(file.streams.audio[0])
                  if frame.pts is not None and frame.time_base is not None
                  and start <= float(frame.pts * frame.time_base) < end]
    return sum(levels) / len(levels)


async def test_a_redacted_video_is_released_text_or_audio_only(voices: Tier,
                                                              engine: AsyncEngine) -> None:
    teller, curator, member = await storyteller(engine), person("moderator"), person("patient")
    story_id = await recorded_story(voices, teller, clip(3.0), kind="video")
    redacted = [SEGMENTS[0], {**SEGMENTS[1], "redacted": True}]
    await voices.ok("set_transcript", {"story_id": story_id, "segments": redacted}, teller)
    await voices.ok("preview_story", {"story_id": story_id}, teller)
    refused = await voices.call("release_story", {"story_id": story_id, "visibility": "public",
                                                  "version": VERSION}, teller)
    assert refused.status == 422 and refused.body["errors"][0]["field"] == "variant"
    await voices.ok("release_story", {"story_id": story_id, "visibility": "public",
                                      "variant": "text_only", "version": VERSION}, teller)
    await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"}, curator)
    shown = await voices.ok("get_story", {"story_id": story_id}, member)
    assert not shown["media"] and shown["captions"]
    assert (await voices.call("story_media", {"story_id": story_id}, member)).status == 404


async def test_a_machine_transcript_is_labelled_and_kept_when_corrected(
        deps: Deps, engine: AsyncEngine) -> None:
    machine = FakeTranscriber([Segment(start=0, end=2.5, text="my mother was diagnose")])
    voices = tier(with_(deps, transcriber=machine))
    teller = await storyteller(engine)
    story_id = await recorded_story(voices, teller)
    row = (await voices.ok("my_stories", {}, teller))["items"][0]
    assert row["transcript"] is None
    assert await transcribe(with_(deps, transcriber=machine), row["story_id"],
                            await _media_key(engine, story_id), "en")
    shown = await voices.ok("get_story", {"story_id": story_id}, teller)
    assert shown["transcript"]["origin"] == "machine"
    assert shown["transcript"]["label"] == "machine transcript"
    corrected = await voices.ok("set_transcript", {"story_id": story_id, "segments": [
        {"start": 0, "end": 2.5, "text": "My mother was diagnosed."}]}, teller)
    assert corrected["transcript"]["label"] == "machine transcript, corrected by the storyteller"


async def _media_key(engine: AsyncEngine, story_id: str) -> str:
    async with engine.connect() as conn:
        return str(await conn.scalar(sa.select(sql.stories.c.media_key).where(
            sql.stories.c.story_id == story_id)))


async def test_a_large_recording_comes_in_parts_and_bad_uploads_keep_nothing(
        voices: Tier, engine: AsyncEngine, deps: Deps) -> None:
    teller = await storyteller(engine)
    story_id = (await voices.ok("create_story", {**STORY, "kind": "video"}, teller))["story_id"]
    early = await voices.call("upload_media", {"story_id": story_id, "data_b64": b64(clip(1))},
                              teller)
    assert early.status == 422 and "take_part" in early.body["detail"]
    await voices.ok("give_consent", {"story_id": story_id, "purpose": "take_part",
                                     "version": VERSION}, teller)
    data = clip(2.0, "mp4") + b""
    parts = [data[i:i + 8000] for i in range(0, len(data), 8000)]
    for index, part in enumerate(parts[:-1]):
        await voices.ok("put_media_part", {"story_id": story_id, "index": index,
                                           "data_b64": b64(part)}, teller)
    uploaded = await voices.ok("upload_media", {"story_id": story_id,
                                                "parts": len(parts) - 1,
                                                "data_b64": b64(parts[-1])}, teller)
    assert uploaded["content_type"] == "video/mp4" and uploaded["size"] == len(data)
    assert uploaded["transcript"] == "awaiting"
    folder = Path(str(deps.media.folder))  # type: ignore[attr-defined]
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 2 and kept[1].endswith("-sound")  # the parts are gone
    for data, says in ((b"Dear diary, this is no recording.\n" * 30, "not video"),
                       (clip(25), "at most 20 s"),  # the tier's limit
                       (tone(2.0), "one picture and one sound")):
        refused = await upload(voices, teller, story_id, data)
        assert refused.status == 422 and says in refused.body["detail"], refused.body
    beyond = await voices.call("put_media_part", {"story_id": story_id, "index": 2,
                                                  "data_b64": b64(b"\0" * 10)}, teller)
    assert beyond.status == 422  # two parts hold the tier's 400 KB
    await voices.ok("put_media_part", {"story_id": story_id, "index": 1,
                                       "data_b64": b64(b"\0" * 10)}, teller)
    gap = await voices.call("upload_media", {"story_id": story_id, "parts": 2,
                                             "data_b64": ""}, teller)
    assert gap.status == 422 and "part 0" in gap.body["detail"]
    huge = await voices.call("upload_media", {
        "story_id": story_id, "parts": 400_000 // PART_BYTES + 2, "data_b64": ""}, teller)
    assert huge.status == 422 and "at most 400000 bytes" in huge.body["detail"]
    assert sorted(p.name for p in folder.iterdir()) == kept
    other = await storyteller(engine)
    assert (await voices.call("put_media_part", {"story_id": story_id, "index": 0,
                                                 "data_b64": b64(b"x")}, other)).status == 404


async def test_a_written_story_and_the_consent_wordings(voices: Tier,
                                                        engine: AsyncEngine) -> None:
    teller = await storyteller(engine)
    wordings = (await voices.ok("consent_wordings", {"language": "hi"}))["items"]
    assert {w["purpose"] for w in wordings} == {"take_part", "subject_consent",
                                                "third_party", "release"}
    assert all(w["language"] == "hi" for w in wordings)
    story_id = (await voices.ok("create_story", {**STORY, "kind": "written"},
                                teller))["story_id"]
    await voices.ok("write_story", {"story_id": story_id, "text": "It began in March."},
                    teller)
    stale = await voices.call("give_consent", {"story_id": story_id, "purpose": "take_part",
                                               "version": "2020-01"}, teller)
    assert stale.status == 422 and stale.body["errors"][0]["field"] == "version"
    await voices.ok("give_consent", {"story_id": story_id, "purpose": "take_part",
                                     "version": VERSION}, teller)
    await voices.ok("preview_story", {"story_id": story_id}, teller)
    names = await voices.call("release_story", {"story_id": story_id, "visibility": "public",
                                                "names_others": True, "version": VERSION},
                              teller)
    assert names.status == 422 and "third_party" in names.body["detail"]
    await voices.ok("release_story", {"story_id": story_id, "visibility": "public",
                                      "version": VERSION}, teller)
    assert (await voices.call("story_captions", {"story_id": story_id}, teller)).status == 404
    mine = (await voices.ok("my_stories", {}, teller))["items"]
    assert [s["status"] for s in mine] == ["submitted"] and mine[0]["text"]


async def test_request_changes_then_withdrawal_and_erasure_remove_everything(
        voices: Tier, engine: AsyncEngine, deps: Deps) -> None:
    teller, curator = await storyteller(engine), person("voices_curator")
    story_id = await released_story(voices, teller, visibility="public")
    asked = await voices.ok("decide_story", {"story_id": story_id,
                                             "decision": "request_changes",
                                             "note": "Please redact the phone number"},
                            curator)
    assert asked["status"] == "changes_requested"
    mine = await voices.ok("get_story", {"story_id": story_id}, teller)
    assert mine["review_note"] == "Please redact the phone number"
    assert (await voices.call("decide_story", {"story_id": story_id, "decision": "approve"},
                              curator)).status == 409
    folder = Path(str(deps.media.folder))  # type: ignore[attr-defined]
    assert list(folder.iterdir())
    await voices.ok("withdraw_story", {"story_id": story_id}, teller)
    assert not list(folder.iterdir())
    assert (await voices.call("get_story", {"story_id": story_id}, teller)).status == 404
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(sql.stories).where(
            sql.stories.c.story_id == story_id))).one()
    assert row.title is None and row.segments is None

    published = await released_story(voices, teller, visibility="public")
    await voices.ok("decide_story", {"story_id": published, "decision": "approve"}, curator)
    assert (await voices.ok("list_stories", {}))["items"]
    async with deps.db.transaction() as conn:
        await PERSONAL.shred(conn, teller.user_id)
        await erase_storyteller(deps, conn, teller.user_id)
    assert (await voices.ok("list_stories", {}))["items"] == []
    assert not list(folder.iterdir())


async def test_rebuilding_the_stories_gives_the_same_gallery(
        voices: Tier, engine: AsyncEngine, deps: Deps) -> None:
    teller, curator = await storyteller(engine), person("voices_curator")
    for visibility in ("public", "members"):
        story_id = await released_story(voices, teller, visibility=visibility)
        await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"},
                        curator)
    before = await voices.ok("list_stories", {}, person("patient"))
    assert len(before["items"]) == 2
    policy = await released_story(voices, teller, visibility="policy", policy_use=True)
    await voices.ok("decide_story", {"story_id": policy, "decision": "approve"}, curator)
    [listed] = (await voices.ok("policy_stories", {"community": "cancer"},
                                person("admin")))["items"]
    assert listed["story_id"] == policy and listed["summary"] and listed["policy_use"]
    assert (await voices.call("policy_stories", {}, person("patient"))).status == 403
    assert len((await voices.ok("list_stories", {}, person("patient")))["items"]) == 2
    assert await readmodels.rebuild(engine, projections.stories(deps.personal)) > 0
    assert await voices.ok("list_stories", {}, person("patient")) == before


async def test_bad_input_is_refused_and_writes_nothing(voices: Tier,
                                                       engine: AsyncEngine) -> None:
    teller = await storyteller(engine)
    for body in ({**STORY, "kind": "podcast"}, {**STORY, "communities": []},
                 {**STORY, "communities": ["Not A Slug!"]}, {**STORY, "title": ""}):
        refused = await voices.call("create_story", body, teller)
        assert refused.status == 422, (body, refused.body)
    for body, who in (({**STORY, "storyteller_role": "caregiver"}, teller),
                      (STORY, person("moderator")), (STORY, person("professional"))):
        refused = await voices.call("create_story", body, who)
        assert refused.status == 403, (body, refused.body)  # not a role of theirs
    story_id = await recorded_story(voices, teller)
    for segments in ([], [{"start": 2, "end": 1, "text": "x"}],
                     [{"start": 0, "end": 2, "text": "a"}, {"start": 1, "end": 3, "text": "b"}],
                     [{"start": 0, "end": 90, "text": "longer than the recording"}]):
        refused = await voices.call("set_transcript", {"story_id": story_id,
                                                       "segments": segments}, teller)
        assert refused.status == 422, (segments, refused.body)
    for release in ({"visibility": "embargoed", "version": VERSION},
                    {"visibility": "everyone", "version": VERSION},
                    {"visibility": "public", "until": "2030-01-01T00:00:00Z",
                     "version": VERSION}):
        refused = await voices.call("release_story", {"story_id": story_id, **release}, teller)
        assert refused.status == 422, (release, refused.body)
    assert (await voices.call("list_stories", {"cursor": "garbage"})).status == 422
    assert (await voices.call("decide_story", {"story_id": story_id, "decision": "reject"},
                              person("voices_curator"))).status == 422  # a note is needed
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM voices.events")) == 3


async def test_flags_are_reviewed_with_a_24_hour_clock_and_a_take_down_unpublishes(
        voices: Tier, engine: AsyncEngine, deps: Deps) -> None:
    teller, curator = await storyteller(engine), person("voices_curator")
    reader = await storyteller(engine, "patient")
    story_id = await released_story(voices, teller, visibility="public")
    early = await voices.call("flag_story", {"story_id": story_id,
                                             "reason": "It names my doctor"}, reader)
    assert early.status == 404  # not published yet: not the reader's to see
    await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"}, curator)
    await voices.ok("flag_story", {"story_id": story_id, "reason": "It names my doctor"},
                    reader)
    again = await voices.call("flag_story", {"story_id": story_id, "reason": "Once more"},
                              reader)
    assert again.status == 409
    later = with_(deps, clock=lambda: datetime.now(UTC) + timedelta(hours=25))
    [flagged] = (await tier(later).ok("curation_queue", {}, curator))["flagged"]
    assert flagged["open_flags"] == 1 and flagged["reasons"] == ["It names my doctor"]
    assert flagged["overdue"] and flagged["waiting_hours"] > 24
    [fresh] = (await voices.ok("curation_queue", {}, curator))["flagged"]
    assert not fresh["overdue"]
    async with engine.connect() as conn:  # what the metric pu_story_flags_overdue counts
        assert await sql.overdue_flags(conn, datetime.now(UTC) + timedelta(hours=1)) == 1
        assert await sql.overdue_flags(conn, datetime.now(UTC) - timedelta(hours=24)) == 0
    taken = await voices.ok("decide_flags", {"story_id": story_id, "decision": "take_down",
                                             "note": "Please remove the doctor's name"},
                            curator)
    assert taken["status"] == "changes_requested"
    assert (await voices.ok("list_stories", {}))["items"] == []
    assert (await voices.ok("curation_queue", {}, curator))["flagged"] == []
    mine = await voices.ok("get_story", {"story_id": story_id}, teller)
    assert mine["review_note"] == "Please remove the doctor's name"
    assert (await voices.call("decide_flags", {"story_id": story_id, "decision": "dismiss",
                                               "note": "none open"}, curator)).status == 409


async def test_a_video_released_anonymous_and_audio_only_plays_its_sound_alone(
        voices: Tier, engine: AsyncEngine) -> None:
    teller, curator, member = await storyteller(engine), person("moderator"), person("patient")
    video = clip(2.0)
    story_id = await recorded_story(voices, teller, video, kind="video")
    await voices.ok("set_transcript", {"story_id": story_id, "segments": SEGMENTS[:1]}, teller)
    await voices.ok("preview_story", {"story_id": story_id}, teller)
    await voices.ok("release_story", {"story_id": story_id, "visibility": "members",
                                      "anonymous": True, "variant": "audio_only",
                                      "version": VERSION}, teller)
    await voices.ok("decide_story", {"story_id": story_id, "decision": "approve"}, curator)
    heard = await voices.ok("story_media", {"story_id": story_id}, member)
    assert heard["content_type"] == "audio/webm" and heard["size"] != len(video)
    sound = await voices.call("story_media_bytes", {"story_id": story_id, "start": 0,
                                                    "length": heard["size"]}, member)
    assert check_audio(sound.body, Limits(10**6, 60)).content_type == "audio/webm"
    seen = await voices.ok("story_media", {"story_id": story_id}, teller)
    assert seen["content_type"] == "video/webm" and seen["size"] == len(video)
    shown = await voices.ok("get_story", {"story_id": story_id}, member)
    assert shown["content_type"] == "audio/webm" and shown["storyteller"] is None
