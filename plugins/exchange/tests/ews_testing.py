"""Constants and small helpers shared by the EWS emulator tests."""

from __future__ import annotations

from datetime import UTC, datetime

import requests
from exchangelib import Account, ExtendedProperty

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


def envelope(payload: str) -> bytes:
    """A SOAP request document with ``payload`` as its only Body child."""
    from calsync_exchange.emulator._xml import SOAP, M, T

    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{SOAP}" xmlns:m="{M}" xmlns:t="{T}">'
        f"<s:Body>{payload}</s:Body></s:Envelope>"
    ).encode()


def post_soap(account: Account, payload: str) -> requests.Response:
    """POST a hand-written SOAP operation with the account's own (authenticated) session."""
    session = account.protocol.get_session()
    try:
        return session.post(
            account.protocol.service_endpoint,
            data=envelope(payload),
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
    finally:
        account.protocol.release_session(session)
