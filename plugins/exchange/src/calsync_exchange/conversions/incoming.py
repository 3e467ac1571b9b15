"""From an exchangelib ``CalendarItem`` (as :class:`~calsync_exchange.services.Fetched`) to core.

Times come from the raw ``Start``/``End`` instants: a timed item's are shown in its own
zone, an all-day item's are the local dates of its midnights in its own zone, end
exclusive as Exchange stores it (exchangelib's inclusive end date is never involved, so
nothing shifts a day, from Kiritimati to Pago Pago). The item's zone is the Windows id as
Exchange sent it, or the IANA zone a custom definition resolved to.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, final

from exchangelib import CalendarItem as EwsItem
from exchangelib import HTMLBody
from exchangelib.properties import Attendee, Mailbox

from calsync.errors import InvalidItemError
from calsync.markers import DEFAULT_TITLE, own_categories
from calsync.model import (
    AttendeeRole,
    CalendarItem,
    ItemKind,
    ItemRef,
    Participant,
    ResponseStatus,
)
from calsync.recurrence import Recurrence
from calsync_exchange.conversions.recurrence import UnsupportedRule, rule_as_written
from calsync_exchange.conversions.values import privacy_of, response_of, show_as_of
from calsync_exchange.properties import COUNTERPART, RULE
from calsync_exchange.services import Fetched
from calsync_exchange.zones import ZoneReading, read_zone

__all__ = ["PROVIDER", "Reading", "to_core"]

PROVIDER = "exchange"
_KINDS = {
    "Single": ItemKind.SINGLE,
    "RecurringMaster": ItemKind.SERIES,
    "Exception": ItemKind.EXCEPTION,
    "Occurrence": ItemKind.OCCURRENCE,
}
_TAG = re.compile(r"<[^>]+>")


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What a conversion needs besides the item.

    :param address: the mailbox owner's address (the owner of every item).
    :param default_zone: the mailbox's zone, for items that carry none.
    :param now: where a custom zone's ten-year comparison window starts.
    :param marker_titles: marker titles whose labels are not the person's categories.
    """

    address: str
    default_zone: ZoneReading
    now: datetime
    marker_titles: Collection[str] = (DEFAULT_TITLE,)


def _text(item: EwsItem) -> str:
    body = item.body
    if body is None:
        return ""
    if isinstance(body, HTMLBody):
        if item.text_body is not None:
            return str(item.text_body)
        return html.unescape(_TAG.sub("", str(body))).strip()
    return str(body)


def _participant(
    mailbox: Mailbox | None, role: AttendeeRole, response: ResponseStatus
) -> Participant | None:
    address = getattr(mailbox, "email_address", None)
    if not address or "@" not in address:
        return None  # an X.500 or name-only entry: nobody to match or invite
    return Participant(address=address, name=mailbox.name or "", role=role, response=response)  # type: ignore[union-attr]


def _attendees(item: EwsItem) -> tuple[Participant, ...]:
    found: list[Participant] = []
    roles = (
        (item.required_attendees, AttendeeRole.REQUIRED),
        (item.optional_attendees, AttendeeRole.OPTIONAL),
        (item.resources, AttendeeRole.RESOURCE),
    )
    for attendees, role in roles:
        for attendee in attendees or ():
            assert isinstance(attendee, Attendee)
            person = _participant(attendee.mailbox, role, response_of(attendee.response_type))
            if person is not None:
                found.append(person)
    return tuple(found)


def plain(instant: datetime) -> datetime:
    """``instant`` as a plain UTC datetime (exchangelib's EWSDateTime refuses other zones)."""
    return datetime.combine(instant.date(), instant.time(), instant.tzinfo).astimezone(UTC)


def _moment(instant: datetime, tz: tzinfo, all_day: bool) -> datetime | date:
    local = plain(instant).astimezone(tz)
    return local.date() if all_day else local


def _times(fetched: Fetched, start: ZoneReading, end: ZoneReading) -> tuple[Any, Any]:
    if fetched.start is None or fetched.end is None:
        raise InvalidItemError("start", "Exchange sent a calendar item without Start or End")
    all_day = bool(fetched.item.is_all_day)
    first = _moment(fetched.start, start.tz or UTC, all_day)
    last = _moment(fetched.end, end.tz or start.tz or UTC, all_day)
    if all_day and last <= first:
        last = first + timedelta(days=1)  # type: ignore[operator]
    return first, last


def _recurrence(item: EwsItem, first: Any, zone: ZoneReading, all_day: bool) -> Recurrence:
    tz = zone.tz or UTC
    start = first if all_day else first.date()
    exclusions = tuple(
        _moment(d.start, tz, all_day) for d in item.deleted_occurrences or () if d.start is not None
    )
    try:
        rule = rule_as_written(getattr(item, RULE, None), item.recurrence, start, zone.tz)
    except UnsupportedRule as exc:
        raise InvalidItemError("recurrence", str(exc)) from None
    return Recurrence(rule=rule, exclusions=exclusions, zone=None if all_day else zone.zone_id)


def to_core(
    fetched: Fetched,
    reading: Reading,
    *,
    series_id: str | None = None,
    series_zone: ZoneReading | None = None,
) -> CalendarItem:
    """The core item for a fetched EWS calendar item.

    :param series_id: for an exception or occurrence, its master's id.
    :param series_zone: for an exception, its master's zone (its original start is placed
        by the pattern in that zone; all-day original starts are its dates).
    """
    item = fetched.item
    start_zone = read_zone(fetched.start_zone, reading.now) or reading.default_zone
    end_zone = read_zone(fetched.end_zone, reading.now) or start_zone
    all_day = bool(item.is_all_day)
    start, end = _times(fetched, start_zone, end_zone)
    kind = _KINDS.get(item.type or "Single", ItemKind.SINGLE)
    attendees = _attendees(item)
    meeting = bool(item.is_meeting) or bool(attendees)
    organizer = (
        _participant(item.organizer, AttendeeRole.REQUIRED, ResponseStatus.ORGANIZER)
        if meeting
        else None
    )
    values: dict[str, Any] = {}
    if kind is ItemKind.SERIES and item.recurrence is not None:
        values["recurrence"] = _recurrence(item, start, start_zone, all_day)
    elif kind is ItemKind.SERIES:
        kind = ItemKind.SINGLE  # a master whose pattern was not sent cannot be a series here
    if kind in (ItemKind.EXCEPTION, ItemKind.OCCURRENCE):
        if series_id is None or item.original_start is None:
            raise InvalidItemError("series_id", "an exception needs its master and original start")
        values["series_id"] = series_id
        values["original_start"] = _moment(
            item.original_start, (series_zone or start_zone).tz or UTC, all_day
        )
    return CalendarItem(
        ref=ItemRef(provider=PROVIDER, id=item.id, change_token=item.changekey or ""),
        kind=kind,
        start=start,
        end=end,
        zone=start_zone.zone_id,
        subject=item.subject or "",
        body=_text(item),
        location=item.location or "",
        organizer=organizer,
        attendees=attendees,
        privacy=privacy_of(item.sensitivity),
        show_as=show_as_of(item.legacy_free_busy_status),
        categories=_own(item.categories or (), reading.marker_titles),
        counterpart_id=getattr(item, COUNTERPART, None) or None,
        owner=reading.address,
        attendee_copy=meeting and item.my_response_type not in (None, "Organizer"),
        uid=item.uid or None,
        **values,
    )


def _own(categories: Iterable[str], titles: Collection[str]) -> tuple[str, ...]:
    own = tuple(categories)
    for title in titles:
        own = own_categories(own, title)
    return own
