"""Rendering calendar items (``t:CalendarItem``) for a requested shape.

Only the properties the shape asks for are written, in schema order; datetimes leave in
UTC with ``Z``; extended properties only when named in ``AdditionalProperties`` (Exchange
never returns them for ``AllProperties``), echoing the ``ExtendedFieldURI`` as requested.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from calsync_exchange.emulator import calendar, ids, itemvalues, timezones
from calsync_exchange.emulator import fields as F
from calsync_exchange.emulator._xml import (
    Element,
    render_bool,
    render_date,
    render_datetime,
    render_duration,
    sub,
    t,
)
from calsync_exchange.emulator.calendar import Entry
from calsync_exchange.emulator.records import CALENDAR_FOLDER, MailboxRecord
from calsync_exchange.emulator.values import (
    AbsoluteMonthlyPattern,
    AbsoluteYearlyPattern,
    Attendee,
    Body,
    DailyPattern,
    Person,
    Recurrence,
    RelativeMonthlyPattern,
    RelativeYearlyPattern,
    TimeZoneSpec,
    WeeklyPattern,
)
from calsync_exchange.emulator.xml_request import Shape
from calsync_exchange.emulator.xml_timezone import render_timezone


def requested_uris(shape: Shape) -> set[str]:
    """Return the ``FieldURI`` values a shape returns."""
    base: tuple[str, ...] = ("item:ItemId",)
    if shape.base == "Default":
        base = F.DEFAULT_SHAPE
    elif shape.base == "AllProperties":
        base = F.ALL_SHAPE
    return {*base, *shape.fields}


def render_item(parent: Element, mailbox: MailboxRecord, entry: Entry, shape: Shape) -> Element:
    """Append ``entry`` as a ``t:CalendarItem`` with the properties ``shape`` asks for."""
    item = sub(parent, t("CalendarItem"))
    uris = requested_uris(shape)
    for field in F.FIELDS:
        if field.uri == "item:Culture":
            # ExtendedProperty elements sit right before Culture in the schema.
            _render_extended(item, entry, shape)
        if field.uri in uris:
            _render_field(item, field, mailbox, entry, shape)
    return item


def render_id(parent: Element, tag: str, item_id: str, change_key: str) -> Element:
    """Render an ``ItemId``-shaped element."""
    return sub(parent, tag, Id=item_id, ChangeKey=change_key)


def _render_extended(item: Element, entry: Entry, shape: Shape) -> None:
    for uri in shape.extended:
        value = itemvalues.read_extended(entry, uri.key)
        if value is None:
            continue
        prop = sub(item, t("ExtendedProperty"))
        sub(prop, t("ExtendedFieldURI"), **dict(uri.attrs))
        if isinstance(value, tuple):
            values = sub(prop, t("Values"))
            for v in value:
                sub(values, t("Value"), v)
        else:
            sub(prop, t("Value"), value)


def _render_field(
    item: Element, field: F.FieldDef, mailbox: MailboxRecord, entry: Entry, shape: Shape
) -> None:
    kind = field.kind
    tag = t(field.element)
    if kind == "item_id":
        render_id(item, tag, entry.item_id, entry.change_key)
        return
    if kind == "folder_id":
        folder = ids.folder_id(mailbox.index, CALENDAR_FOLDER)
        render_id(item, tag, folder, ids.change_key(0, mailbox.index))
        return
    if kind in ("occurrence", "occurrences", "deleted_occurrences"):
        if entry.kind == "RecurringMaster":
            _render_occurrences(item, field, mailbox, entry)
        return
    if kind == "recurrence":
        if entry.kind == "RecurringMaster" and entry.record.recurrence is not None:
            render_recurrence(item, entry.record.recurrence, entry.record.start_zone)
        return
    value = itemvalues.read(entry, field.uri)
    if value is None or value == ():
        return
    if kind == "body" and isinstance(value, Body):
        _render_body(item, tag, value, shape.body_type)
    elif kind == "timezone":
        render_timezone(item, tag, value)  # type: ignore[arg-type]
    elif kind == "attendees":
        container = sub(item, tag)
        for attendee in value:  # type: ignore[attr-defined]
            _render_attendee(container, attendee)
    elif kind == "mailbox":
        render_person(sub(item, tag), value)  # type: ignore[arg-type]
    elif kind == "strlist":
        container = sub(item, tag)
        for s in value:  # type: ignore[attr-defined]
            sub(container, t("String"), s)
    else:
        sub(item, tag, scalar_text(value))


def scalar_text(value: object) -> str:
    """Write a scalar value the way EWS does."""
    if isinstance(value, bool):
        return render_bool(value)
    if isinstance(value, datetime):
        return render_datetime(value)
    if isinstance(value, timedelta):
        return render_duration(value)
    return str(value)


def _render_body(item: Element, tag: str, body: Body, body_type: str) -> None:
    if body_type == "Text" and body.body_type == "HTML":
        body = Body(content=itemvalues.text_of_body(body) or "", body_type="Text")
    elif body_type == "HTML" and body.body_type == "Text":
        escaped = body.content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body = Body(content=f"<html><body>{escaped}</body></html>", body_type="HTML")
    sub(item, tag, body.content, BodyType=body.body_type)


def render_person(parent: Element, person: Person) -> None:
    """Render a ``t:Mailbox`` inside ``parent``."""
    mailbox = sub(parent, t("Mailbox"))
    if person.name:
        sub(mailbox, t("Name"), person.name)
    sub(mailbox, t("EmailAddress"), person.email)
    sub(mailbox, t("RoutingType"), person.routing_type)
    sub(mailbox, t("MailboxType"), person.mailbox_type)


def _render_attendee(container: Element, attendee: Attendee) -> None:
    elem = sub(container, t("Attendee"))
    render_person(elem, attendee.person)
    sub(elem, t("ResponseType"), attendee.response)
    if attendee.last_response_time is not None:
        sub(elem, t("LastResponseTime"), render_datetime(attendee.last_response_time))


def _render_occurrences(
    item: Element, field: F.FieldDef, mailbox: MailboxRecord, entry: Entry
) -> None:
    master = entry.record
    if field.kind == "occurrence":
        first, last = calendar.first_and_last(mailbox, master)
        chosen = first if field.element == "FirstOccurrence" else last
        if chosen is not None:
            _render_occurrence(sub(item, t(field.element)), chosen)
    elif field.kind == "occurrences":
        modified = calendar.modified_occurrences(mailbox, master)
        if modified:
            container = sub(item, t(field.element))
            for occurrence in modified:
                _render_occurrence(sub(container, t("Occurrence")), occurrence)
    elif master.deleted:
        container = sub(item, t(field.element))
        for start in sorted(master.deleted):
            sub(sub(container, t("DeletedOccurrence")), t("Start"), render_datetime(start))


def _render_occurrence(elem: Element, occurrence: Entry) -> None:
    render_id(elem, t("ItemId"), occurrence.item_id, occurrence.change_key)
    sub(elem, t("Start"), render_datetime(occurrence.start))
    sub(elem, t("End"), render_datetime(occurrence.end))
    if occurrence.original_start is not None:
        sub(elem, t("OriginalStart"), render_datetime(occurrence.original_start))


def _local_date(day: date, spec: TimeZoneSpec) -> str:
    zone = timezones.resolve(spec)
    offset = datetime(day.year, day.month, day.day, tzinfo=zone).utcoffset()
    return render_date(day, offset)


def render_recurrence(item: Element, recurrence: Recurrence, zone: TimeZoneSpec) -> None:
    """Render a ``t:Recurrence`` with its pattern and range; dates carry the zone offset."""
    elem = sub(item, t("Recurrence"))
    pattern = recurrence.pattern
    if isinstance(pattern, DailyPattern):
        sub(sub(elem, t("DailyRecurrence")), t("Interval"), str(pattern.interval))
    elif isinstance(pattern, WeeklyPattern):
        p = sub(elem, t("WeeklyRecurrence"))
        sub(p, t("Interval"), str(pattern.interval))
        sub(p, t("DaysOfWeek"), " ".join(pattern.weekdays))
        sub(p, t("FirstDayOfWeek"), pattern.first_day_of_week)
    elif isinstance(pattern, AbsoluteMonthlyPattern):
        p = sub(elem, t("AbsoluteMonthlyRecurrence"))
        sub(p, t("Interval"), str(pattern.interval))
        sub(p, t("DayOfMonth"), str(pattern.day_of_month))
    elif isinstance(pattern, RelativeMonthlyPattern):
        p = sub(elem, t("RelativeMonthlyRecurrence"))
        sub(p, t("Interval"), str(pattern.interval))
        sub(p, t("DaysOfWeek"), pattern.weekday)
        sub(p, t("DayOfWeekIndex"), pattern.week_index)
    elif isinstance(pattern, AbsoluteYearlyPattern):
        p = sub(elem, t("AbsoluteYearlyRecurrence"))
        sub(p, t("DayOfMonth"), str(pattern.day_of_month))
        sub(p, t("Month"), pattern.month)
    elif isinstance(pattern, RelativeYearlyPattern):
        p = sub(elem, t("RelativeYearlyRecurrence"))
        sub(p, t("DaysOfWeek"), pattern.weekday)
        sub(p, t("DayOfWeekIndex"), pattern.week_index)
        sub(p, t("Month"), pattern.month)
    if recurrence.count is not None:
        bound = sub(elem, t("NumberedRecurrence"))
        sub(bound, t("StartDate"), _local_date(recurrence.start_date, zone))
        sub(bound, t("NumberOfOccurrences"), str(recurrence.count))
    elif recurrence.end_date is not None:
        bound = sub(elem, t("EndDateRecurrence"))
        sub(bound, t("StartDate"), _local_date(recurrence.start_date, zone))
        sub(bound, t("EndDate"), _local_date(recurrence.end_date, zone))
    else:
        sub(
            sub(elem, t("NoEndRecurrence")),
            t("StartDate"),
            _local_date(recurrence.start_date, zone),
        )
