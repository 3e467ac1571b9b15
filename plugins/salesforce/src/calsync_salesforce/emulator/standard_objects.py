"""The standard sObjects the emulated org holds, with the fields a calendar sync touches.

Labels, types and create/update properties follow the Object Reference (Event,
EventRelation, EventWhoRelation, User, Contact, Lead, Account, Opportunity). ``Name`` is
the polymorphic pseudo-object SOQL uses for ``Who.``, ``What.`` and ``Owner.`` paths.
"""

from __future__ import annotations

from typing import Any

from calsync_salesforce.emulator.ids import KEY_PREFIXES
from calsync_salesforce.emulator.schema import FieldDef, FieldType, ObjectDef
from calsync_salesforce.emulator.timezones import SALESFORCE_TIME_ZONES

#: Default of an owner field: the calling user.
CALLER = "$caller"

T = FieldType


def _f(name: str, kind: FieldType, label: str, **options: Any) -> FieldDef:
    if kind in (T.TEXTAREA,):
        options.setdefault("filterable", False)
        options.setdefault("sortable", False)
    if options.get("required"):
        options.setdefault("nillable", False)
    return FieldDef(name=name, type=kind, label=label, **options)


def _ro(name: str, kind: FieldType, label: str, **options: Any) -> FieldDef:
    return _f(name, kind, label, createable=False, updateable=False, **options)


def _ref(name: str, label: str, to: tuple[str, ...], rel: str | None, **options: Any) -> FieldDef:
    return _f(
        name, T.REFERENCE, label, length=18, reference_to=to, relationship_name=rel, **options
    )


def _system_fields() -> tuple[FieldDef, ...]:
    return (
        _ro("Id", T.ID, "Record ID", length=18, nillable=False),
        _ro("IsDeleted", T.BOOLEAN, "Deleted", nillable=False, default=False),
        _ro("CreatedDate", T.DATETIME, "Created Date", nillable=False),
        _ref(
            "CreatedById",
            "Created By ID",
            ("User",),
            "CreatedBy",
            createable=False,
            updateable=False,
        ),
        _ro("LastModifiedDate", T.DATETIME, "Last Modified Date", nillable=False),
        _ref(
            "LastModifiedById",
            "Last Modified By ID",
            ("User",),
            "LastModifiedBy",
            createable=False,
            updateable=False,
        ),
        _ro("SystemModstamp", T.DATETIME, "System Modstamp", nillable=False),
    )


def _obj(name: str, label: str, fields: tuple[FieldDef, ...], **options: Any) -> ObjectDef:
    return ObjectDef(name, label, KEY_PREFIXES[name], (*_system_fields(), *fields), **options)


def _picklist(name: str, label: str, values: tuple[str, ...], **options: Any) -> FieldDef:
    return _f(name, T.PICKLIST, label, length=255, picklist=values, **options)


_TZ = tuple(SALESFORCE_TIME_ZONES)
_RECURRENCE_TYPES = (
    "RecursDaily",
    "RecursEveryWeekday",
    "RecursWeekly",
    "RecursMonthly",
    "RecursMonthlyNth",
    "RecursYearly",
    "RecursYearlyNth",
)
_INSTANCES = ("First", "Second", "Third", "Fourth", "Last")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_OWNER = _ref("OwnerId", "Owner ID", ("User",), "Owner", nillable=False, default=CALLER)

