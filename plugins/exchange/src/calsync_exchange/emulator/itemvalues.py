"""The value of a property of an :class:`~calsync_exchange.emulator.calendar.Entry`.

Stored properties come from the record; derived ones (``CalendarItemType``, ``IsMeeting``,
``ItemClass``, ``Duration``...) are computed here, once, for the renderer, restriction
evaluation and sorting alike.
"""

from __future__ import annotations

import html
import re

from calsync_exchange.emulator import fields as F
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.values import Body, ExtendedKey

#: Exchange gives occurrences and exceptions this item class, not ``IPM.Appointment``.
EXCEPTION_ITEM_CLASS = "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}"

_TAG = re.compile(r"<[^>]+>")


def text_of_body(body: Body | None) -> str | None:
    """Return the plain text of a body (HTML tags dropped, entities decoded)."""
    if body is None:
        return None
    if body.body_type == "Text":
        return body.content
    return html.unescape(_TAG.sub("", body.content)).strip()


def appointment_state(entry: Entry) -> int:
    """``AppointmentState`` bits: 1 meeting, 2 received, 4 cancelled."""
    record = entry.record
    state = 0
    if record.is_meeting:
        state |= 1
        if record.my_response_type != "Organizer":
            state |= 2
    if record.is_cancelled:
        state |= 4
    return state


def read(entry: Entry, uri: str) -> object:
    """Return the value of property ``uri`` on ``entry`` (``None`` when it has none)."""
    record = entry.record
    if uri == "calendar:Start":
        return entry.start
    if uri == "calendar:End":
        return entry.end
    if uri in ("calendar:OriginalStart", "calendar:RecurrenceId"):
        return entry.original_start
    if uri == "calendar:CalendarItemType":
        return entry.kind
    if uri == "calendar:IsRecurring":
        # Exchange's own table (EWS reference, IsRecurring element,
        # https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/isrecurring):
        # single FALSE; recurring master FALSE for its organizer and TRUE for an attendee;
        # exception TRUE. An occurrence is part of a recurring item as well.
        if entry.kind == "RecurringMaster":
            return record.my_response_type != "Organizer"
        return entry.kind != "Single"
    if uri == "calendar:IsMeeting":
        return record.is_meeting
    if uri == "item:ItemClass":
        return (
            "IPM.Appointment"
            if entry.kind in ("Single", "RecurringMaster")
            else EXCEPTION_ITEM_CLASS
        )
    if uri == "item:Size":
        return (
            512
            + len((record.body.content if record.body else "").encode())
            + len(record.subject or "")
        )
    if (
        uri == "item:HasAttachments"
        or uri == "item:IsAssociated"
        or uri == "calendar:IsOnlineMeeting"
    ):
        return False
    if uri == "item:DisplayTo":
        return "; ".join(a.person.name or a.person.email for a in record.required) or None
    if uri == "item:DisplayCc":
        return "; ".join(a.person.name or a.person.email for a in record.optional) or None
    if uri == "item:TextBody":
        text = text_of_body(record.body)
        return None if text is None else Body(content=text, body_type="Text")
    if uri == "calendar:Duration":
        return entry.end - entry.start
    if uri == "calendar:AppointmentState":
        return appointment_state(entry)
    if uri in ("calendar:ConflictingMeetingCount", "calendar:AdjacentMeetingCount"):
        return 0
    if uri == "calendar:Recurrence" and entry.kind != "RecurringMaster":
        return None
    field = F.BY_URI.get(uri)
    if field is None or field.attr is None:
        return None
    return getattr(record, field.attr)


def read_extended(entry: Entry, key: ExtendedKey) -> str | tuple[str, ...] | None:
    """Return an extended property's stored value (raw text, or a tuple for array types)."""
    return entry.record.extended.get(key)
