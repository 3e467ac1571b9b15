"""The emulator itself: clock, counters, reset, snapshot, routing and refusals."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from ews_testing import ALICE, PASSWORD, envelope, utc
from exchangelib import Account, CalendarItem, EWSDateTime
from exchangelib.errors import ErrorInvalidOperation

from calsync.emulation import FrozenClock
from calsync.emulation.requests_transport import InProcessAdapter
from calsync_exchange.emulator import EwsEmulator


def _session(emulator: EwsEmulator) -> requests.Session:
    session = requests.Session()
    session.mount("https://", InProcessAdapter(emulator))
    session.auth = (ALICE, PASSWORD)
    return session


def test_the_clock_drives_created_and_modified_times(
    account: Account, emulator: EwsEmulator, clock: FrozenClock
) -> None:
    tz = account.default_timezone
    item = CalendarItem(
        folder=account.calendar,
        subject="x",
        start=EWSDateTime(2025, 3, 3, 9, tzinfo=tz),
        end=EWSDateTime(2025, 3, 3, 10, tzinfo=tz),
    )
    item.save()
    created = clock.now()
    clock.advance(timedelta(days=2))
    item.subject = "y"
    item.save(update_fields=["subject"])
    read = account.calendar.get(id=item.id)
    assert read.datetime_created == created
    assert read.last_modified_time == created + timedelta(days=2)


def test_counters_are_per_soap_operation_and_reset_clears_everything(
    account: Account, emulator: EwsEmulator
) -> None:
    emulator.seed_item(ALICE, subject="x", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10))
    list(account.calendar.all())
    assert emulator.counts == {"GetFolder": 2, "FindItem": 1, "GetItem": 1}
    assert emulator.total_requests == 4
    emulator.reset()
    assert emulator.counts == {}
    assert emulator.store.mailboxes == {}


def test_snapshot_is_json(account: Account, emulator: EwsEmulator) -> None:
    emulator.seed_item(
        ALICE,
        subject="x",
        start=utc(2025, 3, 3, 9),
        end=utc(2025, 3, 3, 10),
        extended={"CalsyncCrmId": "1"},
    )
    emulator.set_master_categories(ALICE, {"Sync Error": 0})
    snapshot = json.loads(json.dumps(emulator.snapshot()))
    alice = snapshot["mailboxes"][0]
    assert alice["address"] == ALICE
    assert alice["items"][0]["subject"] == "x"
    assert alice["items"][0]["start"] == "2025-03-03T09:00:00+00:00"
    assert alice["items"][0]["extended"] == {"PublicStrings:CalsyncCrmId:String": "1"}
    assert alice["master_categories"] == {"Sync Error": 0}


def test_an_operation_the_emulator_lacks_fails_as_exchange_fails_one(
    account: Account, emulator: EwsEmulator
) -> None:
    """An ``ErrorInvalidOperation`` response message (HTTP 200), never a made-up HTTP 500."""
    with pytest.raises(ErrorInvalidOperation, match="ResolveNames is not available"):
        account.protocol.resolve_names(["bob"])
    envelope = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        b'xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">'
        b"<s:Body><m:GetRoomLists/></s:Body></s:Envelope>"
    )
    answer = _session(emulator).post(
        "https://outlook.office365.com/EWS/Exchange.asmx", data=envelope
    )
    assert answer.status_code == 200
    assert b'ResponseClass="Error"' in answer.content
    assert b"<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>" in answer.content


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


def _append(item_id: str, change_key: str | None, field: str, value: str) -> bytes:
    key = f' ChangeKey="{change_key}"' if change_key else ""
    return envelope(
        f"""<m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="SaveOnly"
          SendMeetingInvitationsOrCancellations="SendToNone">
        <m:ItemChanges><t:ItemChange><t:ItemId Id="{item_id}"{key}/><t:Updates>
          <t:AppendToItemField><t:FieldURI FieldURI="{field}"/>
            <t:CalendarItem>{value}</t:CalendarItem>
          </t:AppendToItemField>
        </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"""
    )


def test_append_to_item_field(emulator: EwsEmulator) -> None:
    item_id = emulator.seed_item(
        ALICE, subject="x", start=utc(2025, 3, 3, 9), end=utc(2025, 3, 3, 10), body="Hello"
    )
    session, url = _session(emulator), "https://outlook.office365.com/EWS/Exchange.asmx"

    def change_key() -> str:
        return emulator.item(ALICE, item_id)["change_key"]  # type: ignore[index,no-any-return]

    body = '<t:Body BodyType="Text">, world</t:Body>'
    answer = session.post(url, data=_append(item_id, change_key(), "item:Body", body))
    assert b'ResponseClass="Success"' in answer.content
    attendee = (
        "<t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>bob@example.com"
        "</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>"
    )
    session.post(url, data=_append(item_id, change_key(), "calendar:RequiredAttendees", attendee))
    stored = emulator.item(ALICE, item_id)
    assert stored is not None
    assert stored["body"] == "Hello, world"
    assert [a["email"] for a in stored["required_attendees"]] == ["bob@example.com"]
    # AutoResolve needs a change key; Subject cannot be appended to.
    answer = session.post(url, data=_append(item_id, None, "item:Body", body))
    assert b"ErrorChangeKeyRequiredForWriteOperations" in answer.content
    answer = session.post(
        url, data=_append(item_id, change_key(), "item:Subject", "<t:Subject>!</t:Subject>")
    )
    assert b"ErrorInvalidPropertyAppend" in answer.content
    assert emulator.item(ALICE, item_id)["subject"] == "x"  # type: ignore[index]
    assert emulator.item(ALICE, item_id)["body"] == "Hello, world"  # type: ignore[index]


def test_the_account_helper_restores_exchangelibs_adapter(emulator: EwsEmulator) -> None:
    from exchangelib.protocol import BaseProtocol, CachingProtocol

    from calsync_exchange.emulator import in_process_account

    before = BaseProtocol.HTTP_ADAPTER_CLS
    with in_process_account(emulator, ALICE, password=PASSWORD) as account:
        assert issubclass(BaseProtocol.HTTP_ADAPTER_CLS, InProcessAdapter)
        assert account.calendar.name == "Calendar"
        assert CachingProtocol._protocol_cache
    assert BaseProtocol.HTTP_ADAPTER_CLS is before
    assert not CachingProtocol._protocol_cache