EVENT = _obj(
    "Event",
    "Event",
    (
        _ref(
            "OwnerId",
            "Assigned To ID",
            ("User", "Calendar"),
            "Owner",
            nillable=False,
            default=CALLER,
        ),
        _f(
            "Subject",
            T.COMBOBOX,
            "Subject",
            length=255,
            picklist=("Call", "Email", "Meeting", "Other"),
        ),
        _f("Description", T.TEXTAREA, "Description", length=32000),
        _f("Location", T.STRING, "Location", length=255),
        _f("StartDateTime", T.DATETIME, "Start Date Time"),
        _f("EndDateTime", T.DATETIME, "End Date Time"),
        _f("ActivityDateTime", T.DATETIME, "Due Date Time"),
        _f("ActivityDate", T.DATE, "Due Date Only"),
        _ro("EndDate", T.DATE, "End Date"),
        _f("DurationInMinutes", T.INT, "Duration"),
        _f("IsAllDayEvent", T.BOOLEAN, "All-Day Event", nillable=False, default=False),
        _f("IsPrivate", T.BOOLEAN, "Private", nillable=False, default=False),
        _picklist(
            "ShowAs",
            "Show Time As",
            ("Busy", "OutOfOffice", "Free"),
            restricted_picklist=True,
            default="Busy",
        ),
        _picklist("Type", "Type", ("Call", "Email", "Meeting", "Other")),
        _ref("WhoId", "Name ID", ("Contact", "Lead"), "Who"),
        _ref("WhatId", "Related To ID", ("Account", "Opportunity"), "What"),
        _ref(
            "AccountId", "Account ID", ("Account",), "Account", createable=False, updateable=False
        ),
        _ro("WhoCount", T.INT, "Relation Count", default=0),
        _ro("WhatCount", T.INT, "Related To Count", default=0),
        _f(
            "EventWhoIds",
            T.JUNCTION_ID_LIST,
            "Event Who Ids",
            reference_to=("Contact", "Lead"),
            filterable=False,
            sortable=False,
        ),
        _ro("IsChild", T.BOOLEAN, "Is Child", nillable=False, default=False),
        _ro("IsGroupEvent", T.BOOLEAN, "Is Group Event", nillable=False, default=False),
        _f(
            "GroupEventType",
            T.PICKLIST,
            "Group Event Type",
            length=40,
            picklist=("0", "1", "2", "3"),
            createable=False,
            updateable=False,
            default="0",
        ),
        _f("IsReminderSet", T.BOOLEAN, "Reminder Set", nillable=False, default=False),
        _f("ReminderDateTime", T.DATETIME, "Reminder Date/Time"),
        _ro("IsArchived", T.BOOLEAN, "Archived", nillable=False, default=False),
        _f(
            "EventSubtype",
            T.PICKLIST,
            "Event Subtype",
            length=40,
            picklist=("Event",),
            createable=False,
            updateable=False,
            default="Event",
        ),
        # Classic recurrence (IsRecurrence is create-only).
        _f(
            "IsRecurrence",
            T.BOOLEAN,
            "Create Recurring Series of Events",
            updateable=False,
            nillable=False,
            default=False,
        ),
        _f("RecurrenceStartDateTime", T.DATETIME, "Recurrence Start"),
        _f("RecurrenceEndDateOnly", T.DATE, "Recurrence End"),
        _picklist(
            "RecurrenceType", "Recurrence Pattern", _RECURRENCE_TYPES, restricted_picklist=True
        ),
        _f("RecurrenceInterval", T.INT, "Recurrence Interval"),
        _f("RecurrenceDayOfWeekMask", T.INT, "Recurrence Day of Week Mask"),
        _f("RecurrenceDayOfMonth", T.INT, "Recurrence Day of Month"),
        _picklist(
            "RecurrenceInstance", "Recurrence Instance", _INSTANCES, restricted_picklist=True
        ),
        _picklist(
            "RecurrenceMonthOfYear", "Recurrence Month of Year", _MONTHS, restricted_picklist=True
        ),
        _picklist(
            "RecurrenceTimeZoneSidKey", "Recurrence Time Zone", _TZ, restricted_picklist=True
        ),
        _ref(
            "RecurrenceActivityId",
            "Recurrence Activity ID",
            ("Event",),
            None,
            createable=False,
            updateable=False,
        ),
        # Lightning Experience event series (the pattern is create-only).
        _f("IsRecurrence2", T.BOOLEAN, "Repeat", updateable=False, nillable=False, default=False),
        _f(
            "Recurrence2PatternText", T.TEXTAREA, "Recurrence Pattern", length=512, updateable=False
        ),
        _picklist("Recurrence2PatternVersion", "Pattern Version", ("1",), updateable=False),
        _ro("Recurrence2PatternStartDate", T.DATETIME, "Recurrence Pattern Start Date"),
        _ro(
            "Recurrence2PatternTimeZone",
            T.STRING,
            "Recurrence Pattern Time Zone Reference",
            length=255,
        ),
        _ro("IsRecurrence2Exception", T.BOOLEAN, "Is Exception", nillable=False, default=False),
        _ro("IsRecurrence2Exclusion", T.BOOLEAN, "Historical Event", nillable=False, default=False),
        _ref(
            "ActivityRecurrence2Id",
            "Activity Recurrence 2 ID",
            ("ActivityRecurrence2",),
            None,
            createable=False,
            updateable=False,
        ),
    ),
)

EVENT_RELATION = _obj(
    "EventRelation",
    "Event Relation",
    (
        _ref("EventId", "Event ID", ("Event",), "Event", required=True, updateable=False),
        _ref(
            "RelationId",
            "Relation ID",
            ("User", "Contact", "Lead", "Account", "Opportunity"),
            "Relation",
            required=True,
            updateable=False,
        ),
        _f("IsInvitee", T.BOOLEAN, "Is Invitee", nillable=False, default=True, updateable=False),
        _f("IsParent", T.BOOLEAN, "Is Parent", nillable=False, default=False, updateable=False),
        _f("IsWhat", T.BOOLEAN, "Is What", nillable=False, default=False, updateable=False),
        _picklist("Status", "Status", ("New", "Accepted", "Declined", "Maybe"), default="New"),
        _f("Response", T.STRING, "Response", length=255),
        _f("RespondedDate", T.DATETIME, "Response Date"),
    ),
)

