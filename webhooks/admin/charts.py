"""Charts drawn on the server as SVG geometry: the templates (templates/_charts.html) only place
what is computed here, so a chart needs no script and nothing from outside the app."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 14, 40  # room for the value axis and the month labels


def nice_ceiling(value: float, ticks: int = 4) -> tuple[float, float]:
    """An axis top at or above `value` that splits into `ticks` round steps; (top, step)."""
    if value <= 0:
        return float(ticks), 1.0
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * ticks, step


@dataclass(frozen=True)
class Tick:
    y: float
    value: float


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 1-based: the CSS class s1..s5 and the legend entry
    value: int


@dataclass(frozen=True)
class Label:
    x: float
    text: str
    sub: str = ""  # a second line: the year, under the first month and every January


def month_axis(months: Sequence[str], name: Callable[[str], str]) -> list[tuple[str, str]]:
    """Axis labels of `YYYY-MM` months: the month's short name, the year under the first and each January."""
    return [(name(m), m[:4] if i == 0 or m.endswith("-01") else "") for i, m in enumerate(months)]


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    left: int
    right: float
    bottom: float
    ticks: list[Tick]
    labels: list[Label]
    bars: list[Bar]
    line: str = ""  # an SVG path of the line series
    area: str = ""
    dots: tuple[tuple[float, float, int], ...] = ()


def _frame(top_value: float, step: float) -> tuple[float, list[Tick]]:
    inner = HEIGHT - TOP - BOTTOM
    count = round(top_value / step)
    return inner, [Tick(TOP + inner - inner * i / count, step * i) for i in range(count + 1)]


def grouped_bars(labels: Sequence[tuple[str, str]], series: Sequence[Sequence[int]]) -> Plot:
    """Bars side by side per label (points issued / redeemed / expired per month)."""
    top, step = nice_ceiling(max((v for s in series for v in s), default=0))
    inner, ticks = _frame(top, step)
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    gap = slot * 0.22
    width = (slot - gap) / max(len(series), 1)
    bars = []
    for i in range(len(labels)):
        for k, values in enumerate(series):
            height = inner * values[i] / top
            x = LEFT + i * slot + gap / 2 + k * width
            bars.append(Bar(x, TOP + inner - height, max(width - 1, 1), height, k + 1, values[i]))
    texts = [Label(LEFT + (i + 0.5) * slot, text, sub) for i, (text, sub) in enumerate(labels)]
    return Plot(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP + inner, ticks, _thin(texts), bars)


def line(labels: Sequence[tuple[str, str]], values: Sequence[int]) -> Plot:
    """One series over time with the area under it (members at the end of each month)."""
    top, step = nice_ceiling(max(values, default=0))
    inner, ticks = _frame(top, step)
    span = WIDTH - LEFT - RIGHT
    count = len(values)
    xs = [LEFT + span * (i + 0.5) / count for i in range(count)]
    ys = [TOP + inner - inner * v / top for v in values]
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    )
    area = f"{path} L{xs[-1]:.1f},{TOP + inner:.1f} L{xs[0]:.1f},{TOP + inner:.1f} Z" if count else ""
    texts = [Label(x, text, sub) for x, (text, sub) in zip(xs, labels, strict=True)]
    dots = tuple((x, y, v) for x, y, v in zip(xs, ys, values, strict=True))
    return Plot(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP + inner, ticks, _thin(texts), [], path, area, dots)


def _thin(labels: list[Label], most: int = 12) -> list[Label]:
    """Every label up to `most`, else every second one (a 24-month axis stays readable)."""
    if len(labels) <= most:
        return labels
    stride = math.ceil(len(labels) / most)
    return labels[::stride]


@dataclass(frozen=True)
class Share:
    label: str
    value: int
    percent: float  # of the largest value: the bar's length


def shares(items: Sequence[tuple[str, int]]) -> list[Share]:
    """Horizontal bars (members per tier), each as long as its value against the largest."""
    largest = max((v for _, v in items), default=0)
    return [Share(label, value, 100 * value / largest if largest else 0) for label, value in items]


@dataclass(frozen=True)
class Diverging:
    label: str
    value: int | None  # None: nothing to compare (no holdout)
    offset: float  # where the bar starts, % of the track
    length: float  # % of the track
    positive: bool


def diverging(items: Sequence[tuple[str, int | None]]) -> list[Diverging]:
    """Bars either side of a middle line (lift per campaign: above or below its holdout)."""
    largest = max((abs(v) for _, v in items if v is not None), default=0)
    rows = []
    for label, value in items:
        if value is None or largest == 0:
            rows.append(Diverging(label, value, 50, 0, True))
            continue
        length = 50 * abs(value) / largest
        rows.append(Diverging(label, value, 50 if value >= 0 else 50 - length, length, value >= 0))
    return rows


def arc_end(fraction: float) -> tuple[float, float]:
    """Where a half-ring gauge (centre 100,100, radius 80) filled to `fraction` 0..1 ends."""
    angle = math.pi * (1 - max(0.0, min(1.0, fraction)))
    return 100 + 80 * math.cos(angle), 100 - 80 * math.sin(angle)
