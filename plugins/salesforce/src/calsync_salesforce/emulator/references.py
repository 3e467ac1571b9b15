"""Checking lookup values (``WhoId``, ``WhatId``, ``OwnerId``, ``EventWhoIds`` ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator.errors import SalesforceError, entity_deleted, integrity
from calsync_salesforce.emulator.ids import normalize_id
from calsync_salesforce.emulator.schema import FieldDef, FieldType

if TYPE_CHECKING:
    from calsync_salesforce.emulator.state import OrgState


def check(org: OrgState, spec: FieldDef, value: Any) -> Any:
    """Return the normalised id (or list of ids) for a reference field.

    :raises SalesforceError: ``MALFORMED_ID`` for text that is not an id,
        ``FIELD_INTEGRITY_EXCEPTION`` for an id of an object the field cannot point at,
        ``INVALID_CROSS_REFERENCE_KEY`` for a record that does not exist,
        ``ENTITY_IS_DELETED`` for one in the recycle bin, ``INACTIVE_OWNER_OR_USER`` for an
        inactive owner.
    """
    if spec.type is FieldType.JUNCTION_ID_LIST:
        return [_one(org, spec, item) for item in value]
    return _one(org, spec, value)


def _one(org: OrgState, spec: FieldDef, value: str) -> str:
    record_id = normalize_id(value)
    message = f"{spec.label}: id value of incorrect type: {value}"
    if record_id is None:
        raise SalesforceError(400, "MALFORMED_ID", message, [spec.name])
    sobject = org.store.object_of(record_id)
    if sobject not in spec.reference_to:
        raise integrity(message, [spec.name])
    record = org.store.get(sobject, record_id)
    if record is None:
        raise SalesforceError(
            400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [spec.name]
        )
    if record.get("IsDeleted"):
        raise entity_deleted(400, [spec.name])
    if spec.name == "OwnerId" and sobject == "User" and not record.get("IsActive", True):
        raise SalesforceError(
            400,
            "INACTIVE_OWNER_OR_USER",
            f"operation performed with inactive user [{record_id}] as owner",
            [spec.name],
        )
    return record_id
