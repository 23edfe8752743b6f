"""The Voices Project through the gateway, on real NATS and Postgres: a caregiver's story
told, consented, transcribed, previewed, released, curated and played; withdrawal and
erasure; captions and redactions; refused uploads; the gallery rebuilt from the events."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.audio import clip, tone
from tests.platform import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Platform,
    eventually,
    login,
    patient,
    register,
    running_platform,
)

PROBLEM = "application/problem+json"
VERSION = "2026-12"
PART = 258048
SEGMENTS = [{"start": 0.0, "end": 1.0, "text": "Amma was diagnosed in March."},
            {"start": 1.0, "end": 2.0, "text": "Our neighbour Sunita drove us every week."},
            {"start": 2.0, "end": 2.9, "text": "Write to me at amma@example.in."}]


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """The platform with small limits for a story's recording (700 KB, 20 s)."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("voices"),
                                          VOICES_MAX_MEDIA_BYTES="700000",
                                          VOICES_MAX_MEDIA_SECONDS="20"):
        yield running


async def caregiver(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name.lower()}-carer@example.in"
    await register(client, email, display_name=name, role="caregiver")
    return await login(client, email)


async def curator(client: httpx.AsyncClient, name: str = "Farida") -> dict[str, str]:
    admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    email = f"{name.lower()}-curator@example.in"
    user_id = await register(client, email, display_name=name)
    assigned = await client.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                                json={"roles": ["voices_curator"]})
    assert assigned.status_code == 200, assigned.text
    return await login(client, email)


async def ok(reply: Any, status: int = 200) -> Any:
    response = await reply
    assert response.status_code == status, response.text
    return response.json()


async def told(client: httpx.AsyncClient, teller: dict[str, str], data: bytes,
               **story: Any) -> str:
    """A story created, consented to and recorded (in parts when it is large)."""
    body = {"title": "Amma's first chemo", "summary": "What the first weeks were like for us",
            "language": "en", "communities": ["cancer", "caregivers"], "kind": "audio",
            **story}
    story_id = (await ok(client.post("/v1/stories", headers=teller, json=body), 201))[
        "story_id"]
    await ok(client.post(f"/v1/stories/{story_id}/consents", headers=teller, json={
        "purpose": "take_part", "version": VERSION}), 201)
    pieces = [data[i:i + PART] for i in range(0, len(data), PART)]
    for index, piece in enumerate(pieces[:-1]):
        await ok(client.put(f"/v1/stories/{story_id}/media/parts/{index}", headers=teller,
                            content=piece))
    recorded = await ok(client.post(f"/v1/stories/{story_id}/media", headers=teller,
                                    data={"parts": str(len(pieces) - 1)},
                                    files={"file": ("story.webm", pieces[-1])}), 201)
    assert recorded["transcript"] == "awaiting"  # no machine transcriber installed here
    return str(story_id)


async def released(client: httpx.AsyncClient, teller: dict[str, str], story_id: str,
                   segments: list[dict[str, Any]], **release: Any) -> None:
    await ok(client.put(f"/v1/stories/{story_id}/transcript", headers=teller,
                        json={"segments": segments}))
    await ok(client.get(f"/v1/stories/{story_id}/preview", headers=teller))
    await ok(client.post(f"/v1/stories/{story_id}/release", headers=teller, json={
        "visibility": "public", "version": VERSION, **release}))


