"""Per-record refusals of an sObject Collections call, as calsync issue codes.

==========================================================  ============================
What Salesforce answered for one record                      ItemFailure code
==========================================================  ============================
``INVALID_FIELD_FOR_INSERT_UPDATE`` "Only event organizers   ``ORGANIZER_ONLY_EDIT``
can update this field" (an attendee's child event)
``INVALID_FIELD_FOR_INSERT_UPDATE`` (field-level security),  ``FIELD_ACCESS_DENIED`` naming
``INVALID_FIELD`` "No such column" (a field hidden from us)  the Event field
``FIELD_CUSTOM_VALIDATION_EXCEPTION``                        ``CRM_VALIDATION_FAILED``
``INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`` on a time zone   ``UNSUPPORTED_TIME_ZONE``
``FIELD_INTEGRITY_EXCEPTION`` creating a series while        ``RECURRING_SYNC_DISABLED``
recurring events are off
``FIELD_INTEGRITY_EXCEPTION`` on the duration                ``UNSUPPORTED_ITEM_KIND``
``FIELD_INTEGRITY_EXCEPTION`` on the people or related       ``CRM_VALIDATION_FAILED``
record (one lead or 50 contacts, private events)
``UNABLE_TO_LOCK_ROW`` and anything else                     ``INTERNAL_ERROR`` (retried)
==========================================================  ============================
"""

from __future__ import annotations

import re
from typing import Any, Final

from calsync.providers import ItemFailure

__all__ = ["GONE_CODES", "failure_of", "first_error"]

#: Codes that mean the record is already gone (a delete of it has nothing left to do).
GONE_CODES: Final = frozenset({"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"})
ORGANIZER_ONLY: Final = "Only event organizers can update this field"
_COLUMN = re.compile(r"No such column '([^']+)'")
_BAD_NAMES = re.compile(r"bad field names on insert/update call: ([\w, ]+)")
_SERIES_FLAGS: Final = frozenset({"IsRecurrence", "IsRecurrence2"})
_ZONE_FIELDS: Final = frozenset({"RecurrenceTimeZoneSidKey", "TimeZoneSidKey"})
_PEOPLE_FIELDS: Final = frozenset({"WhoId", "WhatId", "EventWhoIds"})


def first_error(errors: object) -> tuple[str, str, list[str]]:
    """``(statusCode, message, fields)`` of the first error of a record's result."""
    first = errors[0] if isinstance(errors, list) and errors else {}
    if not isinstance(first, dict):
        return "UNKNOWN", str(first), []
    fields = first.get("fields")
    names = [str(f) for f in fields] if isinstance(fields, list) else []
    code = str(first.get("statusCode") or first.get("errorCode") or "UNKNOWN")
    return code, str(first.get("message") or ""), names


def failure_of(errors: Any, *, creating_series: bool = False) -> ItemFailure:
    """The :class:`ItemFailure` for one record's ``errors``.

    :param creating_series: the write created a series (so a refused recurrence flag means
        the org has recurring events switched off).
    """
    code, message, fields = first_error(errors)
    text = f"{code}: {message}" if message else code
    if code == "INVALID_FIELD_FOR_INSERT_UPDATE":
        if ORGANIZER_ONLY.lower() in message.lower():
            return ItemFailure(code="ORGANIZER_ONLY_EDIT", message=message)
        field = fields[0] if fields else _named(_BAD_NAMES, message)
        return ItemFailure(code="FIELD_ACCESS_DENIED", message=message, field=field)
    if code == "INVALID_FIELD" and _COLUMN.search(message):
        return ItemFailure(
            code="FIELD_ACCESS_DENIED", message=message, field=_named(_COLUMN, message)
        )
    if code == "FIELD_CUSTOM_VALIDATION_EXCEPTION":
        return ItemFailure(code="CRM_VALIDATION_FAILED", message=message)
    if code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" and (
        _ZONE_FIELDS & set(fields) or "time zone" in message.lower()
    ):
        return ItemFailure(code="UNSUPPORTED_TIME_ZONE", message=message)
    if code == "FIELD_INTEGRITY_EXCEPTION":
        if creating_series and _SERIES_FLAGS & set(fields):
            return ItemFailure(code="RECURRING_SYNC_DISABLED", message=message)
        if "DurationInMinutes" in fields or "duration" in message.lower():
            return ItemFailure(code="UNSUPPORTED_ITEM_KIND", message=message)
        if _PEOPLE_FIELDS & set(fields):
            return ItemFailure(code="CRM_VALIDATION_FAILED", message=message)
    return ItemFailure(code="INTERNAL_ERROR", message=text)


def _named(pattern: re.Pattern[str], message: str) -> str | None:
    match = pattern.search(message)
    if match is None:
        return None
    return match.group(1).split(",")[0].strip() or None
