"""Times as Calendar v3 writes them: RFC 3339 instants, ``EventDateTime`` and zones.

All-day values are floating dates: they are never converted through a zone when stored or
rendered (timezones-and-rules.md §1.8). A zone is used only to *compare* an all-day item
with an instant (the ``timeMin``/``timeMax`` window), the way Google uses the calendar's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calsync_gmail.emulator._errors import ApiError, invalid


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name``; raise :class:`KeyError` if there is none."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        raise KeyError(name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise KeyError(name) from exc


def parse_instant(text: str, *, parameter: str | None = None) -> datetime:
    """Parse an RFC 3339 timestamp with an offset (``2025-03-01T00:00:00Z``) into aware UTC.

    :param parameter: the query parameter it came from, named in the 400 it raises.
    """
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        value = None
    if value is None or value.tzinfo is None:
        message = f"Invalid value for: {parameter}" if parameter else f"Invalid value: {text}"
        raise ApiError(400, "badRequest", "Bad Request" if not parameter else message)
    return value.astimezone(UTC)


def format_instant(moment: datetime, tz: ZoneInfo) -> str:
    """Format ``moment`` in ``tz`` the way Calendar renders ``dateTime`` values."""
    text = moment.astimezone(tz).isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def format_stamp(moment: datetime) -> str:
    """Format a server timestamp (``created``, ``updated``) with milliseconds, in UTC."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


@dataclass(frozen=True, slots=True)
class EventTime:
    """A resolved ``start`` or ``end``: a floating date, or an instant with its zone name.

    :param day: the date of an all-day value (``None`` for timed values).
    :param instant: the aware UTC instant of a timed value.
    :param tz_name: the ``timeZone`` the client gave, if any.
    """

    day: date | None = None
    instant: datetime | None = None
    tz_name: str | None = None

    @property
    def all_day(self) -> bool:
        """Whether this is a floating date."""
        return self.day is not None

    def moment(self, window_zone: ZoneInfo) -> datetime:
        """Return the UTC instant to compare with a window (all-day: midnight there)."""
        if self.day is not None:
            return datetime.combine(self.day, time(), window_zone).astimezone(UTC)
        assert self.instant is not None
        return self.instant


def resolve(value: Any, which: str) -> EventTime:
    """Validate and resolve an ``EventDateTime`` object (``which`` is ``start`` or ``end``)."""
    if not isinstance(value, dict) or not (value.get("date") or value.get("dateTime")):
        raise ApiError(400, "required", f"Missing {which} time.")
    tz_name = value.get("timeZone")
    if tz_name is not None:
        try:
            zone(tz_name)
        except KeyError:
            raise invalid(f"Invalid time zone definition for {which} time.") from None
    if value.get("date") and value.get("dateTime"):
        raise invalid(f"Invalid {which} time.")
    if value.get("date"):
        try:
            return EventTime(day=date.fromisoformat(value["date"]), tz_name=tz_name)
        except (TypeError, ValueError):
            raise invalid(f"Invalid {which} time.") from None
    try:
        parsed = datetime.fromisoformat(value["dateTime"])
    except (TypeError, ValueError):
        raise invalid(f"Invalid {which} time.") from None
    if parsed.tzinfo is None:
        # A wall-clock time needs a zone to become an instant (Google's own message).
        if tz_name is None:
            raise invalid(f"Missing time zone definition for {which} time.")
        parsed = parsed.replace(tzinfo=zone(tz_name))
    return EventTime(instant=parsed.astimezone(UTC), tz_name=tz_name)


def render(value: EventTime, tz: ZoneInfo) -> dict[str, str]:
    """Render a resolved time as an ``EventDateTime`` in the response zone ``tz``."""
    if value.day is not None:
        out = {"date": value.day.isoformat()}
    else:
        assert value.instant is not None
        out = {"dateTime": format_instant(value.instant, tz)}
    if value.tz_name:
        out["timeZone"] = value.tz_name
    return out
