"""Ratings settings, from the environment."""

from pydantic import Field

from kit.settings import ServiceSettings
from ratings.screening import DEFAULT_KEYWORDS


class RatingsSettings(ServiceSettings):
    # The burst rule (domain.BurstRule): more ratings of one provider in an hour than this
    # are held for a moderator; and than this from accounts younger than the age below.
    ratings_burst_per_hour: int = 20
    ratings_young_burst_per_hour: int = 3
    ratings_young_account_days: float = 7.0
    # Words and phrases that hold a review for a moderator (JSON list).
    ratings_keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    # The service's clock runs this many days ahead of the machine's: for tests and demos
    # of the 24-month window only (0 in production).
    ratings_clock_offset_days: float = 0.0
    # How often the scores' refresh moves the 24-month window and the kinds' priors on
    # (SCORES.md: how stale a listed score can be).
    ratings_score_refresh_seconds: float = Field(default=3600.0, gt=0)
