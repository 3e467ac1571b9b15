"""What the org's ``describe`` says: which Event fields exist, and what the org supports.

Described as the integration user, so field-level security shows: a field the user may not
read is absent, one it may not write is neither ``createable`` nor ``updateable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

from calsync.providers import CrmFeatures
from calsync_salesforce.replies import expect_dict, expect_list

__all__ = ["EVENT_FIELDS", "MAX_PEOPLE", "MULTIDAY_LIMIT", "EventSchema"]

#: Events last at most 14 days with "Enable Multiday Events", else one day.
MULTIDAY_LIMIT: Final = timedelta(days=14)
SINGLE_DAY_LIMIT: Final = timedelta(days=1)
#: With Shared Activities an event relates to up to 50 contacts (or one lead).
MAX_PEOPLE: Final = 50

#: The Event fields the provider reads (the counterpart field is added per org).
EVENT_FIELDS: Final = (
    "Id", "OwnerId", "Subject", "Description", "Location", "StartDateTime", "EndDateTime",
    "ActivityDate", "DurationInMinutes", "IsAllDayEvent", "IsPrivate", "ShowAs", "WhoId",
    "WhatId", "EventWhoIds", "IsChild", "IsGroupEvent", "GroupEventType", "IsRecurrence",
    "RecurrenceActivityId", "RecurrenceStartDateTime", "RecurrenceEndDateOnly",
    "RecurrenceType", "RecurrenceInterval", "RecurrenceDayOfWeekMask", "RecurrenceDayOfMonth",
    "RecurrenceInstance", "RecurrenceMonthOfYear", "RecurrenceTimeZoneSidKey", "IsRecurrence2",
    "Recurrence2PatternText", "Recurrence2PatternTimeZone", "IsRecurrence2Exception",
    "IsRecurrence2Exclusion", "ActivityRecurrence2Id", "IsDeleted", "CreatedDate",
    "SystemModstamp", "LastModifiedById",
)  # fmt: skip


#: The Event field holding each CalendarItem text field.
TEXT_FIELDS: Final[Mapping[str, str]] = {
    "subject": "Subject",
    "location": "Location",
    "body": "Description",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSchema:
    """The Event object as the integration user sees it, and the org's zone list."""

    #: Every Event field the user can read.
    fields: frozenset[str]
    #: Fields the user can set on create.
    createable: frozenset[str]
    #: The values of ``User.TimeZoneSidKey``.
    zones: frozenset[str]
    #: Text fields that compare case-sensitively ("Unique, case sensitive").
    case_sensitive: frozenset[str] = frozenset()
    #: The ``length`` describe gives each text field calsync writes: Salesforce counts it
    #: in characters, a surrogate pair (an emoji) as two (see :mod:`calsync.engine.lengths`).
    lengths: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_describe(cls, event: object, user: object | None = None) -> EventSchema:
        """Read the describe of Event (and, only if Event lacks the zone list, of User).

        ``Event.RecurrenceTimeZoneSidKey`` has the same values as ``User.TimeZoneSidKey``, so
        one describe usually tells everything.
        """
        specs = _fields(event, "Event")
        zone_spec = specs.get("RecurrenceTimeZoneSidKey") or (
            _fields(user, "User").get("TimeZoneSidKey", {}) if user is not None else {}
        )
        zones = frozenset(
            str(v["value"])
            for v in expect_list(zone_spec.get("picklistValues") or [], "time-zone values")
            if isinstance(v, dict) and v.get("active", True) and v.get("value")
        )
        return cls(
            fields=frozenset(specs),
            createable=frozenset(n for n, s in specs.items() if s.get("createable")),
            zones=zones,
            case_sensitive=frozenset(n for n, s in specs.items() if s.get("caseSensitive")),
            lengths={
                name: length
                for name, event_field in TEXT_FIELDS.items()
                if isinstance(length := specs.get(event_field, {}).get("length"), int)
                and length > 0
            },
        )

    def select(self, counterpart_field: str) -> tuple[str, ...]:
        """The fields to SELECT: those the provider reads that the org shows."""
        wanted = (*EVENT_FIELDS, counterpart_field)
        return tuple(name for name in wanted if name in self.fields)

    @property
    def shared_activities(self) -> bool:
        """Whether events relate to several people (``EventWhoIds`` exists)."""
        return "EventWhoIds" in self.fields

    def features(self, *, multiday_events: bool) -> CrmFeatures:
        """What the org supports, for the engine."""
        return CrmFeatures(
            # Advanced calendaring: the user may create recurring events.
            recurring_events="IsRecurrence" in self.createable,
            shared_activities=self.shared_activities,
            max_people=MAX_PEOPLE,
            max_duration=MULTIDAY_LIMIT if multiday_events else SINGLE_DAY_LIMIT,
            zones=self.zones or None,
            text_lengths=dict(self.lengths),
        )


def _fields(describe: object, what: str) -> Mapping[str, dict[str, Any]]:
    body = expect_dict(describe, f"the describe of {what}")
    out: dict[str, dict[str, Any]] = {}
    for spec in expect_list(body.get("fields"), f"the fields of {what}"):
        entry = expect_dict(spec, f"a field of {what}")
        if isinstance(entry.get("name"), str):
            out[entry["name"]] = entry
    return out
