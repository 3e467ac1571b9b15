"""The pinned IANA time-zone database: zone names, link classes and zone rules.

``zoneinfo`` prefers the operating system's database over the ``tzdata`` package, and the
two differ between machines (a 2025 OS database gets British Columbia's 2026 change
wrong). calsync pins ``tzdata`` and points ``zoneinfo`` at it alone, so every machine
gives the same answers. :func:`use_pinned_tzdata` runs when this module is imported.
"""

from __future__ import annotations

import functools
import importlib.resources
import zoneinfo
from typing import Final

import tzdata

__all__ = [
    "IANA_VERSION",
    "available",
    "canonical",
    "country_of",
    "link_class",
    "links",
    "load",
    "representatives",
    "use_pinned_tzdata",
]

#: The version of the pinned database, e.g. ``"2026f"``.
IANA_VERSION: Final[str] = tzdata.IANA_VERSION


def use_pinned_tzdata() -> None:
    """Make ``zoneinfo`` read the pinned ``tzdata`` package only, never the OS database."""
    zoneinfo.reset_tzpath(to=[])
    # Drop zones an earlier import may have loaded from the OS database.
    zoneinfo.ZoneInfo.clear_cache()


use_pinned_tzdata()


def _read(name: str) -> str:
    return importlib.resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def links() -> dict[str, str]:
    """Every link (backward name) of the database, mapped to the zone it finally points at."""
    direct: dict[str, str] = {}
    for line in _read("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            direct[parts[2]] = parts[1]
    resolved: dict[str, str] = {}
    for alias in direct:
        target = direct[alias]
        hops = 0
        while target in direct and hops < 16:  # links of links exist; cycles do not
            target = direct[target]
            hops += 1
        resolved[alias] = target
    return resolved


@functools.cache
def available() -> frozenset[str]:
    """Every zone and link name of the pinned database."""
    return frozenset(zoneinfo.available_timezones())


def canonical(zone: str) -> str:
    """The zone ``zone`` is a link to, or ``zone`` itself."""
    return links().get(zone, zone)


@functools.cache
def _classes() -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = {}
    for name in available():
        members.setdefault(canonical(name), set()).add(name)
    return {target: frozenset(names) for target, names in members.items()}


def link_class(zone: str) -> frozenset[str]:
    """Every name that denotes the same zone as ``zone`` (itself included)."""
    return _classes().get(canonical(zone), frozenset({zone}))


@functools.cache
def _countries() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for source in ("zone.tab", "zone1970.tab"):
        for line in _read(source).splitlines():
            if not line or line.startswith("#"):
                continue
            codes, _, zone = line.split("\t")[:3]
            table.setdefault(zone, set()).update(codes.split(","))
    return {zone: frozenset(codes) for zone, codes in table.items()}


def country_of(zone: str) -> frozenset[str]:
    """ISO country codes of the places ``zone`` (or its link class) covers; empty if none."""
    codes: set[str] = set()
    for name in link_class(zone):
        codes |= _countries().get(name, frozenset())
    return frozenset(codes)


@functools.cache
def representatives() -> frozenset[str]:
    """The zones ``zonenow.tab`` lists: one per group of zones that agree from now on."""
    zones = set()
    for line in _read("zonenow.tab").splitlines():
        if line and not line.startswith("#"):
            zones.add(line.split("\t")[2])
    return frozenset(zones)


@functools.cache
def load(zone: str) -> zoneinfo.ZoneInfo:
    """The zone's rules from the pinned database; ``KeyError`` when there is no such zone."""
    if zone not in available():
        raise KeyError(zone)
    return zoneinfo.ZoneInfo(zone)
