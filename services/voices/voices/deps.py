"""What the voices' use cases depend on."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kit.aggregates import Repository
from kit.media import MediaStore
from kit.personal import PersonalData
from kit.usecases import Database
from voices import domain
from voices.adapters.transcriber import NoTranscriber
from voices.ports import Transcriber


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    db: Database
    stories: Repository[domain.Story]
    personal: PersonalData  # a story's words are sealed with its storyteller's data key
    media: MediaStore  # the recordings (kit.media)
    transcriber: Transcriber = field(default_factory=NoTranscriber)
    max_media_bytes: int = 50 * 1024 * 1024
    max_media_seconds: float = 15 * 60.0
    clock: Callable[[], datetime] = field(default=utc_now)
