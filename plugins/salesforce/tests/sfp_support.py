"""Shared values of the provider tests (a uniquely named module: the tests directory is not a
package, so names must not clash with other plugins' test helpers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from calsync.model import CalendarItem, ItemKind
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync_salesforce.harness import SalesforceCrmHarness

#: Tuesday 3 March 2026, 09:00 UTC (the org's clock stands at Monday 09:00).
T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def timed(start: datetime = T0, minutes: int = 60, **fields: Any) -> CalendarItem:
    """A timed single item."""
    return CalendarItem(start=start, end=start + timedelta(minutes=minutes), **fields)


def all_day(first: date, days: int = 1, **fields: Any) -> CalendarItem:
    """An all-day item (core's exclusive end)."""
    return CalendarItem(start=first, end=first + timedelta(days=days), **fields)


def weekly(
    rule: str = "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4",
    *,
    start: datetime = datetime(2026, 3, 23, 8, 0, tzinfo=UTC),
    zone: str = "Europe/Berlin",
    model: RecurrenceModel = RecurrenceModel.CRM_CLASSIC,
    exclusions: tuple[datetime, ...] = (),
    **fields: Any,
) -> CalendarItem:
    """A series master: 09:00 Berlin, 15 minutes."""
    return CalendarItem(
        kind=ItemKind.SERIES,
        start=start,
        end=start + timedelta(minutes=15),
        zone=zone,
        recurrence=Recurrence(rule=rule, zone=zone, model=model, exclusions=exclusions),
        **{"subject": "Stand-up", **fields},
    )


def stored(harness: SalesforceCrmHarness, event_id: str) -> dict[str, Any]:
    """The event as the emulator's store holds it (Python values)."""
    record = harness.org.event(event_id)
    assert record is not None, f"no event {event_id} in the store"
    return record


def live_events(harness: SalesforceCrmHarness, owner: str | None = None) -> list[dict[str, Any]]:
    """Live events in the store (pattern records of Lightning series left out)."""
    return [e for e in harness.org.events(owner=owner) if e.get("GroupEventType") != "3"]
