"""The scores, as services/ratings/SCORES.md defines them: pure functions of the counted
ratings of one kind within the window."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
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
    """One provider's counted ratings."""

    count: int = 0
    total: int = 0
    histogram: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))
    criteria: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class Prior:
    mean: float
    variance: float
    weight: int = PRIOR_WEIGHT


def tallies(rows: Iterable[tuple[UUID, int, Mapping[str, int]]]) -> dict[UUID, Tally]:
    found: dict[UUID, Tally] = defaultdict(Tally)
    for provider_id, stars, criteria in rows:
        tally = found[provider_id]
        tally.count, tally.total = tally.count + 1, tally.total + stars
        tally.histogram[stars] += 1
        for name, value in criteria.items():
            tally.criteria[name].append(value)
    return dict(found)


def prior(all_tallies: Iterable[Tally]) -> Prior:
    """The kind's mean and variance of stars over every counted rating of the kind."""
    n, total, squares = 0, 0, 0
    for tally in all_tallies:
        n, total = n + tally.count, total + tally.total
        squares += sum(stars * stars * k for stars, k in tally.histogram.items())
    if n == 0:
        return Prior(NEUTRAL_MEAN, UNIFORM_VARIANCE)
    mean = total / n
    variance = squares / n - mean * mean if n > 1 else UNIFORM_VARIANCE
    return Prior(mean, variance)


def bayesian(tally: Tally, p: Prior) -> float:
    return (p.weight * p.mean + tally.total) / (p.weight + tally.count)


def interval(tally: Tally, p: Prior) -> list[float]:
    centre = bayesian(tally, p)
    half = Z95 * math.sqrt(p.variance / (p.weight + tally.count))
    return [round(max(1.0, centre - half), 2), round(min(5.0, centre + half), 2)]


def percentile(score: float, others: Iterable[float]) -> float:
    """Mid-rank percentile among the kind's rated providers (itself included)."""
    scores = list(others)
    below = sum(1 for s in scores if s < score - 1e-12)
    equal = sum(1 for s in scores if abs(s - score) <= 1e-12)
    return round(100 * (below + 0.5 * equal) / len(scores), 1)


def level(count: int) -> str:
    if count == 0:
        return "no ratings"
    return "few ratings" if count < FEW else "some ratings" if count < SOME else "many ratings"


def view(tally: Tally | None, p: Prior, kind_scores: list[float]) -> dict:
    """The `rating` of a provider as the API shows it."""
    shown_prior = {"mean": round(p.mean, 4), "weight": p.weight}
    if tally is None or tally.count == 0:
        return {"score": None, "average": None, "count": 0,
                "histogram": {str(s): 0 for s in range(1, 6)}, "criteria": {},
                "percentile": None, "confidence": {"level": "no ratings", "interval": None},
                "prior": shown_prior}
    score = bayesian(tally, p)
    return {"score": round(score, 2), "average": round(tally.total / tally.count, 2),
            "count": tally.count,
            "histogram": {str(s): k for s, k in tally.histogram.items()},
            "criteria": {name: round(sum(v) / len(v), 2)
                         for name, v in sorted(tally.criteria.items())},
            "percentile": percentile(score, kind_scores),
            "confidence": {"level": level(tally.count), "interval": interval(tally, p)},
            "prior": shown_prior}