async def test_a_caregivers_story_about_her_mother_from_recording_to_playback(
        platform: Platform) -> None:
    data = tone(3.0)
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        lata, farida, meera = (await caregiver(client, "Lata"), await curator(client),
                               await patient(client, "Meera"))
        story_id = await told(client, lata, data, about_someone_else=True)
        url = f"/v1/stories/{story_id}"
        assert (await client.get(url, headers=meera)).status_code == 404  # a private draft
        await ok(client.put(f"{url}/transcript", headers=lata, json={"segments": [
            {"start": 0, "end": 1.0, "text": "Amma was diagnosed in Marhc."}]}))
        corrected = await ok(client.put(f"{url}/transcript", headers=lata, json={
            "segments": SEGMENTS}))
        assert corrected["transcript"]["label"] == "the storyteller's own transcript"
        early = await client.post(f"{url}/release", headers=lata, json={
            "visibility": "members", "anonymous": True, "version": VERSION})
        assert early.status_code == 409 and early.headers["content-type"] == PROBLEM
        preview = await ok(client.get(f"{url}/preview", headers=lata))
        assert preview["previewed"] and len(preview["transcript"]["segments"]) == 3
        no_mother = await client.post(f"{url}/release", headers=lata, json={
            "visibility": "members", "anonymous": True, "version": VERSION})
        assert no_mother.status_code == 422 and "subject_consent" in no_mother.text
        wordings = await ok(client.get("/v1/voices/consent-wordings?language=hi"))
        [mother] = [w for w in wordings["items"] if w["purpose"] == "subject_consent"]
        await ok(client.post(f"{url}/consents", headers=lata, json={
            "purpose": "subject_consent", "version": mother["version"], "language": "hi",
            "given_by": "patient", "name": "Kamala Devi"}), 201)
        await ok(client.post(f"{url}/release", headers=lata, json={
            "visibility": "members", "anonymous": True, "version": VERSION}))
        assert (await ok(client.get("/v1/stories", headers=meera)))["items"] == []

        [item] = (await ok(client.get("/v1/curation/queue", headers=farida)))["items"]
        assert item["story"]["story_id"] == story_id
        pointed = [(p["where"], p["index"], p["kind"], p["found"]) for p in item["pointers"]]
        assert ("segment", 2, "email", None) in pointed
        assert ("segment", 1, "name", "Sunita") in pointed  # "Our neighbour Sunita"
        assert (await client.get("/v1/curation/queue", headers=meera)).status_code == 403
        await ok(client.post(f"/v1/curation/stories/{story_id}/decision", headers=farida,
                             json={"decision": "approve"}))

        shown = await ok(client.get(url, headers=meera))
        assert shown["status"] == "published" and shown["storyteller"] is None
        assert shown["media"] and shown["anonymous"]
        [listed] = (await ok(client.get("/v1/stories?community=cancer&kind=audio",
                                        headers=meera)))["items"]
        assert listed["story_id"] == story_id
        ranged = await client.get(f"{url}/media", headers={**meera, "Range": "bytes=0-99"})
        assert ranged.status_code == 206 and ranged.content == data[:100]
        assert ranged.headers["content-range"] == f"bytes 0-99/{len(data)}"
        assert ranged.headers["content-type"] == "audio/webm"
        assert (await client.get(f"{url}/media", headers=meera)).content == data
        for path in (url, f"{url}/media", f"{url}/captions.vtt"):
            anonymous = await client.get(path)
            assert anonymous.status_code == 404, path  # members only: not for visitors
        assert (await ok(client.get("/v1/stories")))["items"] == []


