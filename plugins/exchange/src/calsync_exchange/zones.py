"""Time zones between Exchange (Windows ids) and the core model.

* :func:`install_overlay` teaches exchangelib the Windows ids its CLDR copy lacks (the 2026
  Canadian ids ``British Columbia``/``Alberta``/``Manitoba Standard Time``), from core's
  table (tzlocal's CLDR copy plus core's overlay), so it no longer answers ``None``.
* :func:`ews_timezone` turns an item's zone (IANA or Windows id) into the
  :class:`~exchangelib.EWSTimeZone` a write sends (exchangelib picks the Windows id).
* :func:`read_zone` reads a raw ``StartTimeZone``/``EndTimeZone`` element: a Windows id is
  kept as it is (core's matcher maps it); a custom definition with no id is resolved to an
  IANA zone with the same rules, or stays ``"Customized Time Zone"``.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final, final

from exchangelib import EWSTimeZone
from exchangelib.errors import UnknownTimeZone
from exchangelib.properties import TimeZoneDefinition
from exchangelib.winzone import IANA_TO_MS_TIMEZONE_MAP, MS_TIMEZONE_TO_IANA_MAP
from lxml import etree

from calsync.timezones import to_zoneinfo, tzdb, windows
from calsync.timezones.matcher import CUSTOM_ZONE_NAME, DEFAULT_HORIZON
from calsync_exchange.customzone import DefinitionZone, equivalent_zone

__all__ = ["CUSTOM_ZONE_NAME", "ZoneReading", "ews_timezone", "install_overlay", "read_zone"]

_installed = threading.Event()
_lock = threading.Lock()


def install_overlay() -> None:
    """Add the Windows ids core knows and exchangelib lacks to exchangelib's maps (once).

    The maps are module-level dictionaries exchangelib consults on every time-zone
    conversion; adding entries (never removing any) is how its own warning says to fix an
    unknown id. IANA zones are remapped only to the ids that were added, so that e.g.
    ``America/Vancouver`` is written as ``British Columbia Standard Time`` and keeps its
    2026 rules.
    """
    if _installed.is_set():
        return
    with _lock:
        added = set()
        for windows_id in sorted(windows.windows_ids()):
            iana = windows.to_iana(windows_id)
            if iana and windows_id not in MS_TIMEZONE_TO_IANA_MAP:
                MS_TIMEZONE_TO_IANA_MAP[windows_id] = iana
                added.add(windows_id)
        for iana in sorted(tzdb.available()):
            mapped = windows.windows_id_of(iana)
            if mapped in added:
                territory = IANA_TO_MS_TIMEZONE_MAP.get(iana, ("", "001"))[1]
                IANA_TO_MS_TIMEZONE_MAP[iana] = (mapped, territory)
        _installed.set()


def ews_timezone(zone_id: str) -> EWSTimeZone:
    """The zone a write sends for ``zone_id`` (a Windows id, an IANA id or a link).

    Raises :class:`ValueError` for a zone Exchange cannot be given.
    """
    install_overlay()
    zone_id = zone_id.strip()
    try:
        if zone_id in MS_TIMEZONE_TO_IANA_MAP:
            return EWSTimeZone.from_ms_id(zone_id)
        if zone_id in IANA_TO_MS_TIMEZONE_MAP:
            return EWSTimeZone(zone_id)
        resolved = to_zoneinfo(zone_id)
        if resolved is not None:
            return EWSTimeZone(resolved.key)
    except UnknownTimeZone as exc:
        raise ValueError(f"time zone {zone_id!r} has no Windows id Exchange knows") from exc
    raise ValueError(f"time zone {zone_id!r} is not an IANA or Windows id")


@final
@dataclass(frozen=True, slots=True)
class ZoneReading:
    """A zone as read from an item: the id the item reports and the rules to compute with."""

    #: The Windows id as Exchange sent it, an IANA id, or ``"Customized Time Zone"``.
    zone_id: str
    #: The rules (``None`` when the id is unknown and there is no definition).
    tz: tzinfo | None


def read_zone(elem: etree._Element | None, now: datetime) -> ZoneReading | None:
    """Read a raw ``StartTimeZone``/``EndTimeZone`` (``None`` when the item has none).

    :param now: where the window starts in which a custom definition must agree with an
        IANA zone (ten years from then, as core's matcher checks).
    """
    if elem is None:
        return None
    install_overlay()
    zone_id = (elem.get("Id") or "").strip()
    has_rules = elem.find("{*}Periods") is not None
    if zone_id and (zone_id in MS_TIMEZONE_TO_IANA_MAP or not has_rules):
        return ZoneReading(zone_id, to_zoneinfo(zone_id))
    if not has_rules:
        name = (elem.get("Name") or "").strip()
        return ZoneReading(name or CUSTOM_ZONE_NAME, to_zoneinfo(name) if name else None)
    return _custom(etree.tostring(elem), _window_start(now))


def _window_start(now: datetime) -> datetime:
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _custom(xml: bytes, begin: datetime) -> ZoneReading:
    """Resolve a custom definition (cached: a mailbox's items share a handful of them)."""
    elem = etree.fromstring(xml)
    try:
        definition = TimeZoneDefinition.from_xml(elem=elem, account=None)
        zone = DefinitionZone(definition)
    except (ValueError, TypeError, KeyError, AttributeError):
        return ZoneReading(CUSTOM_ZONE_NAME, None)
    match = equivalent_zone(zone, (begin, begin + DEFAULT_HORIZON))
    if match is None:
        return ZoneReading(CUSTOM_ZONE_NAME, zone)
    return ZoneReading(match, tzdb.load(match))


UTC_READING: Final = ZoneReading("UTC", UTC)
