"""The overview's chart: passes, records synced and new issues per hour over the last 24 hours.

Drawn on the server as SVG (no charting library to vendor, nothing run in the browser):
one small bar chart per series, sharing the hour axis, each bar titled with its figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, final

from calsync.issues import Issue
from calsync.state.records import PassRecord

__all__ = ["HOURS", "Bar", "Series", "activity", "window_start"]

HOURS: Final = 24
#: The drawing's size in SVG units (it scales to the page's width).
WIDTH: Final = 480
HEIGHT: Final = 60


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Bar:
    """One hour's bar."""

    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """One row of the chart."""

    name: str
    total: int
    peak: int
    bars: tuple[Bar, ...]


def activity(
    now: datetime, passes: Iterable[PassRecord], issues: Iterable[Issue]
) -> tuple[Series, ...]:
    """The three series over the last 24 whole hours (the current one last), oldest first."""
    start = window_start(now)
    counts = {"Passes": [0] * HOURS, "Records synced": [0] * HOURS, "New issues": [0] * HOURS}

    def hour(moment: datetime) -> int | None:
        index = int((moment - start) / timedelta(hours=1))
        return index if 0 <= index < HOURS else None

    for record in passes:
        index = hour(record.finished_at)
        if index is not None:
            counts["Passes"][index] += 1
            counts["Records synced"][index] += record.synced_up + record.synced_down
    for issue in issues:
        index = hour(issue.first_seen)
        if index is not None:
            counts["New issues"][index] += 1
    return tuple(_series(name, values, start) for name, values in counts.items())


def window_start(now: datetime) -> datetime:
    """When the chart's first hour begins."""
    return now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)


def _series(name: str, values: list[int], start: datetime) -> Series:
    peak = max(values)
    slot = WIDTH / HOURS
    bars = []
    for index, value in enumerate(values):
        height = 0.0 if peak == 0 else max(1.0, HEIGHT * value / peak) if value else 0.0
        begins = start + timedelta(hours=index)
        bars.append(
            Bar(
                x=round(index * slot + 1, 2),
                y=round(HEIGHT - height, 2),
                width=round(slot - 2, 2),
                height=round(height, 2),
                value=value,
                label=f"{begins:%H:%M} to {begins + timedelta(hours=1):%H:%M} UTC: {value}",
            )
        )
    return Series(name=name, total=sum(values), peak=peak, bars=tuple(bars))
