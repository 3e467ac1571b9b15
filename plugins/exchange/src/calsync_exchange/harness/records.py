"""Core items to and from the EWS emulator's seed and read API (not through the wire).

:func:`seed_values` turns a core item (or a set of changed fields) into the keyword
arguments of :meth:`EwsEmulator.seed_item <calsync_exchange.emulator.EwsEmulator.seed_item>`
and ``update_item``; :func:`from_record` turns the emulator's read-back dictionary into a
core item the way the provider would report it: Windows zone ids, all-day dates with an
exclusive end, marker labels apart from the person's categories, patterns as RRULEs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from calsync.markers import own_categories
from calsync.model import AttendeeRole, CalendarItem, ItemKind, ItemRef, Participant, ResponseStatus
from calsync.recurrence import Recurrence
from calsync.timezones import to_zoneinfo
from calsync_exchange.conversions import PROVIDER, from_rrule, to_rrule
from calsync_exchange.conversions.recurrence import UnsupportedRule, pattern_key
from calsync_exchange.conversions.values import (
    free_busy_of,
    privacy_of,
    response_of,
    response_type_of,
    sensitivity_of,
    show_as_of,
)
from calsync_exchange.emulator import Attendee, Person
from calsync_exchange.harness.patterns import from_emulator, to_emulator
from calsync_exchange.properties import CounterpartProperty, RuleProperty
from calsync_exchange.zones import ews_timezone

__all__ = ["COUNTERPART_KEY", "RULE_KEY", "from_record", "seed_values", "windows_id"]

COUNTERPART_KEY = f"PublicStrings:{CounterpartProperty.property_name}:String"
RULE_KEY = f"PublicStrings:{RuleProperty.property_name}:String"
_ROLES = {"required_attendees": AttendeeRole.REQUIRED, "optional_attendees": AttendeeRole.OPTIONAL}
_ROLES["resources"] = AttendeeRole.RESOURCE
_SEED_ROLES = {AttendeeRole.REQUIRED: "required", AttendeeRole.OPTIONAL: "optional"}
_SEED_ROLES[AttendeeRole.RESOURCE] = "resources"


def windows_id(zone: str) -> str:
    """The Windows id Exchange stores for ``zone`` (an IANA or Windows id)."""
    return str(ews_timezone(zone).ms_id)


def _series_start(item: CalendarItem, tz: tzinfo) -> date:
    return item.start.astimezone(tz).date() if isinstance(item.start, datetime) else item.start


def seed_values(changes: dict[str, Any], *, zone: str, start: Any = None) -> dict[str, Any]:
    """Emulator keyword arguments for core field ``changes``.

    :param zone: the item's zone (the zone a pattern's start date is read in).
    :param start: the item's start, when ``changes`` has none (a pattern needs its date).
    """
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("subject", "location"):
            values[name] = value or None
        elif name == "body":
            values["body"] = value or None
        elif name in ("start", "end"):
            values[name] = value
            values["is_all_day"] = not isinstance(value, datetime)
        elif name == "zone":
            if value:
                values["time_zone"] = windows_id(value)
        elif name == "privacy":
            values["sensitivity"] = sensitivity_of(value)
        elif name == "show_as":
            values["free_busy"] = free_busy_of(value)
        elif name == "categories":
            values["categories"] = tuple(value)
        elif name == "organizer":
            if value is not None:
                values["organizer"] = Person(email=value.address, name=value.name or None)
        elif name == "attendees":
            for role in _SEED_ROLES.values():
                values[role] = []
            for person in value:
                values[_SEED_ROLES[person.role]].append(
                    Attendee(
                        person=Person(email=person.address, name=person.name or None),
                        response=response_type_of(person.response),
                    )
                )
        elif name == "attendee_copy":
            values["my_response_type"] = "Accept" if value else "Organizer"
        elif name == "uid":
            if value:
                values["uid"] = value
        elif name == "counterpart_id":
            if value:
                values.setdefault("extended", {})[CounterpartProperty.property_name] = value
        elif name == "recurrence":
            if value is None:
                values["recurrence"] = None  # a series made a single item
                continue
            tz = ews_timezone(value.zone or zone)
            first = changes.get("start", start)
            day = first.astimezone(tz).date() if isinstance(first, datetime) else first
            values["recurrence"] = to_emulator(from_rrule(value.rule, day, tz))
        elif name in ("kind", "ref", "owner", "links", "event_type", "series_id", "original_start"):
            continue
        else:
            raise TypeError(f"the exchange harness cannot set {name!r}")
    return values


def _tz(zone: str | None) -> tzinfo:
    return (to_zoneinfo(zone) if zone else None) or UTC


def _moment(value: datetime, tz: tzinfo, all_day: bool) -> datetime | date:
    local = value.astimezone(tz)
    return local.date() if all_day else local


def _rule(data: dict[str, Any], start: date, tz: tzinfo) -> str:
    current = from_emulator(data["recurrence"])
    stored = data["extended"].get(RULE_KEY)
    if stored:
        try:
            if pattern_key(from_rrule(stored, start, tz)) == pattern_key(current):
                return str(stored)
        except (UnsupportedRule, ValueError):
            pass
    return to_rrule(current)


def _people(data: dict[str, Any]) -> tuple[Participant | None, tuple[Participant, ...]]:
    if not data["is_meeting"]:
        return None, ()
    attendees = tuple(
        Participant(
            address=a["email"], name=a["name"] or "", role=role, response=response_of(a["response"])
        )
        for key, role in _ROLES.items()
        for a in data[key]
    )
    organizer = Participant(address=data["organizer"], response=ResponseStatus.ORGANIZER)
    return organizer, attendees


def from_record(data: dict[str, Any], address: str, series_zone: str | None = None) -> CalendarItem:
    """The core item for an emulator read-back dictionary (see ``EwsEmulator.item``)."""
    zone = data["start_time_zone"]
    tz = _tz(zone)
    all_day = bool(data["is_all_day"])
    if all_day:
        start: Any = data["start_date"]
        end: Any = data["end_date"]
    else:
        start, end = (
            data["start"].astimezone(tz),
            data["end"].astimezone(_tz(data["end_time_zone"])),
        )
    kind = {"RecurringMaster": ItemKind.SERIES, "Exception": ItemKind.EXCEPTION}.get(
        data["kind"], ItemKind.SINGLE
    )
    extra: dict[str, Any] = {}
    if kind is ItemKind.SERIES:
        exclusions = tuple(_moment(d, tz, all_day) for d in data["deleted_occurrences"])
        extra["recurrence"] = Recurrence(
            rule=_rule(data, start if all_day else start.date(), tz),
            exclusions=exclusions,
            zone=None if all_day else zone,
        )
    if kind is ItemKind.EXCEPTION:
        extra["series_id"] = data["master_id"]
        extra["original_start"] = _moment(data["original_start"], _tz(series_zone or zone), all_day)
    organizer, attendees = _people(data)
    if all_day and end <= start:
        end = start + timedelta(days=1)
    return CalendarItem(
        ref=ItemRef(provider=PROVIDER, id=data["item_id"], change_token=data["change_key"]),
        kind=kind,
        start=start,
        end=end,
        zone=zone,
        subject=data["subject"] or "",
        body=data["body"] or "",
        location=data["location"] or "",
        organizer=organizer,
        attendees=attendees,
        privacy=privacy_of(data["sensitivity"]),
        show_as=show_as_of(data["free_busy"]),
        categories=own_categories(data["categories"]),
        counterpart_id=data["extended"].get(COUNTERPART_KEY) or None,
        owner=address.lower(),
        attendee_copy=bool(data["is_meeting"]) and data["my_response_type"] != "Organizer",
        uid=data["uid"],
        **extra,
    )