async def test_no_publication_without_release_nor_before_approval(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        ravi, farida = await patient(client, "Ravi"), await curator(client, "Imran")
        story_id = await told(client, ravi, tone(2.0))
        unreleased = await client.post(f"/v1/curation/stories/{story_id}/decision",
                                       headers=farida, json={"decision": "approve"})
        assert unreleased.status_code in (404, 409), unreleased.text  # a draft is private
        await released(client, ravi, story_id, SEGMENTS[:2])
        assert (await client.get(f"/v1/stories/{story_id}")).status_code == 404
        asked = await ok(client.post(f"/v1/curation/stories/{story_id}/decision",
                                     headers=farida, json={"decision": "request_changes",
                                                           "note": "Shorter, please"}))
        assert asked["status"] == "changes_requested"
        assert (await client.get(f"/v1/stories/{story_id}")).status_code == 404
        mine = await ok(client.get(f"/v1/stories/{story_id}", headers=ravi))
        assert mine["review_note"] == "Shorter, please"


async def test_withdrawal_and_erasure_unpublish_and_delete_the_media(
        platform: Platform) -> None:
    media = platform.stack.log_dir / "media"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        asha, farida = await patient(client, "Asha"), await curator(client, "Joseph")
        ids = []
        for _ in range(2):
            story_id = await told(client, asha, tone(2.0))
            await released(client, asha, story_id, SEGMENTS[:2])
            await ok(client.post(f"/v1/curation/stories/{story_id}/decision", headers=farida,
                                 json={"decision": "approve"}))
            ids.append(story_id)
        gallery = {s["story_id"] for s in (await ok(client.get("/v1/stories")))["items"]}
        assert set(ids) <= gallery

        async def named() -> bool:  # once identity's registration reached the voices
            return (await ok(client.get(f"/v1/stories/{ids[0]}")))["storyteller"] == "Asha"
        await eventually(named)
        kept = {p.name for p in media.iterdir()}

        await ok(client.post(f"/v1/stories/{ids[0]}/withdraw", headers=asha))
        assert (await client.get(f"/v1/stories/{ids[0]}")).status_code == 404
        assert (await client.get(f"/v1/stories/{ids[0]}/media")).status_code == 404
        gallery = {s["story_id"] for s in (await ok(client.get("/v1/stories")))["items"]}
        assert ids[0] not in gallery and ids[1] in gallery
        assert len({p.name for p in media.iterdir()}) == len(kept) - 1

        await ok(client.delete("/v1/me", headers=asha), 202)

        async def gone() -> bool:
            reply = await client.get(f"/v1/stories/{ids[1]}")
            return reply.status_code == 404
        await eventually(gone)
        gallery = {s["story_id"] for s in (await ok(client.get("/v1/stories")))["items"]}
        assert ids[1] not in gallery
        assert len({p.name for p in media.iterdir()}) == len(kept) - 2


async def test_video_captions_redactions_and_text_only(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        nisha, farida = await patient(client, "Nisha"), await curator(client, "Grace")
        story_id = await told(client, nisha, clip(3.0), kind="video")
        redacted = [SEGMENTS[0], {**SEGMENTS[1], "redacted": True}, SEGMENTS[2]]
        await ok(client.put(f"/v1/stories/{story_id}/transcript", headers=nisha,
                            json={"segments": redacted}))
        await ok(client.get(f"/v1/stories/{story_id}/preview", headers=nisha))
        full = await client.post(f"/v1/stories/{story_id}/release", headers=nisha, json={
            "visibility": "public", "version": VERSION})
        assert full.status_code == 422 and full.json()["errors"][0]["field"] == "variant"
        await ok(client.post(f"/v1/stories/{story_id}/release", headers=nisha, json={
            "visibility": "public", "variant": "text_only", "version": VERSION}))
        await ok(client.post(f"/v1/curation/stories/{story_id}/decision", headers=farida,
                             json={"decision": "approve"}))
        captions = await client.get(f"/v1/stories/{story_id}/captions.vtt")
        assert captions.status_code == 200
        assert captions.headers["content-type"].startswith("text/vtt")
        assert captions.text.startswith("WEBVTT")
        assert "00:00:00.000 --> 00:00:01.000" in captions.text
        assert "Sunita" not in captions.text
        shown = await ok(client.get(f"/v1/stories/{story_id}"))
        assert [s["text"] for s in shown["transcript"]["segments"]] == [
            SEGMENTS[0]["text"], SEGMENTS[2]["text"]]
        assert not shown["media"]  # released text only: the recording is not served
        assert (await client.get(f"/v1/stories/{story_id}/media")).status_code == 404


async def test_a_recording_larger_than_one_request_comes_in_parts_and_plays_across_replies(
        platform: Platform) -> None:
    data = tone(6.5, "wav", "pcm_s16le")  # ~624 KB: three parts, two of the 512 KB replies
    seam = 512 * 1024
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        devi = await patient(client, "Devi")
        story_id = await told(client, devi, data)
        url = f"/v1/stories/{story_id}/media"
        whole = await client.get(url, headers=devi)  # its storyteller plays the draft
        assert whole.status_code == 200 and whole.content == data
        assert whole.headers["content-type"] == "audio/wav"
        across = await client.get(url, headers={**devi, "Range": f"bytes={seam - 5}-"})
        assert across.status_code == 206 and across.content == data[seam - 5:]
        beyond = await client.get(url, headers={**devi, "Range": f"bytes={len(data)}-"})
        assert beyond.status_code == 416
        assert (await client.get(url)).status_code == 404  # a draft: nobody else's


async def test_renamed_text_oversized_and_too_long_recordings_are_refused(
        platform: Platform) -> None:
    media = platform.stack.log_dir / "media"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        ravi = await patient(client, "Ravindra")
        story_id = (await ok(client.post("/v1/stories", headers=ravi, json={
            "title": "A long wait", "summary": "Three years to a diagnosis",
            "language": "en", "communities": ["rare-diseases"], "kind": "audio"}), 201))[
            "story_id"]
        await ok(client.post(f"/v1/stories/{story_id}/consents", headers=ravi, json={
            "purpose": "take_part", "version": VERSION}), 201)
        before = sorted(p.name for p in media.iterdir()) if media.exists() else []
        big = tone(7.5, "wav", "pcm_s16le")  # ~720 KB: over the platform's 700 KB
        pieces = [big[i:i + PART] for i in range(0, len(big), PART)]
        for index, piece in enumerate(pieces[:-1]):
            await ok(client.put(f"/v1/stories/{story_id}/media/parts/{index}", headers=ravi,
                                content=piece))
        for data, parts, says in (
                (b"Dear diary, not a recording at all.\n" * 40, 0, "not audio"),
                (pieces[-1], len(pieces) - 1, "at most 700000 bytes"),
                (tone(21.0), 0, "at most 20 s")):
            refused = await client.post(f"/v1/stories/{story_id}/media", headers=ravi,
                                        data={"parts": str(parts)},
                                        files={"file": ("story.webm", data, "audio/webm")})
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"] == PROBLEM and says in refused.text
        huge = await client.put(f"/v1/stories/{story_id}/media/parts/0", headers=ravi,
                                content=b"\0" * 300_000)
        assert huge.status_code == 413
        assert (sorted(p.name for p in media.iterdir()) if media.exists() else []) == before
        mine = await ok(client.get(f"/v1/stories/{story_id}", headers=ravi))
        assert mine["media"] is False


async def test_rebuilding_the_voices_read_models_gives_the_same_gallery(
        platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        admin = await login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        meera, farida = await patient(client, "Meenakshi"), await curator(client, "Paul")
        story_id = await told(client, meera, tone(2.0))
        await released(client, meera, story_id, SEGMENTS[:1], visibility="members")
        await ok(client.post(f"/v1/curation/stories/{story_id}/decision", headers=farida,
                             json={"decision": "approve"}))
        before = await ok(client.get("/v1/stories", headers=meera))
        assert before["items"]
        for model, status in (("stories", 200), ("people", 202)):  # inline; from the streams
            await ok(client.post(f"/v1/admin/projections/voices/{model}/rebuild",
                                 headers=admin), status)

        async def same() -> bool:
            return await ok(client.get("/v1/stories", headers=meera)) == before
        await eventually(same)


async def test_bad_input_is_a_problem_and_writes_nothing(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        sana = await patient(client, "Sana")
        events = await platform.count("voices.events")
        good = {"title": "My story", "summary": "About living with thalassemia",
                "language": "en", "communities": ["thalassemia-blood-disorders"],
                "kind": "written"}
        for body in ({**good, "kind": "podcast"}, {**good, "communities": ["NOT OK"]},
                     {**good, "language": "xx"}, {**good, "title": "x" * 300}, {}):
            refused = await client.post("/v1/stories", headers=sana, json=body)
            assert refused.status_code == 422, (body, refused.text)
            assert refused.headers["content-type"] == PROBLEM
        not_hers = await client.post("/v1/stories", headers=sana,
                                     json={**good, "storyteller_role": "caregiver"})
        assert not_hers.status_code == 403 and not_hers.headers["content-type"] == PROBLEM
        unknown = "00000000-0000-4000-8000-000000000000"
        for method, path, body in (
                ("POST", f"/v1/stories/{unknown}/release", {"visibility": "public",
                                                             "version": VERSION}),
                ("POST", f"/v1/stories/{unknown}/consents", {"purpose": "take_part",
                                                              "version": VERSION}),
                ("PUT", f"/v1/stories/{unknown}/transcript",
                 {"segments": [{"start": 0, "end": 1, "text": "x"}]}),
                ("POST", f"/v1/stories/{unknown}/withdraw", None)):
            refused = await client.request(method, path, headers=sana, json=body)
            assert refused.status_code == 404, (path, refused.text)
            assert refused.headers["content-type"] == PROBLEM
        bad_cursor = await client.get("/v1/stories?cursor=nonsense")
        assert bad_cursor.status_code == 422
        assert (await client.get("/v1/stories/not-a-uuid")).status_code == 422
        assert await platform.count("voices.events") == events
