"""Voice notes through the HANDLERS entries: upload, attach to a post, play back."""

import asyncio
from base64 import b64encode
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.feed.messages import MAX_VOICE_CHUNK
from feed.adapters import sql
from tests.audio import tone
from tests.service_tier import Tier, person

from .test_handlers import events

MEERA, RAVI, MODERATOR = person("patient"), person("caregiver"), person("moderator")


async def upload(feed: Tier, data: bytes, by: object = MEERA) -> dict:
    return await feed.ok("upload_voice_note", {"data_b64": b64encode(data).decode(),
                                               "filename": "note.webm"}, by)


async def test_a_note_is_uploaded_attached_by_its_owner_and_played_by_anyone(
        feed: Tier, tmp_path: Path) -> None:
    data = tone(1.0)
    note = await upload(feed, data)
    assert note["content_type"] == "audio/webm" and 0.9 < note["duration_s"] < 1.1
    note_id = note["voice_note_id"]
    assert (tmp_path / "media" / note_id).read_bytes() == data
    # Before it is on a published post, only its owner (and moderators) play it.
    assert (await feed.call("get_voice_note", {"voice_note_id": note_id}, RAVI)).status == 404
    assert (await feed.ok("get_voice_note", {"voice_note_id": note_id}, MODERATOR))["size"] \
        == len(data)
    stolen = await feed.call("create_post", {"community": "diabetes", "body": "Listen",
                                             "voice_note_id": note_id}, RAVI)
    assert stolen.status == 422 and stolen.body["errors"][0]["field"] == "voice_note_id"
    post = await feed.ok("create_post", {"community": "diabetes", "body": "My story, spoken",
                                         "voice_note_id": note_id}, MEERA)
    shown = await feed.ok("get_post", {"post_id": post["post_id"]})
    assert shown["voice_note_id"] == note_id
    again = await feed.call("create_post", {"community": "diabetes", "body": "Once more",
                                            "voice_note_id": note_id}, MEERA)
    assert again.status == 422 and "already" in again.body["detail"]
    info = await feed.ok("get_voice_note", {"voice_note_id": note_id})
    assert info == {"voice_note_id": note_id, "content_type": "audio/webm",
                    "duration_s": note["duration_s"], "size": len(data)}
    first = await feed.call("voice_note_bytes", {"voice_note_id": note_id, "length": 100})
    assert first.body == data[:100] and first.content_type == "audio/webm"
    rest = await feed.ok("voice_note_bytes", {"voice_note_id": note_id, "start": 100})
    assert rest == data[100:]
    past = await feed.call("voice_note_bytes", {"voice_note_id": note_id, "start": len(data)})
    assert past.status == 422


async def test_refused_uploads_write_nothing(feed: Tier, engine: AsyncEngine,
                                             tmp_path: Path) -> None:
    for data in (b"not a recording, only words\n" * 30, b"\0" * 700_001):
        refused = await feed.call("upload_voice_note",
                                  {"data_b64": b64encode(data).decode()}, MEERA)
        assert refused.status == 422 and refused.body["errors"][0]["field"] in ("file",
                                                                               "data_b64")
    garbled = await feed.call("upload_voice_note", {"data_b64": "%%%"}, MEERA)
    assert garbled.status == 422 and garbled.body["errors"][0]["field"] == "file"
    anonymous = await feed.call("upload_voice_note", {"data_b64": "AAAA"})
    assert anonymous.status == 401
    unknown = await feed.call("create_post", {"community": "diabetes", "body": "x",
                                              "voice_note_id": str(MEERA.user_id)}, MEERA)
    assert unknown.status == 422
    async with engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(sql.voice_notes)) == 0
    assert not (tmp_path / "media").exists() or not list((tmp_path / "media").iterdir())
    assert MAX_VOICE_CHUNK == 512 * 1024


async def test_a_note_on_a_comment_plays_back_and_goes_on_nothing_else(
        feed: Tier, engine: AsyncEngine) -> None:
    data = tone(1.0)
    post = await feed.ok("create_post", {"community": "diabetes", "body": "How do you sleep?"},
                         RAVI)
    note_id = (await upload(feed, data))["voice_note_id"]
    stolen = await feed.call("add_comment", {"post_id": post["post_id"], "body": "Listen",
                                             "voice_note_id": note_id}, RAVI)
    assert stolen.status == 422 and stolen.body["errors"][0]["field"] == "voice_note_id"
    comment = await feed.ok("add_comment", {"post_id": post["post_id"], "body": "Hear mine",
                                            "voice_note_id": note_id}, MEERA)
    [shown] = (await feed.ok("get_post", {"post_id": post["post_id"]}))["comments"]
    assert shown["voice_note_id"] == note_id
    assert (await feed.call("voice_note_bytes", {"voice_note_id": note_id})).body == data
    before = await events(engine)
    for operation, body in (("add_comment", {"post_id": post["post_id"], "body": "Again"}),
                            ("create_post", {"community": "diabetes", "body": "Again"})):
        again = await feed.call(operation, {**body, "voice_note_id": note_id}, MEERA)
        assert again.status == 422 and "already" in again.body["detail"], operation
    assert await events(engine) == before
    # A comment a moderator hid takes its note with it, but for its owner and moderators.
    await feed.ok("flag_comment", {"comment_id": comment["comment_id"], "reason": "other"},
                  RAVI)
    await feed.ok("decide_item", {"item_id": comment["comment_id"], "decision": "hide",
                                  "note": "not about the post"}, MODERATOR)
    [removed] = (await feed.ok("get_post", {"post_id": post["post_id"]}))["comments"]
    assert removed["voice_note_id"] is None
    assert (await feed.call("get_voice_note", {"voice_note_id": note_id}, RAVI)).status == 404
    assert (await feed.ok("get_voice_note", {"voice_note_id": note_id}, MEERA))["size"] \
        == len(data)


async def test_of_two_comments_attaching_one_note_at_once_one_is_refused(
        feed: Tier, engine: AsyncEngine) -> None:
    post = await feed.ok("create_post", {"community": "diabetes", "body": "Night sugar"}, RAVI)
    for _ in range(3):
        note_id = (await upload(feed, tone(0.5)))["voice_note_id"]
        replies = await asyncio.gather(*(
            feed.call(operation, {**body, "voice_note_id": note_id}, MEERA)
            for operation, body in (
                ("add_comment", {"post_id": post["post_id"], "body": "one"}),
                ("add_comment", {"post_id": post["post_id"], "body": "two"}),
                ("create_post", {"community": "diabetes", "body": "three"}))))
        assert sorted(r.status for r in replies) == [201, 422, 422], [r.body for r in replies]
    async with engine.connect() as conn:
        carried = (await conn.execute(sa.select(sql.comments.c.voice_note_id).where(
            sql.comments.c.voice_note_id.is_not(None)))).scalars().all()
        posted = (await conn.execute(sa.select(sql.posts.c.post_id))).scalars().all()
    assert len(carried) + len(posted) - 1 == 3 and len(set(carried)) == len(carried)
