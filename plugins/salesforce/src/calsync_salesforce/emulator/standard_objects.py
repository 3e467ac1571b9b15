"""The standard sObjects the emulated org holds, with the fields a calendar sync touches.

Labels, types and create/update properties follow the Object Reference (User, Contact,
Lead, Account, Opportunity; the activity objects are in :mod:`.event_schema`). ``Name`` is
the polymorphic pseudo-object SOQL uses for ``Who.``, ``What.`` and ``Owner.`` paths.
"""

from __future__ import annotations

from calsync_salesforce.emulator.event_schema import EVENT, EVENT_RELATION, EVENT_WHO_RELATION
from calsync_salesforce.emulator.field_builders import (
    CALLER,
    T,
    field,
    picklist,
    read_only,
    reference,
    sobject,
)
from calsync_salesforce.emulator.schema import ObjectDef
from calsync_salesforce.emulator.timezones import SALESFORCE_TIME_ZONES

__all__ = ["CALLER", "EVENT", "EVENT_RELATION", "EVENT_WHO_RELATION", "NAME", "STANDARD_OBJECTS"]

_TZ = tuple(SALESFORCE_TIME_ZONES)
_OWNER = reference("OwnerId", "Owner ID", ("User",), "Owner", nillable=False, default=CALLER)

USER = sobject(
    "User",
    "User",
    (
        field("Username", T.STRING, "Username", length=80, required=True, unique=True),
        field("Email", T.EMAIL, "Email", length=128, required=True),
        field("FirstName", T.STRING, "First Name", length=40),
        field("LastName", T.STRING, "Last Name", length=80, required=True),
        read_only("Name", T.STRING, "Full Name", length=121),
        field("Alias", T.STRING, "Alias", length=8, required=True),
        picklist("TimeZoneSidKey", "Time Zone", _TZ, restricted_picklist=True, required=True),
        field("LocaleSidKey", T.STRING, "Locale", length=40, required=True),
        field("LanguageLocaleKey", T.STRING, "Language", length=40, required=True),
        field("EmailEncodingKey", T.STRING, "Email Encoding", length=40, required=True),
        reference("ProfileId", "Profile ID", ("Profile",), "Profile", required=True),
        field("IsActive", T.BOOLEAN, "Active", nillable=False, default=True),
        # Object Reference, User: "UserType", read-only, "Standard" for people with a
        # Salesforce licence (others: partner, customer portal, "AutomatedProcess"...).
        read_only("UserType", T.STRING, "User Type", length=40),
    ),
    deletable=False,
)

PROFILE = sobject(
    "Profile",
    "Profile",
    (read_only("Name", T.STRING, "Name", length=255, nillable=False),),
    createable=False,
    updateable=False,
    deletable=False,
)

# Object Reference, PermissionSet: "Name", the set's unique API name ("API Name" in the user
# interface), and "Label", both Create/Filter/Update strings of at most 80 characters.
PERMISSION_SET = sobject(
    "PermissionSet",
    "Permission Set",
    (
        field("Name", T.STRING, "Name", length=80, required=True, unique=True),
        field("Label", T.STRING, "Label", length=80, required=True),
    ),
)

# Object Reference, PermissionSetAssignment: one user's assignment to one permission set;
# "AssigneeId" (relationship "Assignee", refers to User) and "PermissionSetId" (relationship
# "PermissionSet"), both Create/Filter references; "query permission set assignments to find
# out which permission sets are assigned to which users" (its Usage section). Supported
# calls include create() and delete(): a user taken out of the set is a deleted assignment.
PERMISSION_SET_ASSIGNMENT = sobject(
    "PermissionSetAssignment",
    "Permission Set Assignment",
    (
        reference("AssigneeId", "Assignee ID", ("User",), "Assignee", required=True),
        reference(
            "PermissionSetId",
            "Permission Set ID",
            ("PermissionSet",),
            "PermissionSet",
            required=True,
        ),
    ),
)

_PERSON = (
    field("FirstName", T.STRING, "First Name", length=40),
    field("LastName", T.STRING, "Last Name", length=80, required=True),
    read_only("Name", T.STRING, "Full Name", length=121),
    field("Email", T.EMAIL, "Email", length=80),
)

CONTACT = sobject(
    "Contact",
    "Contact",
    (*_PERSON, reference("AccountId", "Account ID", ("Account",), "Account"), _OWNER),
)

LEAD = sobject(
    "Lead",
    "Lead",
    (
        *_PERSON,
        field("Company", T.STRING, "Company", length=255, required=True),
        picklist(
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
        read_only("IsConverted", T.BOOLEAN, "Converted", nillable=False, default=False),
        reference(
            "OwnerId", "Owner ID", ("User", "Group"), "Owner", nillable=False, default=CALLER
        ),
    ),
)

ACCOUNT = sobject(
    "Account",
    "Account",
    (field("Name", T.STRING, "Account Name", length=255, required=True), _OWNER),
)

OPPORTUNITY = sobject(
    "Opportunity",
    "Opportunity",
    (
        field("Name", T.STRING, "Name", length=120, required=True),
        picklist(
            "StageName",
            "Stage",
            ("Prospecting", "Qualification", "Needs Analysis", "Closed Won", "Closed Lost"),
            required=True,
        ),
        field("CloseDate", T.DATE, "Close Date", required=True),
        reference("AccountId", "Account ID", ("Account",), "Account"),
        _OWNER,
    ),
)

#: The polymorphic ``Name`` pseudo-object (target of ``Who.``, ``What.``, ``Owner.`` paths).
NAME = ObjectDef(
    "Name",
    "Name",
    "",
    (
        read_only("Id", T.ID, "Record ID", length=18),
        read_only("Name", T.STRING, "Name", length=255),
        read_only("Type", T.STRING, "Type", length=40),
        read_only("Email", T.EMAIL, "Email", length=128),
        read_only("FirstName", T.STRING, "First Name", length=40),
        read_only("LastName", T.STRING, "Last Name", length=80),
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
    PERMISSION_SET,
    PERMISSION_SET_ASSIGNMENT,
    PROFILE,
    USER,
)
