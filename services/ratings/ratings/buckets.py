"""The score read models' arithmetic (SCORES.md, "How they are kept"): a counted rating's
contribution to its provider's and its kind's bucket of the day it was given, moved in and
out exactly, and the buckets inside the 24-month window summed into a tally. Pure."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ratings.scores import WINDOW, Tally

STARS = range(1, 6)


@dataclass(frozen=True)
class Contribution:
    """What one counted rating adds to the bucket of its day."""

    day: date
    stars: int
    criteria: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Bucket:
    """One provider's (or one kind's) counted ratings given on one day."""

    count: int = 0
    total: int = 0  # Σ stars
    squares: int = 0  # Σ stars²
    histogram: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # 1..5 stars
    criteria: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # name: (Σ, n)

    @property
    def empty(self) -> bool:
        return self.count == 0


def moved(bucket: Bucket, contribution: Contribution, sign: int) -> Bucket:
    """The bucket with the contribution added (sign +1) or taken out (sign -1). Taking out
    what was never added is a bug of the caller: it fails rather than go negative."""
    assert sign in (1, -1)
    stars = contribution.stars
    histogram = list(bucket.histogram)
    histogram[stars - 1] += sign
    criteria = dict(bucket.criteria)
    for name, value in contribution.criteria.items():
        total, n = criteria.get(name, (0, 0))
        total, n = total + sign * value, n + sign
        if n:
            criteria[name] = (total, n)
        else:
            criteria.pop(name, None)
    result = Bucket(count=bucket.count + sign, total=bucket.total + sign * stars,
                    squares=bucket.squares + sign * stars * stars,
                    histogram=(histogram[0], histogram[1], histogram[2], histogram[3],
                               histogram[4]),
                    criteria=dict(sorted(criteria.items())))
    if result.count < 0 or min(result.histogram) < 0 or any(
            n < 0 for _, n in result.criteria.values()):
        raise ValueError("a contribution taken out of a bucket that did not hold it")
    return result


def day_of(at: datetime) -> date:
    """The bucket a rating given (or revised) at `at` falls in: its UTC date."""
    return at.astimezone(UTC).date()


def window_start(now: datetime) -> date:
    """The oldest day whose bucket still counts at `now`: the 730 days ending today."""
    return day_of(now) - WINDOW + timedelta(days=1)


def in_window(day: date, now: datetime) -> bool:
    return day >= window_start(now)


def summed(buckets: Iterable[Bucket]) -> Tally:
    """The tally of several buckets (those inside the window)."""
    tally = Tally()
    criteria: dict[str, tuple[int, int]] = {}
    for bucket in buckets:
        tally.count += bucket.count
        tally.total += bucket.total
        tally.squares += bucket.squares
        for stars, k in zip(STARS, bucket.histogram, strict=True):
            tally.histogram[stars] += k
        for name, (total, n) in bucket.criteria.items():
            before = criteria.get(name, (0, 0))
            criteria[name] = (before[0] + total, before[1] + n)
    tally.criteria.update(criteria)
    return tally
