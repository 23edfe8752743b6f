"""Every service that keeps media chooses its store from the same settings (kit.media_s3):
the feed, voices and assistance all go to the bucket when MEDIA_STORE=s3."""

from pathlib import Path

import pytest

from assistance.bootstrap import documents_store
from assistance.settings import AssistanceSettings
from feed.settings import FeedSettings
from kit.media import LocalMediaStore
from kit.media_s3 import S3MediaStore, media_store
from kit.settings import MediaSettings
from voices.settings import VoicesSettings

BUCKET = {"media_store": "s3", "s3_endpoint": "http://127.0.0.1:9", "s3_bucket": "media",
          "s3_access_key_id": "id", "s3_secret_access_key": "secret"}


@pytest.mark.parametrize("kind", [FeedSettings, VoicesSettings, AssistanceSettings])
def test_the_bucket_when_the_settings_name_it(kind: type[MediaSettings]) -> None:
    settings = kind.model_validate(BUCKET)
    chosen = documents_store(settings) if isinstance(settings, AssistanceSettings) \
        else media_store(settings)
    assert isinstance(chosen, S3MediaStore)


def test_a_bucket_without_its_credentials_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="S3_SECRET_ACCESS_KEY"):
        media_store(VoicesSettings.model_validate({**BUCKET, "s3_secret_access_key": ""}))


def test_locally_the_documents_have_a_folder_of_their_own(tmp_path: Path) -> None:
    chosen = documents_store(AssistanceSettings(media_dir=str(tmp_path)))
    assert isinstance(chosen, LocalMediaStore) and chosen.folder == tmp_path / "assistance"
    assert isinstance(media_store(VoicesSettings(media_dir=str(tmp_path))), LocalMediaStore)
