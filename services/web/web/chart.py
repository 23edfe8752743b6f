"""The signals chart, drawn on the server as SVG (no script): each pair's PRR and its 95%
confidence interval on a log scale, with the line PRR = 1."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ROW_PX, LABEL_PX, PLOT_PX, MOST = 22, 150, 180, 15


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    low: float  # x of the interval's ends and of the point, in pixels
    high: float
    point: float
    evans: bool


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    one: float  # x of PRR = 1
    ticks: tuple[tuple[float, str], ...]
    width: int = LABEL_PX + PLOT_PX + 10

    @property
    def height(self) -> int:
        return ROW_PX * (len(self.bars) + 1) + 10


def prr_chart(rows: Sequence[dict[str, Any]]) -> Chart:
    """The first MOST rows (in the table's order) as a forest plot."""
    shown = rows[:MOST]
    values = [v for r in shown for v in (*r["prr_ci"], r["prr"]) if v and v > 0]
    low = min([0.5, *values])
    high = max([10.0, *values])
    span = math.log10(high) - math.log10(low)

    def x(value: float) -> float:
        clipped = min(max(value or low, low), high)
        return round(LABEL_PX + PLOT_PX * (math.log10(clipped) - math.log10(low)) / span, 1)

    bars = tuple(Bar(f"{r['medicine']} · {r['reaction']}"[:24], ROW_PX * (i + 1),
                     x(r["prr_ci"][0]), x(r["prr_ci"][1]), x(r["prr"]), bool(r["evans"]))
                 for i, r in enumerate(shown))
    ticks = tuple((x(v), f"{v:g}") for v in (0.1, 1, 10, 100, 1000) if low <= v <= high)
    return Chart(bars, x(1.0), ticks)
