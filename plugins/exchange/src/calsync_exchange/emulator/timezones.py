"""Time zones as Exchange knows them: Windows ids, IANA ids and custom rule definitions.

Windows ids are resolved with the CLDR table exchangelib ships
(``exchangelib.winzone.MS_TIMEZONE_TO_IANA_MAP``) overlaid with tzlocal's newer copy, which
already knows the 2026 Canadian ids; the server side knowing more ids than the client is
realistic. Custom definitions (``Name="Customized Time Zone"``) become a :class:`RuleZone`,
a ``tzinfo`` built from the base offset and the yearly daylight rule.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from exchangelib.winzone import IANA_TO_MS_TIMEZONE_MAP, MS_TIMEZONE_TO_IANA_MAP
from tzlocal.windows_tz import win_tz

from calsync_exchange.emulator.values import (
    WEEKDAYS,
    CustomTimeZone,
    TimeZoneSpec,
    TransitionRule,
    WindowsTimeZone,
)

#: Windows id -> IANA id, the server's view (tzlocal's newer table wins).
WINDOWS_TO_IANA: dict[str, str] = {**MS_TIMEZONE_TO_IANA_MAP, **win_tz}
UTC_SPEC = WindowsTimeZone("UTC")


class UnknownTimeZoneError(ValueError):
    """A zone id the server does not know (EWS answers ``ErrorTimeZone``)."""


def windows_id_for(zone: str) -> str:
    """Return the Windows id for ``zone``, which may already be a Windows id or an IANA id."""
    if zone in WINDOWS_TO_IANA:
        return zone
    if zone in IANA_TO_MS_TIMEZONE_MAP:
        return IANA_TO_MS_TIMEZONE_MAP[zone][0]
    raise UnknownTimeZoneError(zone)


@cache
def _zoneinfo(zone_id: str) -> tzinfo:
    iana = WINDOWS_TO_IANA.get(zone_id, zone_id)
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimeZoneError(zone_id) from exc


def resolve(spec: TimeZoneSpec) -> tzinfo:
    """Return the ``tzinfo`` that ``spec`` names."""
    if isinstance(spec, CustomTimeZone):
        return RuleZone(spec)
    return _zoneinfo(spec.zone_id)


def validate(spec: TimeZoneSpec) -> None:
    """Raise :class:`UnknownTimeZoneError` when the server cannot use ``spec``."""
    resolve(spec)


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``zone``, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _nth_weekday(year: int, rule: TransitionRule) -> date:
    weekday = WEEKDAYS.index(rule.weekday)
    days_in_month = calendar.monthrange(year, rule.month)[1]
    firsts = [d for d in range(1, 8) if date(year, rule.month, d).weekday() == weekday]
    candidates = list(range(firsts[0], days_in_month + 1, 7))
    if rule.occurrence < 0 or rule.occurrence > len(candidates):
        return date(year, rule.month, candidates[-1])
    return date(year, rule.month, candidates[rule.occurrence - 1])


class RuleZone(tzinfo):
    """A ``tzinfo`` following a custom Exchange definition: one offset, or two with rules.

    Local times in a spring-forward gap or a fall-back overlap get the offset in force
    before the transition, like ``zoneinfo`` with ``fold=0``.
    """

    def __init__(self, spec: CustomTimeZone) -> None:
        """Build the zone from ``spec``."""
        self.spec = spec

    def _has_daylight(self) -> bool:
        spec = self.spec
        return (
            spec.daylight_offset is not None
            and spec.daylight_start is not None
            and spec.standard_start is not None
        )

    def _transitions_utc(self, year: int) -> tuple[datetime, datetime]:
        """Return the UTC instants daylight time starts and ends in ``year``."""
        spec = self.spec
        assert spec.daylight_start is not None
        assert spec.standard_start is not None
        assert spec.daylight_offset is not None
        start_local = datetime.combine(
            _nth_weekday(year, spec.daylight_start), spec.daylight_start.at
        )
        end_local = datetime.combine(
            _nth_weekday(year, spec.standard_start), spec.standard_start.at
        )
        # Each transition happens at a wall time read in the offset in force before it.
        start = (start_local - spec.standard_offset).replace(tzinfo=UTC)
        end = (end_local - spec.daylight_offset).replace(tzinfo=UTC)
        return start, end

    def _is_daylight_utc(self, moment: datetime) -> bool:
        start, end = self._transitions_utc(moment.year)
        if start < end:
            return start <= moment < end
        # Southern hemisphere: daylight time spans the turn of the year.
        return moment >= start or moment < end

    def _readings(self, naive: datetime) -> tuple[bool, bool]:
        """Whether wall time ``naive`` exists in standard time, and in daylight time."""
        spec = self.spec
        assert spec.daylight_offset is not None
        as_standard = (naive - spec.standard_offset).replace(tzinfo=UTC)
        as_daylight = (naive - spec.daylight_offset).replace(tzinfo=UTC)
        return not self._is_daylight_utc(as_standard), self._is_daylight_utc(as_daylight)

    def utcoffset(self, dt: datetime | None) -> timedelta:
        """Return the offset at local time ``dt`` (``fold`` decides in overlaps and gaps)."""
        spec = self.spec
        if dt is None or not self._has_daylight():
            return spec.standard_offset
        assert spec.daylight_offset is not None
        std_ok, dst_ok = self._readings(dt.replace(tzinfo=None))
        if std_ok and dst_ok:  # overlap: fold=0 is the first (daylight) occurrence
            return spec.standard_offset if dt.fold else spec.daylight_offset
        if not std_ok and not dst_ok:  # gap: fold=0 reads it with the offset before the change
            return spec.daylight_offset if dt.fold else spec.standard_offset
        return spec.daylight_offset if dst_ok else spec.standard_offset

    def dst(self, dt: datetime | None) -> timedelta:
        """Daylight saving in force at ``dt`` (relative to standard time)."""
        return self.utcoffset(dt) - self.spec.standard_offset

    def tzname(self, dt: datetime | None) -> str:
        """Return the definition's name."""
        return self.spec.name

    def fromutc(self, dt: datetime) -> datetime:
        """Convert a UTC time (carrying this tzinfo) to local time, with ``fold`` set."""
        spec = self.spec
        utc = dt.replace(tzinfo=UTC)
        if not self._has_daylight() or not self._is_daylight_utc(utc):
            local = (utc + spec.standard_offset).replace(tzinfo=self)
            if self._has_daylight() and all(self._readings(local.replace(tzinfo=None))):
                return local.replace(fold=1)  # the second pass through an overlap
            return local
        assert spec.daylight_offset is not None
        return (utc + spec.daylight_offset).replace(tzinfo=self)

    def __repr__(self) -> str:
        """Name the definition."""
        return f"RuleZone({self.spec.name!r})"


def spec_for(zone: str | TimeZoneSpec) -> TimeZoneSpec:
    """Normalise a seed argument (Windows id, IANA id or spec) to a validated spec."""
    if isinstance(zone, str):
        spec: TimeZoneSpec = WindowsTimeZone(windows_id_for(zone))
    else:
        spec = zone
    validate(spec)
    return spec
