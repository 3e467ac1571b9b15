"""Small constructors for field and object definitions (they keep the object tables short)."""

from __future__ import annotations

from typing import Any

from calsync_salesforce.emulator.ids import KEY_PREFIXES
from calsync_salesforce.emulator.schema import FieldDef, FieldType, ObjectDef

#: Default of an owner field: the calling user.
CALLER = "$caller"

T = FieldType


def field(name: str, kind: FieldType, label: str, **options: Any) -> FieldDef:
    """Define a field; long text cannot filter or sort; required implies not nillable."""
    if kind is T.TEXTAREA:
        options.setdefault("filterable", False)
        options.setdefault("sortable", False)
    if options.get("required"):
        options.setdefault("nillable", False)
    return FieldDef(name=name, type=kind, label=label, **options)


def read_only(name: str, kind: FieldType, label: str, **options: Any) -> FieldDef:
    """Define a field the API can neither create nor update."""
    return field(name, kind, label, createable=False, updateable=False, **options)


def reference(
    name: str, label: str, to: tuple[str, ...], rel: str | None, **options: Any
) -> FieldDef:
    """Define a lookup to the objects ``to``, with relationship name ``rel``."""
    return field(
        name, T.REFERENCE, label, length=18, reference_to=to, relationship_name=rel, **options
    )


def picklist(name: str, label: str, values: tuple[str, ...], **options: Any) -> FieldDef:
    """Define a picklist field."""
    return field(name, T.PICKLIST, label, length=255, picklist=values, **options)


def system_fields() -> tuple[FieldDef, ...]:
    """Return the audit fields every object has."""
    audit = {"createable": False, "updateable": False}
    return (
        read_only("Id", T.ID, "Record ID", length=18, nillable=False),
        read_only("IsDeleted", T.BOOLEAN, "Deleted", nillable=False, default=False),
        read_only("CreatedDate", T.DATETIME, "Created Date", nillable=False),
        reference("CreatedById", "Created By ID", ("User",), "CreatedBy", **audit),
        read_only("LastModifiedDate", T.DATETIME, "Last Modified Date", nillable=False),
        reference("LastModifiedById", "Last Modified By ID", ("User",), "LastModifiedBy", **audit),
        read_only("SystemModstamp", T.DATETIME, "System Modstamp", nillable=False),
    )


def sobject(name: str, label: str, fields: tuple[FieldDef, ...], **options: Any) -> ObjectDef:
    """Define an object with the audit fields and then ``fields``."""
    return ObjectDef(name, label, KEY_PREFIXES[name], (*system_fields(), *fields), **options)
