"""Reading ``t:CalendarItem`` elements of CreateItem and UpdateItem requests.

Each child element becomes a :class:`Assignment` (a property and its parsed value).
Unknown elements and values the schema does not allow fail the request the way Exchange's
schema validation does; properties the client may not write fail the item with
``ErrorInvalidPropertySet``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import tzinfo
from typing import final

from calsync_exchange.emulator import fields as F
from calsync_exchange.emulator._xml import (
    Element,
    local,
    parse_bool,
    parse_date,
    parse_datetime,
    t,
)
from calsync_exchange.emulator.errors import EwsError, schema_error
from calsync_exchange.emulator.values import (
    DAY_CLASSES,
    MONTHS,
    WEEK_INDEXES,
    WEEKDAYS,
    AbsoluteMonthlyPattern,
    AbsoluteYearlyPattern,
    Attendee,
    Body,
    DailyPattern,
    Pattern,
    Person,
    Recurrence,
    RelativeMonthlyPattern,
    RelativeYearlyPattern,
    WeeklyPattern,
)
from calsync_exchange.emulator.xml_request import ExtendedUri, parse_extended_uri
from calsync_exchange.emulator.xml_timezone import parse_timezone


@final
@dataclass(frozen=True, slots=True)
class Assignment:
    """One property value a client wrote: a known field or an extended property."""

    target: F.FieldDef | ExtendedUri
    value: object


def parse_calendar_item(elem: Element, default_zone: tzinfo) -> list[Assignment]:
    """Every property set in a ``t:CalendarItem`` element, in document order."""
    if local(elem) != "CalendarItem":
        raise EwsError(
            "ErrorInvalidItemForOperationCreateItem"
            if local(elem) in ("Message", "Contact", "Task")
            else "ErrorInvalidOperation",
            f"The emulated calendar accepts only CalendarItem, not {local(elem)}.",
        )
    assignments = []
    for child in elem:
        name = local(child)
        if name == "ExtendedProperty":
            assignments.append(_extended(child))
            continue
        field = F.BY_ELEMENT.get(name)
        if field is None:
            if name in ("MimeContent", "Attachments", "MeetingTimeZone"):
                raise EwsError(
                    "ErrorInvalidPropertySet", f"{name} isn't supported by the emulator."
                )
            raise schema_error(f"The element '{name}' is invalid in CalendarItem.")
        if not field.writable:
            raise EwsError("ErrorInvalidPropertySet", field_uri=field.uri)
        assignments.append(Assignment(field, parse_value(field, child, default_zone)))
    return assignments


def _extended(elem: Element) -> Assignment:
    uri_elem = elem.find(t("ExtendedFieldURI"))
    if uri_elem is None:
        raise schema_error("ExtendedProperty needs an ExtendedFieldURI.")
    uri = parse_extended_uri(uri_elem)
    values = elem.find(t("Values"))
    if uri.key.property_type.endswith("Array"):
        if values is None:
            raise schema_error("An array extended property needs Values.")
        return Assignment(uri, tuple(v.text or "" for v in values.findall(t("Value"))))
    return Assignment(uri, elem.findtext(t("Value")) or "")


def parse_value(field: F.FieldDef, elem: Element, default_zone: tzinfo) -> object:
    """Parse the value of one property element."""
    try:
        return _parse_value(field, elem, default_zone)
    except (ValueError, KeyError, IndexError) as exc:
        raise schema_error(f"The value of '{field.element}' is invalid: {exc}") from exc


def _parse_value(field: F.FieldDef, elem: Element, default_zone: tzinfo) -> object:
    kind = field.kind
    text = elem.text or ""
    if kind == "str":
        if field.choices and text not in field.choices:
            raise ValueError(f"{text!r} is not one of {field.choices}")
        return text
    if kind == "bool":
        return parse_bool(text)
    if kind == "int":
        return int(text)
    if kind == "datetime":
        return parse_datetime(text, default_zone)
    if kind == "strlist":
        return tuple(s.text or "" for s in elem.findall(t("String")))
    if kind == "body":
        body_type = elem.get("BodyType", "Text")
        if body_type not in ("Text", "HTML"):
            raise ValueError(f"BodyType {body_type!r}")
        return Body(content=text, body_type="HTML" if body_type == "HTML" else "Text")
    if kind == "attendees":
        return tuple(_attendee(a) for a in elem.findall(t("Attendee")))
    if kind == "recurrence":
        return parse_recurrence(elem)
    if kind == "timezone":
        return parse_timezone(elem)
    raise ValueError(f"cannot write a {kind} property")


def parse_person(elem: Element) -> Person:
    """Parse a ``t:Mailbox``."""
    email = elem.findtext(t("EmailAddress"))
    if not email:
        raise EwsError("ErrorMissingEmailAddress", "An attendee needs an EmailAddress.")
    return Person(
        email=email,
        name=elem.findtext(t("Name")),
        routing_type=elem.findtext(t("RoutingType")) or "SMTP",
        mailbox_type=elem.findtext(t("MailboxType")) or "Mailbox",
    )


def _attendee(elem: Element) -> Attendee:
    mailbox = elem.find(t("Mailbox"))
    if mailbox is None:
        raise ValueError("Attendee without Mailbox")
    response = elem.findtext(t("ResponseType")) or "Unknown"
    last = elem.findtext(t("LastResponseTime"))
    return Attendee(
        person=parse_person(mailbox),
        response=response,
        last_response_time=parse_datetime(last) if last else None,
    )


# -- recurrence ------------------------------------------------------------------------------


def _days_of_week(text: str, allow_classes: bool) -> tuple[str, ...]:
    names = tuple(text.split())
    allowed = WEEKDAYS + (DAY_CLASSES if allow_classes else ())
    for name in names:
        if name not in allowed:
            raise ValueError(f"DaysOfWeek {name!r}")
    return names


def _one_of(value: str | None, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} {value!r}")
    return value


def _pattern(elem: Element) -> Pattern:
    name = local(elem)
    interval = int(elem.findtext(t("Interval")) or "1")
    if name == "DailyRecurrence":
        return DailyPattern(interval=interval)
    if name == "WeeklyRecurrence":
        return WeeklyPattern(
            weekdays=_days_of_week(elem.findtext(t("DaysOfWeek")) or "", allow_classes=False),
            interval=interval,
            first_day_of_week=_one_of(
                elem.findtext(t("FirstDayOfWeek")) or "Sunday", WEEKDAYS, "FirstDayOfWeek"
            ),
        )
    if name == "AbsoluteMonthlyRecurrence":
        return AbsoluteMonthlyPattern(
            day_of_month=int(elem.findtext(t("DayOfMonth")) or ""), interval=interval
        )
    weekday = elem.findtext(t("DaysOfWeek"))
    index = elem.findtext(t("DayOfWeekIndex"))
    if name == "RelativeMonthlyRecurrence":
        return RelativeMonthlyPattern(
            weekday=_one_of(weekday, WEEKDAYS + DAY_CLASSES, "DaysOfWeek"),
            week_index=_one_of(index, WEEK_INDEXES, "DayOfWeekIndex"),
            interval=interval,
        )
    month = _one_of(elem.findtext(t("Month")), MONTHS, "Month")
    if name == "AbsoluteYearlyRecurrence":
        return AbsoluteYearlyPattern(
            day_of_month=int(elem.findtext(t("DayOfMonth")) or ""), month=month
        )
    if name == "RelativeYearlyRecurrence":
        return RelativeYearlyPattern(
            weekday=_one_of(weekday, WEEKDAYS + DAY_CLASSES, "DaysOfWeek"),
            week_index=_one_of(index, WEEK_INDEXES, "DayOfWeekIndex"),
            month=month,
        )
    raise ValueError(f"recurrence pattern {name!r} (regeneration patterns are for tasks)")


def parse_recurrence(elem: Element) -> Recurrence:
    """Parse a ``t:Recurrence``: one pattern element and one range element."""
    if len(elem) != 2:
        raise ValueError("Recurrence needs a pattern and a range")
    pattern = _pattern(elem[0])
    bound = elem[1]
    start = parse_date(bound.findtext(t("StartDate")) or "")
    kind = local(bound)
    if kind == "NumberedRecurrence":
        return Recurrence(
            pattern=pattern,
            start_date=start,
            count=int(bound.findtext(t("NumberOfOccurrences")) or ""),
        )
    if kind == "EndDateRecurrence":
        return Recurrence(
            pattern=pattern,
            start_date=start,
            end_date=parse_date(bound.findtext(t("EndDate")) or ""),
        )
    if kind == "NoEndRecurrence":
        return Recurrence(pattern=pattern, start_date=start)
    raise ValueError(f"recurrence range {kind!r}")


def parse_base64(text: str | None) -> bytes | None:
    """Decode a base64 element's text (``None`` when absent)."""
    if text is None:
        return None
    return base64.b64decode(text.strip())
