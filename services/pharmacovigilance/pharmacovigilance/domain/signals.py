"""Disproportionality of medicine-reaction pairs: 2x2 tables, PRR, ROR, chi-squared, IC.

Pure arithmetic over counts; SIGNALS.md gives the formulas, the counting unit and the
zero-cell policy. Nothing is rounded here: the caller formats.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TypeVar

COUNTED_ROLES = frozenset({"suspect", "interacting"})
Z_95 = 1.96
HALDANE_ANSCOMBE = 0.5
IC_SHRINKAGE = 0.5

Pair = tuple[str, str]  # (medicine key, reaction key)
Table = tuple[int, int, int, int]  # (a, b, c, d)
Interval = tuple[float, float]
Key = TypeVar("Key")


class CountError(ValueError):
    """A count would be negative: a cell given as < 0, or a pair removed that was not added."""


def normalise(text: str) -> str:
    """The grouping key of a name or description: trimmed and lower-cased."""
    return text.strip().lower()


def reaction_key(description: str, meddra_term: str | None) -> str:
    """The MedDRA term where coded, otherwise the reporter's description, normalised."""
    return normalise(meddra_term or "") or normalise(description)


def pair_keys(
    medicines: Iterable[tuple[str, str]], reactions: Iterable[tuple[str, str | None]]
) -> set[Pair]:
    """One case's distinct (medicine, reaction) pairs, suspect and interacting medicines only."""
    counted = {normalise(name) for name, role in medicines if normalise(role) in COUNTED_ROLES}
    observed = {reaction_key(description, term) for description, term in reactions}
    return {(medicine, reaction) for medicine in counted for reaction in observed
            if medicine and reaction}


@dataclass
class Counts:
    """Running totals of counted pairs and the margins a 2x2 table is read from."""

    pairs: Counter[Pair] = field(default_factory=Counter)
    medicines: Counter[str] = field(default_factory=Counter)
    reactions: Counter[str] = field(default_factory=Counter)
    total: int = 0

    @classmethod
    def from_pair_totals(cls, totals: Mapping[Pair, int]) -> "Counts":
        """Counts rebuilt from stored per-pair totals; every margin follows from them."""
        counts = cls()
        for (medicine, reaction), n in totals.items():
            counts.add_pair(medicine, reaction, n)
        return counts

    def add(self, pairs: Iterable[Pair]) -> None:
        """Count one case's pairs (as given by `pair_keys`)."""
        for medicine, reaction in pairs:
            self._shift(medicine, reaction, 1)

    def add_pair(self, medicine: str, reaction: str, n: int = 1) -> None:
        """Count n more of one pair, e.g. a total kept in a table."""
        if n < 0:
            raise CountError(f"pair total must not be negative: {(medicine, reaction, n)}")
        self._shift(medicine, reaction, n)

    def remove(self, pairs: Iterable[Pair]) -> None:
        """Uncount pairs added before, e.g. a case's old pairs when it is recoded."""
        removing = Counter(pairs)
        missing = sorted(pair for pair, n in removing.items() if self.pairs[pair] < n)
        if missing:
            raise CountError(f"pairs not counted: {missing}")
        for (medicine, reaction), n in removing.items():
            self._shift(medicine, reaction, -n)

    def table(self, medicine: str, reaction: str) -> Table:
        """The 2x2 table (a, b, c, d) of one medicine and one reaction."""
        a = self.pairs[(medicine, reaction)]
        b = self.medicines[medicine] - a
        c = self.reactions[reaction] - a
        return a, b, c, self.total - a - b - c

    def _shift(self, medicine: str, reaction: str, n: int) -> None:
        _bump(self.pairs, (medicine, reaction), n)
        _bump(self.medicines, medicine, n)
        _bump(self.reactions, reaction, n)
        self.total += n


def _bump(counter: Counter[Key], key: Key, n: int) -> None:
    """Shift one total, keeping no zero entries (so only observed pairs are listed)."""
    counter[key] += n
    if counter[key] == 0:
        del counter[key]


@dataclass(frozen=True)
class Signal:
    """Disproportionality measures of one 2x2 table; `corrected`: PRR/ROR used +0.5 cells."""

    prr: float
    prr_ci: Interval
    ror: float
    ror_ci: Interval
    chi2: float | None
    ic: float
    ic025: float
    evans: bool
    corrected: bool