EVENT_WHO_RELATION = _obj(
    "EventWhoRelation",
    "Event Who Relation",
    (
        _ref("EventId", "Event ID", ("Event",), "Event", createable=False, updateable=False),
        _ref(
            "RelationId",
            "Relation ID",
            ("Contact", "Lead"),
            "Relation",
            createable=False,
            updateable=False,
        ),
        _ro("Type", T.STRING, "Type", length=50),
    ),
    createable=False,
    updateable=False,
    deletable=False,
)

USER = _obj(
    "User",
    "User",
    (
        _f("Username", T.STRING, "Username", length=80, required=True, unique=True),
        _f("Email", T.EMAIL, "Email", length=128, required=True),
        _f("FirstName", T.STRING, "First Name", length=40),
        _f("LastName", T.STRING, "Last Name", length=80, required=True),
        _ro("Name", T.STRING, "Full Name", length=121),
        _f("Alias", T.STRING, "Alias", length=8, required=True),
        _picklist("TimeZoneSidKey", "Time Zone", _TZ, restricted_picklist=True, required=True),
        _f("LocaleSidKey", T.STRING, "Locale", length=40, required=True),
        _f("LanguageLocaleKey", T.STRING, "Language", length=40, required=True),
        _f("EmailEncodingKey", T.STRING, "Email Encoding", length=40, required=True),
        _ref("ProfileId", "Profile ID", ("Profile",), "Profile", required=True),
        _f("IsActive", T.BOOLEAN, "Active", nillable=False, default=True),
    ),
    deletable=False,
)

PROFILE = _obj(
    "Profile",
    "Profile",
    (_ro("Name", T.STRING, "Name", length=255, nillable=False),),
    createable=False,
    updateable=False,
    deletable=False,
)

_PERSON = (
    _f("FirstName", T.STRING, "First Name", length=40),
    _f("LastName", T.STRING, "Last Name", length=80, required=True),
    _ro("Name", T.STRING, "Full Name", length=121),
    _f("Email", T.EMAIL, "Email", length=80),
)

CONTACT = _obj(
    "Contact",
    "Contact",
    (*_PERSON, _ref("AccountId", "Account ID", ("Account",), "Account"), _OWNER),
)

LEAD = _obj(
    "Lead",
    "Lead",
    (
        *_PERSON,
        _f("Company", T.STRING, "Company", length=255, required=True),
        _picklist(
            "Status",
            "Status",
            (
                "Open - Not Contacted",
                "Working - Contacted",
                "Closed - Converted",
                "Closed - Not Converted",
            ),
            nillable=False,
            default="Open - Not Contacted",
        ),
        _ro("IsConverted", T.BOOLEAN, "Converted", nillable=False, default=False),
        _ref("OwnerId", "Owner ID", ("User", "Group"), "Owner", nillable=False, default=CALLER),
    ),
)

ACCOUNT = _obj(
    "Account", "Account", (_f("Name", T.STRING, "Account Name", length=255, required=True), _OWNER)
)

OPPORTUNITY = _obj(
    "Opportunity",
    "Opportunity",
    (
        _f("Name", T.STRING, "Name", length=120, required=True),
        _picklist(
            "StageName",
            "Stage",
            ("Prospecting", "Qualification", "Needs Analysis", "Closed Won", "Closed Lost"),
            required=True,
        ),
        _f("CloseDate", T.DATE, "Close Date", required=True),
        _ref("AccountId", "Account ID", ("Account",), "Account"),
        _OWNER,
    ),
)

#: The polymorphic ``Name`` pseudo-object (target of ``Who.``, ``What.``, ``Owner.`` paths).
NAME = ObjectDef(
    "Name",
    "Name",
    "",
    (
        _ro("Id", T.ID, "Record ID", length=18),
        _ro("Name", T.STRING, "Name", length=255),
        _ro("Type", T.STRING, "Type", length=40),
        _ro("Email", T.EMAIL, "Email", length=128),
        _ro("FirstName", T.STRING, "First Name", length=40),
        _ro("LastName", T.STRING, "Last Name", length=80),
    ),
    createable=False,
    updateable=False,
    deletable=False,
    queryable=False,
)

STANDARD_OBJECTS: tuple[ObjectDef, ...] = (
    ACCOUNT,
    CONTACT,
    EVENT,
    EVENT_RELATION,
    EVENT_WHO_RELATION,
    LEAD,
    OPPORTUNITY,
    PROFILE,
    USER,
)
