"""The scores, as services/ratings/SCORES.md defines them: pure functions of the counted
ratings of one provider and of its kind within the window (summed from the day buckets of
the score read models, ratings/buckets.py)."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

WINDOW = timedelta(days=730)  # 24 months: older ratings no longer count
PRIOR_WEIGHT = 5  # C: the kind's mean counts as this many ratings
NEUTRAL_MEAN = 3.0  # the prior's mean while a kind has no counted rating at all
UNIFORM_VARIANCE = 2.0  # the variance of stars spread evenly over 1..5
FEW, SOME = 5, 20  # fewer than FEW ratings: "few ratings"; fewer than SOME: "some ratings"
Z95 = 1.96


@dataclass
class Tally:
    """Counted ratings, summed: of one provider, or of a whole kind."""

    count: int = 0
    total: int = 0  # Σ stars
    squares: int = 0  # Σ stars²
    histogram: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))
    criteria: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (Σ stars, n)


@dataclass(frozen=True)
class Prior:
    mean: float
    variance: float
    weight: int = PRIOR_WEIGHT


@dataclass(frozen=True)
class Rank:
    """Where a score stands among the kind's rated providers (itself included)."""

    below: int
    equal: int
    of: int


def tallies(rows: Iterable[tuple[UUID, int, Mapping[str, int]]]) -> dict[UUID, Tally]:
    """Tallies by provider of (provider, stars, criteria) rows: SCORES.md worked by hand."""
    found: dict[UUID, Tally] = {}
    for provider_id, stars, criteria in rows:
        tally = found.setdefault(provider_id, Tally())
        tally.count, tally.total = tally.count + 1, tally.total + stars
        tally.squares += stars * stars
        tally.histogram[stars] += 1
        for name, value in criteria.items():
            total, n = tally.criteria.get(name, (0, 0))
            tally.criteria[name] = (total + value, n + 1)
    return found


def prior_of(n: int, total: int, squares: int) -> Prior:
    """The kind's mean and variance of stars from its counted ratings' sums."""
    if n == 0:
        return Prior(NEUTRAL_MEAN, UNIFORM_VARIANCE)
    mean = total / n
    variance = squares / n - mean * mean if n > 1 else UNIFORM_VARIANCE
    return Prior(mean, variance)


def prior(all_tallies: Iterable[Tally]) -> Prior:
    """The kind's mean and variance of stars over every counted rating of the kind."""
    n, total, squares = 0, 0, 0
    for tally in all_tallies:
        n, total, squares = n + tally.count, total + tally.total, squares + tally.squares
    return prior_of(n, total, squares)


def bayesian(tally: Tally, p: Prior) -> float:
    return (p.weight * p.mean + tally.total) / (p.weight + tally.count)


def interval(tally: Tally, p: Prior) -> list[float]:
    centre = bayesian(tally, p)
    half = Z95 * math.sqrt(max(p.variance, 0.0) / (p.weight + tally.count))
    return [round(max(1.0, centre - half), 2), round(min(5.0, centre + half), 2)]


def rank(score: float, others: Iterable[float]) -> Rank:
    scores = list(others)
    return Rank(below=sum(1 for s in scores if s < score - 1e-12),
                equal=sum(1 for s in scores if abs(s - score) <= 1e-12), of=len(scores))


def percentile(score: float, others: Iterable[float] | Rank) -> float:
    """Mid-rank percentile among the kind's rated providers (itself included)."""
    r = others if isinstance(others, Rank) else rank(score, others)
    return round(100 * (r.below + 0.5 * r.equal) / r.of, 1)


def level(count: int) -> str:
    if count == 0:
        return "no ratings"
    return "few ratings" if count < FEW else "some ratings" if count < SOME else "many ratings"


def view(tally: Tally | None, p: Prior, kind_scores: Sequence[float] | Rank | None) -> dict:
    """The `rating` of a provider as the API shows it; `kind_scores`: the kind's rated
    providers' scores, or where its score ranks among them (None: not ranked)."""
    shown_prior = {"mean": round(p.mean, 4), "weight": p.weight}
    if tally is None or tally.count == 0:
        return {"score": None, "average": None, "count": 0,
                "histogram": {str(s): 0 for s in range(1, 6)}, "criteria": {},
                "percentile": None, "confidence": {"level": "no ratings", "interval": None},
                "prior": shown_prior}
    score = bayesian(tally, p)
    ranked = (None if kind_scores is None or (isinstance(kind_scores, Rank)
                                             and kind_scores.of == 0)
              else percentile(score, kind_scores))
    return {"score": round(score, 2), "average": round(tally.total / tally.count, 2),
            "count": tally.count,
            "histogram": {str(s): k for s, k in tally.histogram.items()},
            "criteria": {name: round(total / n, 2)
                         for name, (total, n) in sorted(tally.criteria.items()) if n},
            "percentile": ranked,
            "confidence": {"level": level(tally.count), "interval": interval(tally, p)},
            "prior": shown_prior}
