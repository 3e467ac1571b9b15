"""The activity objects: Event, EventRelation and the read-only EventWhoRelation view.

Fields, labels and create/update properties follow the Object Reference (Summer '26).
"""

from __future__ import annotations

from calsync_salesforce.emulator.field_builders import (
    CALLER,
    T,
    field,
    picklist,
    read_only,
    reference,
    sobject,
)
from calsync_salesforce.emulator.timezones import SALESFORCE_TIME_ZONES

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


EVENT = sobject(
    "Event",
    "Event",
    (
        reference(
            "OwnerId",
            "Assigned To ID",
            ("User", "Calendar"),
            "Owner",
            nillable=False,
            default=CALLER,
        ),
        field(
            "Subject",
            T.COMBOBOX,
            "Subject",
            length=255,
            picklist=("Call", "Email", "Meeting", "Other"),
        ),
        field("Description", T.TEXTAREA, "Description", length=32000),
        field("Location", T.STRING, "Location", length=255),
        field("StartDateTime", T.DATETIME, "Start Date Time"),
        field("EndDateTime", T.DATETIME, "End Date Time"),
        field("ActivityDateTime", T.DATETIME, "Due Date Time"),
        field("ActivityDate", T.DATE, "Due Date Only"),
        read_only("EndDate", T.DATE, "End Date"),
        field("DurationInMinutes", T.INT, "Duration"),
        field("IsAllDayEvent", T.BOOLEAN, "All-Day Event", nillable=False, default=False),
        field("IsPrivate", T.BOOLEAN, "Private", nillable=False, default=False),
        picklist(
            "ShowAs",
            "Show Time As",
            ("Busy", "OutOfOffice", "Free"),
            restricted_picklist=True,
            default="Busy",
        ),
        picklist("Type", "Type", ("Call", "Email", "Meeting", "Other")),
        reference("WhoId", "Name ID", ("Contact", "Lead"), "Who"),
        reference("WhatId", "Related To ID", ("Account", "Opportunity"), "What"),
        reference(
            "AccountId", "Account ID", ("Account",), "Account", createable=False, updateable=False
        ),
        read_only("WhoCount", T.INT, "Relation Count", default=0),
        read_only("WhatCount", T.INT, "Related To Count", default=0),
        field(
            "EventWhoIds",
            T.JUNCTION_ID_LIST,
            "Event Who Ids",
            reference_to=("Contact", "Lead"),
            filterable=False,
            sortable=False,
        ),
        read_only("IsChild", T.BOOLEAN, "Is Child", nillable=False, default=False),
        read_only("IsGroupEvent", T.BOOLEAN, "Is Group Event", nillable=False, default=False),
        field(
            "GroupEventType",
            T.PICKLIST,
            "Group Event Type",
            length=40,
            picklist=("0", "1", "2", "3"),
            createable=False,
            updateable=False,
            default="0",
        ),
        field("IsReminderSet", T.BOOLEAN, "Reminder Set", nillable=False, default=False),
        field("ReminderDateTime", T.DATETIME, "Reminder Date/Time"),
        read_only("IsArchived", T.BOOLEAN, "Archived", nillable=False, default=False),
        field(
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
        field(
            "IsRecurrence",
            T.BOOLEAN,
            "Create Recurring Series of Events",
            updateable=False,
            nillable=False,
            default=False,
        ),
        field("RecurrenceStartDateTime", T.DATETIME, "Recurrence Start"),
        field("RecurrenceEndDateOnly", T.DATE, "Recurrence End"),
        picklist(
            "RecurrenceType", "Recurrence Pattern", _RECURRENCE_TYPES, restricted_picklist=True
        ),
        field("RecurrenceInterval", T.INT, "Recurrence Interval"),
        field("RecurrenceDayOfWeekMask", T.INT, "Recurrence Day of Week Mask"),
        field("RecurrenceDayOfMonth", T.INT, "Recurrence Day of Month"),
        picklist("RecurrenceInstance", "Recurrence Instance", _INSTANCES, restricted_picklist=True),
        picklist(
            "RecurrenceMonthOfYear", "Recurrence Month of Year", _MONTHS, restricted_picklist=True
        ),
        picklist("RecurrenceTimeZoneSidKey", "Recurrence Time Zone", _TZ, restricted_picklist=True),
        reference(
            "RecurrenceActivityId",
            "Recurrence Activity ID",
            ("Event",),
            None,
            createable=False,
            updateable=False,
        ),
        # Lightning Experience event series (the pattern is create-only).
        field(
            "IsRecurrence2", T.BOOLEAN, "Repeat", updateable=False, nillable=False, default=False
        ),
        field(
            "Recurrence2PatternText", T.TEXTAREA, "Recurrence Pattern", length=512, updateable=False
        ),
        picklist("Recurrence2PatternVersion", "Pattern Version", ("1",), updateable=False),
        read_only("Recurrence2PatternStartDate", T.DATETIME, "Recurrence Pattern Start Date"),
        read_only(
            "Recurrence2PatternTimeZone",
            T.STRING,
            "Recurrence Pattern Time Zone Reference",
            length=255,
        ),
        read_only(
            "IsRecurrence2Exception", T.BOOLEAN, "Is Exception", nillable=False, default=False
        ),
        read_only(
            "IsRecurrence2Exclusion", T.BOOLEAN, "Historical Event", nillable=False, default=False
        ),
        reference(
            "ActivityRecurrence2Id",
            "Activity Recurrence 2 ID",
            ("ActivityRecurrence2",),
            None,
            createable=False,
            updateable=False,
        ),
    ),
)

EVENT_RELATION = sobject(
    "EventRelation",
    "Event Relation",
    (
        reference("EventId", "Event ID", ("Event",), "Event", required=True, updateable=False),
        reference(
            "RelationId",
            "Relation ID",
            ("User", "Contact", "Lead", "Account", "Opportunity"),
            "Relation",
            required=True,
            updateable=False,
        ),
        field("IsInvitee", T.BOOLEAN, "Is Invitee", nillable=False, default=True, updateable=False),
        field("IsParent", T.BOOLEAN, "Is Parent", nillable=False, default=False, updateable=False),
        field("IsWhat", T.BOOLEAN, "Is What", nillable=False, default=False, updateable=False),
        picklist("Status", "Status", ("New", "Accepted", "Declined", "Maybe"), default="New"),
        field("Response", T.STRING, "Response", length=255),
        field("RespondedDate", T.DATETIME, "Response Date"),
    ),
)

EVENT_WHO_RELATION = sobject(
    "EventWhoRelation",
    "Event Who Relation",
    (
        reference("EventId", "Event ID", ("Event",), "Event", createable=False, updateable=False),
        reference(
            "RelationId",
            "Relation ID",
            ("Contact", "Lead"),
            "Relation",
            createable=False,
            updateable=False,
        ),
        read_only("Type", T.STRING, "Type", length=50),
    ),
    createable=False,
    updateable=False,
    deletable=False,
)
