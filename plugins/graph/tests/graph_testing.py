"""Helpers shared by the graph plugin's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calsync.model import CalendarItem

ALICE = "alice@example.com"


def item(subject: str, days: float = 1, **fields: object) -> CalendarItem:
    """A one-hour item ``days`` from now, in Berlin."""
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    values: dict[str, object] = {
        "start": start,
        "end": start + timedelta(hours=1),
        "subject": subject,
        "zone": "Europe/Berlin",
    }
    values.update(fields)
    return CalendarItem(**values)  # type: ignore[arg-type]
