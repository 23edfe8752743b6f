"""Likely duplicates: the same reaction to the same medicine in the same person, reported
twice (by the patient and a caregiver, say). Pure scoring, after WHO-UMC's vigiMatch in
spirit: each agreeing field adds weight, each clear disagreement takes some away."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

LIKELY = 0.7


@dataclass(frozen=True)
class Profile:
    report_id: UUID
    initials: str | None
    sex: str | None
    age_years: float | None
    suspects: frozenset[str]
    reactions: frozenset[str]
    onset: date | None


def score(a: Profile, b: Profile) -> float:
    """0 (different) to 1 (the same report)."""
    total = 0.0
    total += _same(a.initials and a.initials.upper(), b.initials and b.initials.upper(), 0.2)
    total += _same(a.sex if a.sex != "unknown" else None,
                   b.sex if b.sex != "unknown" else None, 0.1)
    if a.age_years is not None and b.age_years is not None:
        total += 0.15 if abs(a.age_years - b.age_years) <= 1 else -0.15
    total += 0.25 * _overlap(a.suspects, b.suspects)
    total += 0.2 * _overlap(a.reactions, b.reactions)
    if a.onset and b.onset:
        total += 0.1 if abs((a.onset - b.onset).days) <= 3 else -0.1
    return max(0.0, min(1.0, total))


def likely(case: Profile, earlier: list[Profile]) -> list[tuple[UUID, float]]:
    """Earlier cases that are likely the same, best first."""
    scored = [(other.report_id, round(score(case, other), 3)) for other in earlier
              if other.report_id != case.report_id]
    return sorted([s for s in scored if s[1] >= LIKELY], key=lambda s: -s[1])


def _same(a: str | None, b: str | None, weight: float) -> float:
    if not a or not b:
        return 0.0
    return weight if a == b else -weight


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
