"""Constants and small helpers shared by the EWS emulator tests."""

from __future__ import annotations

from datetime import UTC, datetime

from exchangelib import ExtendedProperty

ALICE = "alice@example.com"
BOB = "bob@example.com"
PASSWORD = "s3cret"


class CrmId(ExtendedProperty):
    """The extended property a sync stores the CRM id in."""

    distinguished_property_set_id = "PublicStrings"
    property_name = "CalsyncCrmId"
    property_type = "String"


class SyncTags(ExtendedProperty):
    """An array-typed extended property."""

    distinguished_property_set_id = "PublicStrings"
    property_name = "CalsyncTags"
    property_type = "StringArray"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