@dataclass(frozen=True)
class SignalRow(Signal):
    """One item of the signals reply (API.md): the pair, its 2x2 table and its measures,
    plus the `corrected` flag."""

    medicine: str
    reaction: str
    a: int
    b: int
    c: int
    d: int


def disproportionality(a: int, b: int, c: int, d: int) -> Signal:
    """PRR, ROR (+0.5 on every cell if any is zero), Yates chi-squared, shrunk IC, Evans."""
    if min(a, b, c, d) < 0:
        raise CountError(f"cells must not be negative: {(a, b, c, d)}")
    corrected = 0 in (a, b, c, d)
    extra = HALDANE_ANSCOMBE if corrected else 0.0
    cells = (a + extra, b + extra, c + extra, d + extra)
    prr, prr_ci = proportional_reporting_ratio(*cells)
    ror, ror_ci = reporting_odds_ratio(*cells)
    chi2 = yates_chi2(a, b, c, d)
    ic = information_component(a, b, c, d)
    return Signal(prr, prr_ci, ror, ror_ci, chi2, ic, ic_lower_bound(ic, a),
                  evans_criteria(prr, chi2, a), corrected)


def proportional_reporting_ratio(a: float, b: float, c: float, d: float) -> tuple[float, Interval]:
    """PRR = [a/(a+b)] / [c/(c+d)] and its 95% CI; every cell must be positive."""
    prr = (a / (a + b)) / (c / (c + d))
    se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    return prr, confidence_interval(prr, se)


def reporting_odds_ratio(a: float, b: float, c: float, d: float) -> tuple[float, Interval]:
    """ROR = ad/(bc) and its 95% CI; every cell must be positive."""
    ror = (a * d) / (b * c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return ror, confidence_interval(ror, se)


def confidence_interval(ratio: float, se_of_log: float) -> Interval:
    """exp(ln ratio -/+ 1.96 SE)."""
    log_ratio = math.log(ratio)
    return math.exp(log_ratio - Z_95 * se_of_log), math.exp(log_ratio + Z_95 * se_of_log)


def yates_chi2(a: int, b: int, c: int, d: int) -> float | None:
    """N(|ad - bc| - N/2)^2 / margins, the correction capped at |ad - bc|; None if a margin is 0."""
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        return None
    n = a + b + c + d
    excess = max(0.0, abs(a * d - b * c) - n / 2)
    return n * excess**2 / margins


def information_component(a: int, b: int, c: int, d: int) -> float:
    """IC = log2((a + 0.5) / (E + 0.5)), E = (a+b)(a+c)/N (0 when N is 0)."""
    n = a + b + c + d
    expected = (a + b) * (a + c) / n if n else 0.0
    return math.log2((a + IC_SHRINKAGE) / (expected + IC_SHRINKAGE))


def ic_lower_bound(ic: float, a: int) -> float:
    """IC025 ~ IC - 3.3(a+0.5)^-1/2 - 2(a+0.5)^-3/2 (Noren et al. 2013)."""
    shrunk = a + IC_SHRINKAGE
    return ic - 3.3 * shrunk**-0.5 - 2 * shrunk**-1.5


def evans_criteria(prr: float, chi2: float | None, a: int) -> bool:
    """PRR >= 2, chi-squared >= 4 and at least 3 cases (pairs)."""
    return prr >= 2 and chi2 is not None and chi2 >= 4 and a >= 3


def signals(counts: Counts, min_count: int = 3) -> list[SignalRow]:
    """Every counted pair with a >= min_count, strongest lower IC bound first."""
    rows = [signal_row(counts, medicine, reaction)
            for (medicine, reaction), a in counts.pairs.items() if a >= min_count]
    return sorted(rows, key=lambda row: (-row.ic025, -row.a, row.medicine, row.reaction))


def signal_row(counts: Counts, medicine: str, reaction: str) -> SignalRow:
    """The reply item of one medicine and reaction."""
    a, b, c, d = counts.table(medicine, reaction)
    measures = asdict(disproportionality(a, b, c, d))
    return SignalRow(medicine=medicine, reaction=reaction, a=a, b=b, c=c, d=d, **measures)


def as_reply(row: SignalRow) -> dict[str, object]:
    """The row as a JSON-ready reply item: intervals as [low, high] lists."""
    item = asdict(row)
    item["prr_ci"], item["ror_ci"] = list(row.prr_ci), list(row.ror_ci)
    return item
