"""The emulator itself: clock, counters, reset, snapshot, routing and refusals."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from exchangelib import Account, CalendarItem, EWSDateTime
from exchangelib.errors import ErrorInternalServerError
from ews_testing import ALICE, PASSWORD, utc

from calsync.emulation import FrozenClock
from calsync.emulation.requests_transport import InProcessAdapter
from calsync_exchange.emulator import EwsEmulator
from calsync_exchange.emulator._xml import M, T


def _session(emulator: EwsEmulator) -> requests.Session:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    session.auth = (ALICE, PASSWORD)
    return session


def test_the_clock_drives_created_and_modified_times(
    account: Account, emulator: EwsEmulator, clock: FrozenClock
) -> None:
    tz = account.default_timezone
    item = CalendarItem(folder=account.calendar, subject="x", start=EWSDateTime(2025, 3, 3, 9, tzinfo=tz), end=EWSDateTime(2025, 3, 3, 10, tzinfo=tz))
    item.save()
    created = clock.now()
    clock.advance(timedelta(days=2))
    item.subject = "y"
    item.save(update_fields=["subject"])
    read = account.calendar.get(id=item.id)
    assert read.datetime_created == created
    assert read.last_modified_time == created + timedelta(days=2)


def test_counters_are_per_soap_operation_and_reset_clears_everything(account: Account, emulator: EwsEmulator) -> None:
    emulator.seed_item(ALICE, subject="x", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    list(account.calendar.all())
    assert emulator.counts == {"GetFolder": 2, "FindItem": 1, "GetItem": 1}
    assert emulator.total_requests == 4
    emulator.reset()
    assert emulator.counts == {}
    assert emulator.store.mailboxes == {}


def test_snapshot_is_json(account: Account, emulator: EwsEmulator) -> None:
    emulator.seed_item(ALICE, subject="x", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), extended={"CalsyncCrmId": "1"})
    emulator.set_master_categories(ALICE, {"Sync Error": 0})
    snapshot = json.loads(json.dumps(emulator.snapshot()))
    alice = snapshot["mailboxes"][0]
    assert alice["address"] == ALICE
    assert alice["items"][0]["subject"] == "x"
    assert alice["items"][0]["start"] == "2025-03-03T09:00:00+00:00"
    assert alice["items"][0]["extended"] == {"PublicStrings:CalsyncCrmId:String": "1"}
    assert alice["master_categories"] == {"Sync Error": 0}


def test_an_operation_the_emulator_lacks_is_a_clear_soap_fault(account: Account) -> None:
    with pytest.raises(ErrorInternalServerError, match="does not implement ResolveNames"):
        account.protocol.resolve_names(["bob"])


def test_routing_and_malformed_requests(emulator: EwsEmulator) -> None:
    session = _session(emulator)
    assert session.get("https://outlook.office365.com/EWS/Exchange.asmx").status_code == 405
    assert session.post("https://outlook.office365.com/owa/").status_code == 404
    broken = session.post("https://outlook.office365.com/EWS/Exchange.asmx", data=b"<s:Envelope")
    assert broken.status_code == 500
    assert b"ErrorSchemaValidation" in broken.content
    unauthenticated = requests.Session()
    unauthenticated.mount("https://", InProcessAdapter(emulator))
    refused = unauthenticated.post("https://outlook.office365.com/EWS/Exchange.asmx", data=b"<x/>")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Basic")
    assert emulator.counts == {"unknown": 1, "InvalidRequest": 3}


def test_append_to_item_field_appends_to_the_body(emulator: EwsEmulator) -> None:
    item_id = emulator.seed_item(ALICE, subject="x", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), body="Hello")
    change_key = emulator.item(ALICE, item_id)["change_key"]  # type: ignore[index]
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="{M}" xmlns:t="{T}"><s:Body>
<m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="SaveOnly" SendMeetingInvitationsOrCancellations="SendToNone">
<m:ItemChanges><t:ItemChange><t:ItemId Id="{item_id}" ChangeKey="{change_key}"/><t:Updates>
<t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:CalendarItem><t:Body BodyType="Text">, world</t:Body></t:CalendarItem></t:AppendToItemField>
<t:AppendToItemField><t:FieldURI FieldURI="calendar:RequiredAttendees"/><t:CalendarItem><t:RequiredAttendees><t:Attendee><t:Mailbox>
<t:EmailAddress>bob@example.com</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees></t:CalendarItem></t:AppendToItemField>
</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem></s:Body></s:Envelope>"""
    answer = _session(emulator).post("https://outlook.office365.com/EWS/Exchange.asmx", data=body.encode())
    assert b'ResponseClass="Success"' in answer.content
    stored = emulator.item(ALICE, item_id)
    assert stored is not None
    assert stored["body"] == "Hello, world"
    assert [a["email"] for a in stored["required_attendees"]] == ["bob@example.com"]
    no_change_key = body.replace(f' ChangeKey="{change_key}"', "")
    answer = _session(emulator).post("https://outlook.office365.com/EWS/Exchange.asmx", data=no_change_key.encode())
    assert b"ErrorChangeKeyRequiredForWriteOperations" in answer.content
    new_key = emulator.item(ALICE, item_id)["change_key"]  # type: ignore[index]
    subject = (
        body.replace(change_key, new_key)
        .replace('"item:Body"', '"item:Subject"')
        .replace('<t:Body BodyType="Text">, world</t:Body>', "<t:Subject>!</t:Subject>")
    )
    answer = _session(emulator).post("https://outlook.office365.com/EWS/Exchange.asmx", data=subject.encode())
    assert b"ErrorInvalidPropertyAppend" in answer.content
    assert emulator.item(ALICE, item_id)["subject"] == "x"  # type: ignore[index]
