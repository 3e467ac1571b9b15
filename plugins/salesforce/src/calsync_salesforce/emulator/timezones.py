"""The org's time-zone picklist (``TimeZoneSidKey`` / ``RecurrenceTimeZoneSidKey``).

The 424 values Salesforce listed in 2026, shipped as package data. Real orgs report the
list through ``describe``; this is the emulator's default and the fixture tests read.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from zoneinfo import ZoneInfo


def _load() -> tuple[str, ...]:
    text = (
        resources.files("calsync_salesforce.emulator")
        .joinpath("salesforce-timezones.txt")
        .read_text(encoding="utf-8")
    )
    return tuple(line.strip() for line in text.splitlines() if line.strip())


#: Every TimeZoneSidKey value, in the file's order.
SALESFORCE_TIME_ZONES: tuple[str, ...] = _load()


def picklist_label(value: str, at: datetime) -> str:
    """Return a describe label such as ``(GMT+01:00) Berlin (Europe/Berlin)``.

    Salesforce prefixes the offset in force when describe runs (so labels move with DST);
    clients must match on the value, never the label. The middle part is the emulator's
    own rendering of the city.
    """
    offset = at.astimezone(ZoneInfo(value)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    city = value.rsplit("/", 1)[-1].replace("_", " ")
    return f"(GMT{sign}{hours:02d}:{mins:02d}) {city} ({value})"
