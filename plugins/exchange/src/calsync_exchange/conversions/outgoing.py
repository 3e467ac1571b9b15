"""From a core item to the exchangelib ``CalendarItem`` a create or an update sends.

A timed item is sent in its zone (the series' zone for a master), mapped to the Windows
id exchangelib knows for it; an item without a zone takes the mailbox's. An all-day item
is sent as exchangelib expects dates: ``is_all_day`` with an *inclusive* end date
(core's exclusive end minus one day), its midnights in the mailbox's zone unless the item
names one. A series master also gets its EWS pattern and the RRULE text it came from
(see :mod:`calsync_exchange.properties`).

The organizer is never written (Exchange sets it); CRM links and the owner have no place
in a mailbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, Final

from exchangelib import Body, EWSDate, EWSTimeZone
from exchangelib import CalendarItem as EwsItem
from exchangelib.properties import Attendee, Mailbox

from calsync.model import CalendarItem, ItemKind
from calsync.providers import SYNCED_FIELDS
from calsync_exchange.conversions.recurrence import from_rrule
from calsync_exchange.conversions.values import (
    ROLE_FIELDS,
    free_busy_of,
    response_type_of,
    sensitivity_of,
)
from calsync_exchange.properties import COUNTERPART, RULE
from calsync_exchange.zones import ews_timezone

__all__ = ["FIELD_NAMES", "ews_fieldnames", "to_ews"]

_TIMES: Final = ("start", "end", "is_all_day", "_start_timezone", "_end_timezone")
#: Core field -> the exchangelib fields an update of it sets.
FIELD_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "subject": ("subject",),
    "body": ("body",),
    "location": ("location",),
    "start": _TIMES,
    "end": _TIMES,
    "zone": _TIMES,
    "privacy": ("sensitivity",),
    "show_as": ("legacy_free_busy_status",),
    "attendees": tuple(ROLE_FIELDS.values()),
    "recurrence": ("recurrence", RULE),
    "counterpart_id": (COUNTERPART,),
}


def ews_fieldnames(fields: Iterable[str] | None, *, master: bool) -> list[str]:
    """The exchangelib field names an update of core ``fields`` sets, in a stable order.

    :param master: whether the target is a series master (only masters take a pattern).
    """
    wanted = SYNCED_FIELDS if fields is None else frozenset(fields)
    names: list[str] = []
    for field, ews in FIELD_NAMES.items():
        if field in wanted:
            names.extend(n for n in ews if n not in names)
    if not master:
        names = [n for n in names if n not in FIELD_NAMES["recurrence"]]
    return names


def _zone(item: CalendarItem, default: EWSTimeZone) -> EWSTimeZone:
    recurrence = item.recurrence
    zone = (recurrence.zone if recurrence is not None else None) or item.zone
    return ews_timezone(zone) if zone else default


def _attendees(item: CalendarItem) -> dict[str, list[Attendee] | None]:
    lists: dict[str, list[Attendee]] = {name: [] for name in ROLE_FIELDS.values()}
    for person in item.attendees:
        lists[ROLE_FIELDS[person.role]].append(
            Attendee(
                mailbox=Mailbox(email_address=person.address, name=person.name or None),
                response_type=response_type_of(person.response),
            )
        )
    return {name: value or None for name, value in lists.items()}


def _times(item: CalendarItem, tz: EWSTimeZone) -> dict[str, Any]:
    if isinstance(item.start, datetime):
        assert isinstance(item.end, datetime)
        return {
            "start": item.start.astimezone(tz),
            "end": item.end.astimezone(tz),
            "is_all_day": False,
            "_start_timezone": tz,
            "_end_timezone": tz,
        }
    assert isinstance(item.end, date)
    return {
        "start": EWSDate.from_date(item.start),
        # exchangelib's all-day end is inclusive; core's is exclusive.
        "end": EWSDate.from_date(item.end - timedelta(days=1)),
        "is_all_day": True,
        "_start_timezone": tz,
        "_end_timezone": tz,
    }


def to_ews(item: CalendarItem, default_zone: EWSTimeZone, **identity: Any) -> EwsItem:
    """The exchangelib item holding every value of ``item`` Exchange can store.

    :param default_zone: the mailbox's zone (all-day midnights, items with no zone).
    :param identity: ``account``/``folder``/``_id`` of the item to update, if any.
    Raises :class:`ValueError` (an :class:`~calsync_exchange.conversions.recurrence.UnsupportedRule`
    included) for what Exchange cannot hold.
    """
    tz = default_zone if item.is_all_day and not item.zone else _zone(item, default_zone)
    values: dict[str, Any] = {
        "subject": item.subject or None,
        "body": Body(item.body) if item.body else None,
        "location": item.location or None,
        "sensitivity": sensitivity_of(item.privacy),
        "legacy_free_busy_status": free_busy_of(item.show_as),
        COUNTERPART: item.counterpart_id,
        **_attendees(item),
        **_times(item, tz),
    }
    if item.kind is ItemKind.SERIES and item.recurrence is not None:
        local = item.start.astimezone(tz).date() if isinstance(item.start, datetime) else item.start
        values["recurrence"] = from_rrule(item.recurrence.rule, local, tz)
        values[RULE] = item.recurrence.rule
    return EwsItem(**identity, **values)
