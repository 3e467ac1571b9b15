"""Matching a provider's zone id to a zone the CRM supports (EX-19).

In this order, the first that answers wins:

1. **exact** — the id is one the CRM lists;
2. **link** — an IANA id whose tzdata link class holds a listed zone (``Asia/Calcutta`` →
   ``Asia/Kolkata``);
3. **windows** — a Windows id (or, as a courtesy, a Windows display name such as
   ``"(UTC+01:00) Amsterdam, Berlin"``, method **display-name**) mapped to IANA through the
   CLDR table, then matched as above;
4. **equivalent** — a listed zone with the same UTC offset at every instant of the item's
   future window (``Asia/Damascus`` → a +03 zone), chosen by deterministic tie-breaks: same
   Windows id, same country, same continent, then alphabetical.

No answer → ``UNSUPPORTED_TIME_ZONE``. Results are cached per (id, window).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, final

from calsync.timezones import equivalence, tzdb, windows
from calsync.timezones.equivalence import Window

__all__ = ["CUSTOM_ZONE_NAME", "DEFAULT_HORIZON", "MatchMethod", "TimeZoneMatcher", "ZoneMatch"]

#: How far into the future an item's zone must agree with its substitute.
DEFAULT_HORIZON: Final = timedelta(days=3653)
#: What Outlook and Graph call a zone defined by its rules only, with no id.
CUSTOM_ZONE_NAME: Final = "Customized Time Zone"
UNSUPPORTED: Final = "UNSUPPORTED_TIME_ZONE"


class MatchMethod(enum.StrEnum):
    """How a zone id was matched."""

    EXACT = "exact"
    LINK = "link"
    WINDOWS = "windows"
    DISPLAY_NAME = "display-name"
    EQUIVALENT = "equivalent"
    NONE = "none"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneMatch:
    """The answer for one zone id."""

    #: The id as given.
    input: str
    #: Its canonical IANA id (``None`` when it resolved to none).
    canonical: str | None
    #: The supported zone to use (``None`` when there is none).
    match: str | None
    method: MatchMethod
    #: ``"UNSUPPORTED_TIME_ZONE"`` when there is no match.
    issue: str | None = None
    #: One sentence a person can read.
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Whether a supported zone was found."""
        return self.match is not None


class TimeZoneMatcher:
    """Match zone ids against one CRM's list of supported zones."""

    def __init__(
        self,
        supported: Iterable[str],
        *,
        resolver: Callable[[str], str | None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Match against ``supported``.

        :param resolver: asked for ids no table knows (the ``calsync_resolve_timezone`` hook).
        :param clock: the current time, for the default window (injectable for tests).
        """
        self.supported: frozenset[str] = frozenset(z for z in supported if z in tzdb.available())
        self._resolver = resolver
        self._clock = clock or (lambda: datetime.now(UTC))
        self._by_class: dict[str, list[str]] = {}
        for zone in sorted(self.supported):
            self._by_class.setdefault(tzdb.canonical(zone), []).append(zone)
        self._cached_match = functools.lru_cache(maxsize=8192)(self._match)

    def default_window(self, start: datetime | None = None) -> Window:
        """From a day before ``start`` (or now, if later) to :data:`DEFAULT_HORIZON` after it."""
        now = self._clock()
        begin = max(start, now) if start is not None else now
        begin = begin.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return (begin - timedelta(days=1), begin + DEFAULT_HORIZON)

    def match(self, zone_id: str, window: Window | None = None) -> ZoneMatch:
        """Match ``zone_id`` over ``window`` (default: :meth:`default_window`); cached."""
        return self._cached_match(zone_id, window)

    def _match(self, zone_id: str, window: Window | None = None) -> ZoneMatch:
        zone_id = zone_id.strip()
        if zone_id in self.supported:
            return ZoneMatch(
                input=zone_id,
                canonical=tzdb.canonical(zone_id),
                match=zone_id,
                method=MatchMethod.EXACT,
                detail=f"{zone_id} is supported as it is",
            )
        iana, via = self._to_iana(zone_id)
        if iana is None:
            return self._none(zone_id, None, self._why_unknown(zone_id))
        canonical = tzdb.canonical(iana)
        linked = self._by_class.get(canonical)
        if linked:
            chosen = iana if iana in linked else linked[0]
            method = MatchMethod.LINK if via is None else via
            return ZoneMatch(
                input=zone_id,
                canonical=canonical,
                match=chosen,
                method=method,
                detail=f"{zone_id} is the same zone as {chosen}",
            )
        span = window or self.default_window()
        equivalent = self._equivalent(canonical, span)
        if equivalent is None:
            return self._none(
                zone_id,
                canonical,
                f"no supported zone has the same offsets as {canonical} "
                f"from {span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d}",
            )
        return ZoneMatch(
            input=zone_id,
            canonical=canonical,
            match=equivalent,
            method=MatchMethod.EQUIVALENT,
            detail=(
                f"{equivalent} has the same offsets as {canonical} "
                f"from {span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d}"
            ),
        )

    def _to_iana(self, zone_id: str) -> tuple[str | None, MatchMethod | None]:
        if zone_id in tzdb.available():
            return zone_id, None
        found = windows.to_iana(zone_id)
        if found is not None:
            return found, MatchMethod.WINDOWS
        found = windows.from_display_name(zone_id)
        if found is not None:
            return found, MatchMethod.DISPLAY_NAME
        if self._resolver is not None:
            found = self._resolver(zone_id)
            if found is not None and found in tzdb.available():
                return found, MatchMethod.WINDOWS
        return None, None

    def _equivalent(self, canonical: str, window: Window) -> str | None:
        candidates = [
            zones[0]
            for zones in self._by_class.values()
            if equivalence.same_rules(canonical, zones[0], window)
        ]
        if not candidates:
            return None
        own_windows = windows.windows_id_of(canonical)
        own_countries = tzdb.country_of(canonical)
        own_region = canonical.split("/", 1)[0]

        def preference(zone: str) -> tuple[bool, bool, bool, bool, str]:
            return (
                own_windows is None or windows.windows_id_of(zone) != own_windows,
                not (own_countries & tzdb.country_of(zone)),
                zone.split("/", 1)[0] != own_region,
                not (tzdb.link_class(zone) & tzdb.representatives()),
                zone,
            )

        return min(candidates, key=preference)

    @staticmethod
    def _why_unknown(zone_id: str) -> str:
        if zone_id == CUSTOM_ZONE_NAME:
            return (
                f"{CUSTOM_ZONE_NAME!r} is a zone defined only by its rules; "
                "the mailbox provider must resolve it from its periods and transitions"
            )
        return f"{zone_id!r} is not an IANA id, a Windows id or a Windows display name"

    @staticmethod
    def _none(zone_id: str, canonical: str | None, detail: str) -> ZoneMatch:
        return ZoneMatch(
            input=zone_id,
            canonical=canonical,
            match=None,
            method=MatchMethod.NONE,
            issue=UNSUPPORTED,
            detail=detail,
        )
