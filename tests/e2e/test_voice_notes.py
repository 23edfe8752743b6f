"""A voice note through the gateway: uploaded as a form's file, attached to a post,
played back whole and by a range; refused uploads write nothing."""

import httpx

from tests.audio import tone
from tests.platform import Platform, patient

PROBLEM = "application/problem+json"


async def test_a_real_recording_uploads_attaches_and_plays_back_by_range(
        platform: Platform) -> None:
    data = tone(3.0)  # webm/opus, as a browser records it
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera = await patient(client, "Meera")
        uploaded = await client.post("/v1/media/voice-notes", headers=meera,
                                     files={"file": ("story.webm", data, "audio/webm")})
        assert uploaded.status_code == 201, uploaded.text
        note = uploaded.json()
        assert note["content_type"] == "audio/webm" and 2.9 < note["duration_s"] < 3.1
        url = f"/v1/media/voice-notes/{note['voice_note_id']}"
        assert (await client.get(url)).status_code == 404  # on no published post yet
        posted = await client.post("/v1/posts", headers=meera, json={
            "community": "diabetes", "body": "My first week on insulin, in my words",
            "voice_note_id": note["voice_note_id"]})
        assert posted.status_code == 201, posted.text

        ranged = await client.get(url, headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 206 and ranged.content == data[:100]
        assert ranged.headers["content-range"] == f"bytes 0-99/{len(data)}"
        assert ranged.headers["accept-ranges"] == "bytes"
        assert ranged.headers["content-type"] == "audio/webm"
        whole = await client.get(url)
        assert whole.status_code == 200 and whole.content == data
        tail = await client.get(url, headers={"Range": "bytes=-10"})
        assert tail.status_code == 206 and tail.content == data[-10:]
        beyond = await client.get(url, headers={"Range": f"bytes={len(data)}-"})
        assert beyond.status_code == 416
        assert beyond.headers["content-range"] == f"bytes */{len(data)}"
        shown = (await client.get(f"/v1/posts/{posted.json()['post_id']}")).json()
        assert shown["voice_note_id"] == note["voice_note_id"]


async def test_a_note_larger_than_one_reply_is_served_whole_and_across_the_seam(
        platform: Platform) -> None:
    data = tone(6.5, "wav", "pcm_s16le")  # ~624 KB: two of the feed's 512 KB replies
    seam = 512 * 1024
    async with httpx.AsyncClient(base_url=platform.url) as client:
        asha = await patient(client, "Asha")
        note = (await client.post("/v1/media/voice-notes", headers=asha,
                                  files={"file": ("a.wav", data, "audio/wav")})).json()
        url = f"/v1/media/voice-notes/{note['voice_note_id']}"
        whole = await client.get(url, headers=asha)  # its owner plays it before posting
        assert whole.status_code == 200 and whole.content == data
        assert whole.headers["content-length"] == str(len(data))
        across = await client.get(url, headers={**asha, "Range": f"bytes={seam - 5}-"})
        assert across.status_code == 206 and across.content == data[seam - 5:]


async def test_a_renamed_text_file_and_an_oversized_file_are_refused(
        platform: Platform) -> None:
    media = platform.stack.log_dir / "media"
    before = sorted(media.iterdir()) if media.exists() else []
    async with httpx.AsyncClient(base_url=platform.url) as client:
        ravi = await patient(client, "Ravi")
        for name, data, status in (
                ("note.webm", b"Dear diary, not a recording at all.\n" * 40, 422),
                ("empty.webm", b"", 422),
                ("big.webm", b"\x1a\x45\xdf\xa3" + b"\0" * 705_000, 422),  # the route's cap
                ("huge.webm", b"\0" * 2_000_000, 413)):  # the edge's, before any parsing
            refused = await client.post("/v1/media/voice-notes", headers=ravi,
                                        files={"file": (name, data, "audio/webm")})
            assert refused.status_code == status, refused.text
            assert refused.headers["content-type"] == PROBLEM
            if status == 422:
                assert refused.json()["errors"][0]["field"] == "file"
        missing = await client.post("/v1/media/voice-notes", headers=ravi,
                                    files={"other": ("x.txt", b"x", "text/plain")})
        assert missing.status_code == 422
        anonymous = await client.post("/v1/media/voice-notes",
                                      files={"file": ("n.webm", tone(0.5), "audio/webm")})
        assert anonymous.status_code == 401
    assert (sorted(media.iterdir()) if media.exists() else []) == before


async def test_a_note_on_a_comment_plays_back_and_is_attached_once(
        platform: Platform) -> None:
    data = tone(2.0)
    async with httpx.AsyncClient(base_url=platform.url) as client:
        meera, ravi = await patient(client, "Meera"), await patient(client, "Ravi")
        post_id = (await client.post("/v1/posts", headers=ravi, json={
            "community": "heart-health", "body": "How do you use a spacer?"})).json()["post_id"]
        note_id = (await client.post("/v1/media/voice-notes", headers=meera, files={
            "file": ("how.webm", data, "audio/webm")})).json()["voice_note_id"]
        commented = await client.post(f"/v1/posts/{post_id}/comments", headers=meera, json={
            "body": "I recorded how I do it", "voice_note_id": note_id})
        assert commented.status_code == 201, commented.text
        [comment] = (await client.get(f"/v1/posts/{post_id}")).json()["comments"]
        assert comment["voice_note_id"] == note_id
        url = f"/v1/media/voice-notes/{note_id}"
        ranged = await client.get(url, headers={"Range": "bytes=10-59"})  # anyone plays it
        assert ranged.status_code == 206 and ranged.content == data[10:60]
        assert (await client.get(url)).content == data
        for path, body in ((f"/v1/posts/{post_id}/comments", {"body": "Once more"}),
                           ("/v1/posts", {"community": "heart-health", "body": "Once more"})):
            again = await client.post(path, headers=meera, json={**body,
                                                                 "voice_note_id": note_id})
            assert again.status_code == 422 and again.headers["content-type"] == PROBLEM
            assert again.json()["errors"][0]["field"] == "voice_note_id"
        theirs = await client.post(f"/v1/posts/{post_id}/comments", headers=ravi, json={
            "body": "Mine now", "voice_note_id": note_id})
        assert theirs.status_code == 422, theirs.text
        assert len((await client.get(f"/v1/posts/{post_id}")).json()["comments"]) == 1
