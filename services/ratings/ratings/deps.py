"""What the ratings' use cases depend on."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kit.aggregates import Repository
from kit.personal import PersonalData
from kit.usecases import Database
from ratings import domain
from ratings.screening import DEFAULT_KEYWORDS


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    db: Database
    providers: Repository[domain.Provider]
    ratings: Repository[domain.Rating]
    personal: PersonalData  # review texts are sealed with the rater's data key
    burst: domain.BurstRule = field(default_factory=domain.BurstRule)
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    clock: Callable[[], datetime] = field(default=utc_now)  # tests move it (24 months)
