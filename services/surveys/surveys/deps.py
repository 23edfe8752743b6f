"""What the surveys' use cases depend on."""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from kit.aggregates import Repository
from kit.personal import PersonalData
from kit.usecases import Database
from surveys import domain


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    db: Database
    surveys: Repository[domain.Survey]
    responses: Repository[bool]  # an identified respondent's: whether they answered
    personal: PersonalData  # identified free texts and everyone's drafts are sealed
    participation_key: bytes  # the HMAC key of the "who answered" tokens (README.md)
    clock: Callable[[], datetime] = field(default=utc_now)

    def token(self, survey_id: UUID, user_id: UUID) -> bytes:
        """The person's token in one survey: the same every time, and without the key
        nothing leads from it back to them, or from it to their answer."""
        return hmac.new(self.participation_key, f"{survey_id}/{user_id}".encode(),
                        hashlib.sha256).digest()
