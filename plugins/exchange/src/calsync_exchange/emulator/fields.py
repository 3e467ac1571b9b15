"""The calendar item properties the emulator knows, keyed by EWS ``FieldURI``.

One table drives the request parser (which element sets which record attribute), the
renderer (which element to write for a requested property, in schema order), restriction
evaluation (which value a ``FieldURI`` compares) and updates (which properties may be set,
appended to or deleted).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, final

#: How a property's value is read from and written to XML.
ValueKind = Literal[
    "str",
    "bool",
    "int",
    "datetime",
    "strlist",
    "body",
    "attendees",
    "mailbox",
    "recurrence",
    "timezone",
    "occurrence",
    "occurrences",
    "deleted_occurrences",
    "duration",
    "folder_id",
    "item_id",
]


@final
@dataclass(frozen=True, slots=True)
class FieldDef:
    """One property.

    ``attr`` names the :class:`~calsync_exchange.emulator.records.CalendarRecord` attribute
    it lives in, or ``None`` when it is derived. ``writable`` properties may be set on
    create and update; ``deletable`` ones may also be removed with ``DeleteItemField``;
    ``appendable`` ones accept ``AppendToItemField``; ``searchable`` ones may appear in a
    restriction or a sort order.
    """

    uri: str
    element: str
    kind: ValueKind
    attr: str | None = None
    writable: bool = False
    deletable: bool = False
    appendable: bool = False
    searchable: bool = True
    choices: tuple[str, ...] = ()


def _w(
    uri: str, element: str, kind: ValueKind, attr: str, *, deletable: bool = True, **kw: object
) -> FieldDef:
    """Return a writable property (deletable unless told otherwise)."""
    return FieldDef(uri, element, kind, attr, writable=True, deletable=deletable, **kw)  # type: ignore[arg-type]


def _r(uri: str, element: str, kind: ValueKind, attr: str | None = None, **kw: object) -> FieldDef:
    """Return a read-only property."""
    return FieldDef(uri, element, kind, attr, **kw)  # type: ignore[arg-type]


# In the order the EWS schema lists CalendarItem's elements, which is the order the
# renderer writes them in.
FIELDS: tuple[FieldDef, ...] = (
    _r("item:ItemId", "ItemId", "item_id"),
    _r("item:ParentFolderId", "ParentFolderId", "folder_id", searchable=False),
    _r("item:ItemClass", "ItemClass", "str"),
    _w("item:Subject", "Subject", "str", "subject"),
    _w(
        "item:Sensitivity",
        "Sensitivity",
        "str",
        "sensitivity",
        deletable=False,
        choices=("Normal", "Personal", "Private", "Confidential"),
    ),
    _w("item:Body", "Body", "body", "body", appendable=True),
    _r("item:DateTimeReceived", "DateTimeReceived", "datetime", "created"),
    _r("item:Size", "Size", "int"),
    _w("item:Categories", "Categories", "strlist", "categories"),
    _w(
        "item:Importance",
        "Importance",
        "str",
        "importance",
        deletable=False,
        choices=("Low", "Normal", "High"),
    ),
    _w("item:InReplyTo", "InReplyTo", "str", "in_reply_to", searchable=False),
    _r("item:DateTimeSent", "DateTimeSent", "datetime", "created"),
    _r("item:DateTimeCreated", "DateTimeCreated", "datetime", "created"),
    _w("item:ReminderDueBy", "ReminderDueBy", "datetime", "reminder_due_by", searchable=False),
    _w("item:ReminderIsSet", "ReminderIsSet", "bool", "reminder_is_set", deletable=False),
    _w(
        "item:ReminderMinutesBeforeStart",
        "ReminderMinutesBeforeStart",
        "int",
        "reminder_minutes",
        deletable=False,
    ),
    _r("item:DisplayCc", "DisplayCc", "str"),
    _r("item:DisplayTo", "DisplayTo", "str"),
    _r("item:HasAttachments", "HasAttachments", "bool"),
    _w("item:Culture", "Culture", "str", "culture", searchable=False),
    _r("item:LastModifiedName", "LastModifiedName", "str", "last_modified_name"),
    _r("item:LastModifiedTime", "LastModifiedTime", "datetime", "last_modified"),
    _r("item:IsAssociated", "IsAssociated", "bool"),
    _r("item:TextBody", "TextBody", "body", searchable=False),
    _w("calendar:UID", "UID", "str", "uid", deletable=False, searchable=False),
    _r("calendar:RecurrenceId", "RecurrenceId", "datetime"),
    _w("calendar:Start", "Start", "datetime", "start", deletable=False),
    _w("calendar:End", "End", "datetime", "end", deletable=False),
    _r("calendar:OriginalStart", "OriginalStart", "datetime"),
    _w("calendar:IsAllDayEvent", "IsAllDayEvent", "bool", "is_all_day", deletable=False),
    _w(
        "calendar:LegacyFreeBusyStatus",
        "LegacyFreeBusyStatus",
        "str",
        "free_busy",
        deletable=False,
        choices=("Free", "Tentative", "Busy", "OOF", "WorkingElsewhere", "NoData"),
    ),
    _w("calendar:Location", "Location", "str", "location"),
    _w("calendar:When", "When", "str", "when"),
    _r("calendar:IsMeeting", "IsMeeting", "bool"),
    _r("calendar:IsCancelled", "IsCancelled", "bool", "is_cancelled"),
    _r("calendar:IsRecurring", "IsRecurring", "bool"),
    _r(
        "calendar:MeetingRequestWasSent",
        "MeetingRequestWasSent",
        "bool",
        "meeting_request_was_sent",
    ),
    _w(
        "calendar:IsResponseRequested",
        "IsResponseRequested",
        "bool",
        "is_response_requested",
        searchable=False,
    ),
    _r("calendar:CalendarItemType", "CalendarItemType", "str"),
    _r("calendar:MyResponseType", "MyResponseType", "str", "my_response_type"),
    _r("calendar:Organizer", "Organizer", "mailbox", "organizer", searchable=False),
    _w(
        "calendar:RequiredAttendees",
        "RequiredAttendees",
        "attendees",
        "required",
        appendable=True,
        searchable=False,
    ),
    _w(
        "calendar:OptionalAttendees",
        "OptionalAttendees",
        "attendees",
        "optional",
        appendable=True,
        searchable=False,
    ),
    _w(
        "calendar:Resources",
        "Resources",
        "attendees",
        "resources",
        appendable=True,
        searchable=False,
    ),
    _r("calendar:ConflictingMeetingCount", "ConflictingMeetingCount", "int"),
    _r("calendar:AdjacentMeetingCount", "AdjacentMeetingCount", "int"),
    _r("calendar:Duration", "Duration", "duration"),
    _r(
        "calendar:AppointmentSequenceNumber",
        "AppointmentSequenceNumber",
        "int",
        "appointment_sequence",
    ),
    _r("calendar:AppointmentState", "AppointmentState", "int"),
    _w("calendar:Recurrence", "Recurrence", "recurrence", "recurrence", searchable=False),
    _r("calendar:FirstOccurrence", "FirstOccurrence", "occurrence", searchable=False),
    _r("calendar:LastOccurrence", "LastOccurrence", "occurrence", searchable=False),
    _r("calendar:ModifiedOccurrences", "ModifiedOccurrences", "occurrences", searchable=False),
    _r(
        "calendar:DeletedOccurrences", "DeletedOccurrences", "deleted_occurrences", searchable=False
    ),
    _w(
        "calendar:StartTimeZone",
        "StartTimeZone",
        "timezone",
        "start_zone",
        deletable=False,
        searchable=False,
    ),
    _w(
        "calendar:EndTimeZone",
        "EndTimeZone",
        "timezone",
        "end_zone",
        deletable=False,
        searchable=False,
    ),
    _w("calendar:ConferenceType", "ConferenceType", "int", "conference_type", searchable=False),
    _w(
        "calendar:AllowNewTimeProposal",
        "AllowNewTimeProposal",
        "bool",
        "allow_new_time_proposal",
        searchable=False,
    ),
    _r("calendar:IsOnlineMeeting", "IsOnlineMeeting", "bool"),
    _w(
        "calendar:MeetingWorkspaceUrl",
        "MeetingWorkspaceUrl",
        "str",
        "meeting_workspace_url",
        searchable=False,
    ),
    _w("calendar:NetShowUrl", "NetShowUrl", "str", "net_show_url", searchable=False),
)

BY_URI: dict[str, FieldDef] = {f.uri: f for f in FIELDS}
BY_ELEMENT: dict[str, FieldDef] = {f.element: f for f in FIELDS if f.uri != "item:TextBody"}

#: What ``BaseShape=Default`` returns for calendar items (besides the id).
DEFAULT_SHAPE = (
    "item:ItemId",
    "item:ParentFolderId",
    "item:ItemClass",
    "item:Subject",
    "item:Sensitivity",
    "item:Body",
    "item:DateTimeReceived",
    "item:Size",
    "item:Categories",
    "item:Importance",
    "item:HasAttachments",
    "item:LastModifiedTime",
    "calendar:UID",
    "calendar:Start",
    "calendar:End",
    "calendar:IsAllDayEvent",
    "calendar:LegacyFreeBusyStatus",
    "calendar:Location",
    "calendar:IsMeeting",
    "calendar:IsCancelled",
    "calendar:IsRecurring",
    "calendar:CalendarItemType",
    "calendar:MyResponseType",
    "calendar:Organizer",
    "calendar:Duration",
)

#: Every property, for ``BaseShape=AllProperties`` (extended properties need asking for).
ALL_SHAPE = tuple(f.uri for f in FIELDS)
