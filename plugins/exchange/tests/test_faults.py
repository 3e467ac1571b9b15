"""Injected faults, each in the wire shape Exchange uses, and what exchangelib makes of them."""

from __future__ import annotations

import pytest
from ews_testing import ALICE, PASSWORD
from exchangelib import Account, CalendarItem, EWSDateTime, FaultTolerance
from exchangelib.errors import (
    ErrorItemSave,
    ErrorServerBusy,
    ErrorTimeoutExpired,
    MalformedResponseError,
    UnauthorizedError,
)

from calsync.emulation import Fault, FaultKind
from calsync_exchange.emulator import EwsEmulator, in_process_account


def _item(account: Account, n: int) -> CalendarItem:
    tz = account.default_timezone
    return CalendarItem(
        subject=f"Item {n}",
        start=EWSDateTime(2025, 3, 10, 9 + n, tzinfo=tz),
        end=EWSDateTime(2025, 3, 10, 10 + n, tzinfo=tz),
    )


def test_throttle_is_server_busy_with_the_back_off(account: Account, emulator: EwsEmulator) -> None:
    calendar = account.calendar
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="FindItem", retry_after=2.5))
    with pytest.raises(ErrorServerBusy) as raised:
        list(calendar.all())
    assert raised.value.back_off == 2.5
    assert list(calendar.all()) == []


def test_fault_tolerance_backs_off_and_retries(emulator: EwsEmulator) -> None:
    with in_process_account(
        emulator, ALICE, password=PASSWORD, retry_policy=FaultTolerance(max_wait=5)
    ) as account:
        calendar = account.calendar
        emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="FindItem", retry_after=0.01))
        assert list(calendar.all()) == []
    assert emulator.counts["FindItem"] == 2


def test_auth_expired_is_unauthorized(account: Account, emulator: EwsEmulator) -> None:
    calendar = account.calendar
    emulator.faults.inject(FaultKind.AUTH_EXPIRED)
    with pytest.raises(UnauthorizedError):
        list(calendar.all())


def test_server_error_is_a_500_without_soap(account: Account, emulator: EwsEmulator) -> None:
    calendar = account.calendar
    emulator.faults.inject(FaultKind.SERVER_ERROR)
    # exchangelib recognises IIS's "Server Error in '/EWS' Application" page as transient.
    with pytest.raises(ErrorServerBusy, match="Server Error in 'EWS' Application"):
        list(calendar.all())


def test_timeout(account: Account, emulator: EwsEmulator) -> None:
    calendar = account.calendar
    emulator.faults.inject(FaultKind.TIMEOUT)
    with pytest.raises(ErrorTimeoutExpired):
        list(calendar.all())


def test_malformed_body(account: Account, emulator: EwsEmulator) -> None:
    calendar = account.calendar
    emulator.faults.inject(FaultKind.MALFORMED)
    with pytest.raises(MalformedResponseError):
        list(calendar.all())


def test_partial_failure_fails_the_last_item_of_a_batch(
    account: Account, emulator: EwsEmulator
) -> None:
    calendar = account.calendar
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE, endpoint="CreateItem"))
    results = account.bulk_create(folder=calendar, items=[_item(account, n) for n in range(3)])
    assert isinstance(results[2], ErrorItemSave)
    # The other two were created, as Exchange would have done.
    assert [i["subject"] for i in emulator.items(ALICE)] == ["Item 0", "Item 1"]


def test_partial_failure_on_getitem_returns_the_others(
    account: Account, emulator: EwsEmulator
) -> None:
    results = account.bulk_create(
        folder=account.calendar, items=[_item(account, n) for n in range(3)]
    )
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE, endpoint="GetItem"))
    fetched = list(account.fetch(results))
    assert [type(f).__name__ for f in fetched] == [
        "CalendarItem",
        "CalendarItem",
        "ErrorItemCorrupt",
    ]


def test_faults_are_counted_like_any_request(account: Account, emulator: EwsEmulator) -> None:
    calendar = account.calendar
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, endpoint="FindItem", times=2))
    for _ in range(2):
        with pytest.raises(ErrorServerBusy):
            list(calendar.all())
    assert list(calendar.all()) == []
    assert emulator.counts == {"GetFolder": 2, "FindItem": 3}
