"""Helpers for the provider tests: items in Alice's zone, request inspection.

A uniquely named module: test directories are not packages, so names must not clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calsync.emulation import HttpRequest
from calsync.model import CalendarItem, ItemKind, Recurrence

CPH = ZoneInfo("Europe/Copenhagen")
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")


def at(day: int, hour: int, minute: int = 0, *, month: int = 3, tz: ZoneInfo = CPH) -> datetime:
    """A moment in March 2025 (Alice's zone by default)."""
    return datetime(2025, month, day, hour, minute, tzinfo=tz)


def single(subject: str, day: int = 10, hour: int = 9, **fields: Any) -> CalendarItem:
    """A one-hour single item."""
    start = at(day, hour)
    return CalendarItem(start=start, end=start + timedelta(hours=1), subject=subject, **fields)


def weekly(
    subject: str, day: int = 10, hour: int = 9, count: int = 5, **fields: Any
) -> CalendarItem:
    """A weekly one-hour series in Europe/Copenhagen."""
    start = at(day, hour)
    return CalendarItem(
        kind=ItemKind.SERIES,
        start=start,
        end=start + timedelta(hours=1),
        subject=subject,
        zone="Europe/Copenhagen",
        recurrence=Recurrence(rule=f"FREQ=WEEKLY;COUNT={count}", zone="Europe/Copenhagen"),
        **fields,
    )


def by_subject(items: Iterable[CalendarItem]) -> dict[str, CalendarItem]:
    """Items keyed by subject (subjects are unique in each test)."""
    return {item.subject: item for item in items}


def event_writes(requests: Iterable[HttpRequest]) -> list[HttpRequest]:
    """The Calendar event writes among ``requests`` (batch parts included)."""
    return [r for r in requests if r.method in WRITE_METHODS and "/events" in r.path]
