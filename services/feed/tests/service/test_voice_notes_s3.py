"""Voice notes kept in an S3-compatible bucket (MEDIA_STORE=s3): uploaded through the feed's
use case, played back range by range, the bytes in the bucket and none in a local folder."""

import os
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from feed import handlers
from feed.adapters import sql
from feed.bootstrap import deps_for
from feed.settings import FeedSettings
from kit.media_s3 import S3MediaStore, media_store
from kit.usecases import Database, serve
from tests.audio import tone
from tests.s3 import BUCKET, REGION, S3Server, running_s3
from tests.service_tier import Tier, person

MEERA, RAVI = person("patient"), person("caregiver")


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with running_s3(tmp_path_factory.mktemp("s3")) as server:
        yield server


def s3_settings(settings: FeedSettings, s3: S3Server, secret_file: Path) -> FeedSettings:
    secret_file.write_text(s3.credentials.secret_access_key + "\n")
    os.chmod(secret_file, 0o600)
    return settings.model_copy(update={
        "media_store": "s3", "s3_endpoint": s3.endpoint, "s3_bucket": BUCKET,
        "s3_region": REGION, "s3_access_key_id": s3.credentials.access_key_id,
        "s3_secret_access_key_file": str(secret_file)})


async def test_a_note_is_kept_in_the_bucket_and_played_back_by_ranges(
        engine: AsyncEngine, settings: FeedSettings, s3: S3Server, tmp_path: Path) -> None:
    configured = s3_settings(settings, s3, tmp_path / "s3-secret")
    db = Database(engine)
    deps = deps_for(db, configured)
    store = deps.media
    assert isinstance(store, S3MediaStore)
    feed = Tier("feed", serve(handlers.HANDLERS, deps, errors=handlers.ERRORS, db=db,
                              idempotency=sql.idempotency))
    data = tone(1.0)
    note = await feed.ok("upload_voice_note", {"data_b64": b64encode(data).decode(),
                                               "filename": "note.webm"}, MEERA)
    note_id = note["voice_note_id"]
    kept = s3.client().get_object(Bucket=BUCKET, Key=note_id)
    assert kept["Body"].read() == data and kept["ContentType"] == "audio/webm"
    assert not (tmp_path / "media").exists()
    await feed.ok("create_post", {"community": "diabetes", "body": "My story, spoken",
                                  "voice_note_id": note_id}, MEERA)
    middle = await feed.call("voice_note_bytes",
                             {"voice_note_id": note_id, "start": 100, "length": 300}, RAVI)
    assert middle.status == 200 and middle.body == data[100:400]
    assert middle.content_type == "audio/webm"
    rest = await feed.ok("voice_note_bytes", {"voice_note_id": note_id, "start": 400})
    assert rest == data[400:]
    await store.aclose()


def test_an_incomplete_s3_configuration_fails_at_start(settings: FeedSettings,
                                                      tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="S3_ENDPOINT, S3_BUCKET"):
        media_store(settings.model_copy(update={"media_store": "s3",
                                                "s3_access_key_id": "AKIDEXAMPLE"}))
    shared = tmp_path / "readable-by-all"
    shared.write_text("secret")
    os.chmod(shared, 0o644)
    with pytest.raises(ValueError, match="owner only"):
        media_store(settings.model_copy(update={
            "media_store": "s3", "s3_endpoint": "http://127.0.0.1:9", "s3_bucket": BUCKET,
            "s3_access_key_id": "AKIDEXAMPLE", "s3_secret_access_key_file": str(shared)}))
