"""Recurrence rules: an RFC 5545 RRULE with exclusions, expanded with python-dateutil.

A series is expanded in its own zone so that its occurrences keep their wall-clock time
across daylight-saving changes (a 09:00 meeting in Berlin stays at 09:00 in summer). A
local time that falls into a DST gap resolves with ``fold=0``, the RFC 5545 convention.
All-day series expand over floating dates and never go through a zone.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import final
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from calsync.errors import InvalidItemError

__all__ = ["Recurrence", "RecurrenceModel"]

_UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6}Z?)?", re.IGNORECASE)


class RecurrenceModel(enum.StrEnum):
    """How the service that holds a series stores it."""

    #: An RFC 5545 rule on a master item (Exchange patterns, Google RRULE).
    RRULE = "rrule"
    #: A CRM series whose occurrences are individual records sharing a header (Salesforce
    #: Classic ``IsRecurrence``); these are mirrored into mailboxes.
    CRM_CLASSIC = "crm-classic"
    #: A CRM event series of the newer model (Salesforce ``IsRecurrence2``); not written to
    #: mailboxes (EX-04).
    CRM_EVENT_SERIES = "crm-event-series"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Recurrence:
    """The repeating pattern of a series master.

    :param rule: the RRULE value, e.g. ``"FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"`` (a leading
        ``"RRULE:"`` is accepted and removed).
    :param exclusions: original starts of occurrences removed from the series (EXDATE).
    :param zone: the IANA or provider zone id the series expands in; ``None`` for all-day series.
    :param model: how the holding service stores the series.
    :param unsupported_lines: the service's own recurrence lines this model cannot express
        (``RDATE``, ``EXRULE``, a second ``RRULE``), kept so that the series is refused
        instead of mirrored without them (EX-05).
    """

    rule: str
    exclusions: tuple[datetime | date, ...] = ()
    zone: str | None = None
    model: RecurrenceModel = RecurrenceModel.RRULE
    unsupported_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Normalise the rule text and check that python-dateutil can parse it."""
        rule = self.rule.strip()
        if rule.upper().startswith("RRULE:"):
            rule = rule[len("RRULE:") :]
        if not rule:
            raise InvalidItemError("recurrence.rule", "is empty")
        try:
            rrulestr(rule, dtstart=datetime(2000, 1, 1), ignoretz=True)
        except (ValueError, TypeError) as exc:
            raise InvalidItemError(
                "recurrence.rule", f"{rule!r} is not a valid RRULE: {exc}"
            ) from None
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "exclusions", tuple(sorted(set(self.exclusions), key=_sort_key)))

    @property
    def is_bounded(self) -> bool:
        """Whether the series ends (COUNT or UNTIL)."""
        upper = self.rule.upper()
        return "COUNT=" in upper or "UNTIL=" in upper

    def with_exclusion(self, original_start: datetime | date) -> Recurrence:
        """Return a copy that also excludes the occurrence at ``original_start``."""
        return replace(self, exclusions=(*self.exclusions, original_start))

    def starts(
        self,
        first: datetime | date,
        *,
        until: datetime | date | None = None,
        limit: int | None = None,
    ) -> Iterator[datetime | date]:
        """Yield the start of every occurrence, the excluded ones left out.

        :param first: the start of the series' first occurrence (the master's start).
        :param until: stop before this moment (exclusive); required for an unbounded rule
            unless ``limit`` is given.
        :param limit: stop after this many occurrences.
        """
        if not self.is_bounded and until is None and limit is None:
            raise ValueError("an unbounded series needs `until` or `limit` to expand")
        excluded = {_instant(e) for e in self.exclusions}
        count = 0
        for start in self._expand(first):
            if until is not None and _instant(start) >= _instant(until):
                return
            if _instant(start) in excluded:
                continue
            yield start
            count += 1
            if limit is not None and count >= limit:
                return

    def _expand(self, first: datetime | date) -> Iterator[datetime | date]:
        if not isinstance(first, datetime):
            naive = datetime.combine(first, time())
            for moment in rrulestr(self.rule, dtstart=naive, ignoretz=True):
                yield moment.date()
            return
        if first.tzinfo is None:
            raise InvalidItemError("start", "a timed series needs an aware start")
        zone = _zoneinfo(self.zone) or first.tzinfo
        local = first.astimezone(zone)
        rule = _until_as_utc(self.rule, zone)
        parsed = rrulestr(rule, dtstart=local)
        assert isinstance(parsed, rrule)
        for moment in parsed:
            # dateutil adds wall-clock steps to the aware start; normalise the instant so
            # that times in a DST gap resolve with fold=0.
            yield moment.astimezone(UTC).astimezone(zone)


def _zoneinfo(zone: str | None) -> ZoneInfo | None:
    if not zone:
        return None
    try:
        return ZoneInfo(zone)
    except (KeyError, ValueError):
        from calsync.timezones import to_zoneinfo

        return to_zoneinfo(zone)


def _until_as_utc(rule: str, zone: ZoneInfo | object) -> str:
    """Make UNTIL a UTC date-time, which dateutil requires for an aware start."""

    def fix(match: re.Match[str]) -> str:
        day, clock = match.group(1), match.group(2)
        if clock and clock.upper().endswith("Z"):
            return match.group(0)
        parsed = datetime.strptime(day + (clock or "T235959"), "%Y%m%dT%H%M%S")
        aware = parsed.replace(tzinfo=zone)  # type: ignore[arg-type]
        return "UNTIL=" + aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    return _UNTIL.sub(fix, rule)


def _instant(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


def _sort_key(value: datetime | date) -> datetime:
    return _instant(value)
