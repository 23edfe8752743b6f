"""What the bench measured: absolute figures, ratios against their targets, one table."""

from __future__ import annotations

import math
import os
import platform
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Figure:
    """One measured rate: `count` messages or requests in `seconds`."""

    name: str
    count: int
    seconds: float
    unit: str  # "msg/s" or "req/s"
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Comparison:
    """Ours against a raw baseline measured in the same run, and the ratio it should reach
    (None: no target was set, the ratio is for information)."""

    label: str
    ours: Figure
    baseline: Figure
    target: float | None

    @property
    def ratio(self) -> float:
        return self.ours.rate / self.baseline.rate if self.baseline.rate else 0.0

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "PASS" if self.ratio >= self.target else "BELOW"


@dataclass(frozen=True)
class Paint:
    """Samples of a time in a browser (first contentful paint), in milliseconds, and the
    most bytes a sample's page transferred."""

    name: str
    samples: list[float]
    bytes: int = 0

    def percentile(self, q: float) -> float:
        """The nearest-rank percentile (q in 0..1)."""
        if not self.samples:
            return math.nan
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    paints: list[Paint] = field(default_factory=list)  # section (g)'s, a table of their own
    busy_before: float = float("nan")  # the CPUs' use by others just before the run
    # Figures later sections compare against (the raw pipeline's, measured in section c).
    baselines: dict[str, Figure] = field(default_factory=dict)

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def compare(self, label: str, ours: Figure, baseline: Figure,
                target: float | None) -> None:
        self.comparisons.append(Comparison(label, ours, baseline, target))


def render(report: Report) -> str:
    """The report as a plain-text table."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Patients' Union - make bench, {when}, Python {platform.python_version()}, "
             f"{os.cpu_count()} CPUs ({report.busy_before:.0%} busy before the run)",
             "", "Ratios (ours / raw baseline, same run)"]
    lines.append(f"  {'comparison':<44}{'ours':>15}{'baseline':>15}{'ratio':>8}"
                 f"{'target':>9}  verdict")
    for c in report.comparisons:
        lines.append(f"  {c.label:<44}{_rate(c.ours):>15}{_rate(c.baseline):>15}"
                     f"{c.ratio:>8.0%}{_target(c.target):>9}  {c.verdict}")
    lines += ["", "Absolute figures"]
    lines.append(f"  {'measurement':<48}{'count':>8}{'seconds':>9}{'rate':>15}"
                 f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for f in report.figures:
        lines.append(f"  {f.name:<48}{f.count:>8}{f.seconds:>9.2f}{_rate(f):>15}"
                     f"{_ms(f.p50_ms):>9}{_ms(f.p99_ms):>9}{f.errors:>8}")
    if report.paints:
        lines += ["", "Times in the browser (ms)"]
        lines.append(f"  {'measurement':<60}{'samples':>8}{'median':>9}{'p90':>9}"
                     f"{'max KB':>8}")
        for p in report.paints:
            lines.append(f"  {p.name:<60}{len(p.samples):>8}{_ms(p.percentile(0.5)):>9}"
                         f"{_ms(p.percentile(0.9)):>9}{p.bytes / 1024:>8.1f}")
    if report.notes:
        lines += ["", "Notes", *(f"  - {note}" for note in report.notes)]
    if report.failures:
        lines += ["", "FAILED sections", *(f"  - {failure}" for failure in report.failures)]
    return "\n".join(lines) + "\n"


def cpu_busy(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time spent on something over `seconds` (Linux only)."""
    try:
        first = _cpu_times()
        time.sleep(seconds)
        second = _cpu_times()
    except OSError:
        return float("nan")
    spent = [b - a for a, b in zip(first, second, strict=True)]
    idle = spent[3] + spent[4]  # idle and iowait
    return 1 - idle / sum(spent) if sum(spent) else float("nan")


def _cpu_times() -> list[int]:
    with open("/proc/stat") as stat:
        return [int(v) for v in stat.readline().split()[1:9]]


def _rate(figure: Figure) -> str:
    return f"{figure.rate:,.0f} {figure.unit}"


def _target(target: float | None) -> str:
    return "-" if target is None else f">= {target:.0%}"


def _ms(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1f}"
