"""Incremental sync: sync tokens, paging, 410 fullSyncRequired, forbidden parameters."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from gapi_support import ALICE, error_of, timed
from googleapiclient.errors import HttpError

from calsync.emulation import FaultKind, FrozenClock
from calsync_gmail.emulator import GoogleEmulator

FULL_SYNC_REQUIRED = {
    "errors": [
        {
            "domain": "calendar",
            "reason": "fullSyncRequired",
            "message": "Sync token is no longer valid, a full sync is required.",
        }
    ],
    "code": 410,
    "message": "Sync token is no longer valid, a full sync is required.",
}


def _seed(emulator: GoogleEmulator, count: int, **fields: Any) -> list[str]:
    return [
        emulator.seed_event(
            ALICE,
            timed(
                f"2025-03-{10 + n}T09:00:00Z",
                f"2025-03-{10 + n}T10:00:00Z",
                tz="UTC",
                summary=f"e{n}",
                **fields,
            ),
        )
        for n in range(count)
    ]


def _sync(cal: Any, **params: Any) -> tuple[list[dict[str, Any]], str, list[dict[str, Any]]]:
    """Page through a listing; return items, the sync token and the raw pages."""
    request = cal.events().list(calendarId="primary", **params)
    items: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    while request is not None:
        page = request.execute()
        pages.append(page)
        items += page["items"]
        request = cal.events().list_next(request, page)
    return items, pages[-1]["nextSyncToken"], pages


def test_sync_token_only_on_the_last_page(cal: Any, emulator: GoogleEmulator) -> None:
    _seed(emulator, 5)
    items, token, pages = _sync(cal, maxResults=2)
    assert len(items) == 5
    assert [("nextPageToken" in p, "nextSyncToken" in p) for p in pages] == [
        (True, False),
        (True, False),
        (False, True),
    ]
    assert token


def test_incremental_sync_returns_changes_and_deletions(
    cal: Any, emulator: GoogleEmulator, clock: FrozenClock
) -> None:
    first, second, third = _seed(emulator, 3)
    _, token, _ = _sync(cal)
    nothing, token2, _ = _sync(cal, syncToken=token)
    assert nothing == []
    clock.advance(60)
    cal.events().patch(calendarId="primary", eventId=first, body={"summary": "changed"}).execute()
    cal.events().delete(calendarId="primary", eventId=second).execute()
    added = (
        cal.events()
        .insert(calendarId="primary", body=timed("2025-04-01T09:00:00Z", "2025-04-01T10:00:00Z"))
        .execute()
    )
    changes, token3, _ = _sync(cal, syncToken=token2)
    by_id = {c["id"]: c for c in changes}
    assert set(by_id) == {first, second, added["id"]}
    assert by_id[first]["summary"] == "changed"
    assert by_id[second] == {
        "kind": "calendar#event",
        "etag": by_id[second]["etag"],
        "id": second,
        "status": "cancelled",
        "updated": "2025-03-01T12:01:00.000Z",
    }
    assert third not in by_id
    assert _sync(cal, syncToken=token3)[0] == []
    # An old token stays usable until it expires.
    assert {c["id"] for c in _sync(cal, syncToken=token2)[0]} == set(by_id)


def test_incremental_single_events_reports_instance_changes(
    cal: Any, emulator: GoogleEmulator
) -> None:
    master = emulator.seed_event(
        ALICE,
        timed(
            "2025-03-17T09:00:00+01:00",
            "2025-03-17T10:00:00+01:00",
            recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
        ),
    )
    initial, token, _ = _sync(cal, singleEvents=True)
    assert len(initial) == 3
    cal.events().patch(
        calendarId="primary",
        eventId=f"{master}_20250324T080000Z",
        body={
            "start": {"dateTime": "2025-03-24T12:00:00+01:00"},
            "end": {"dateTime": "2025-03-24T13:00:00+01:00"},
        },
    ).execute()
    cal.events().delete(calendarId="primary", eventId=f"{master}_20250331T070000Z").execute()
    changes, token, _ = _sync(cal, singleEvents=True, syncToken=token)
    assert {c["id"]: c["status"] for c in changes} == {
        f"{master}_20250324T080000Z": "confirmed",
        f"{master}_20250331T070000Z": "cancelled",
    }
    cancelled = next(c for c in changes if c["status"] == "cancelled")
    assert cancelled["recurringEventId"] == master
    assert cancelled["originalStartTime"]["dateTime"] == "2025-03-31T09:00:00+02:00"
    # A change to the master brings every instance back.
    cal.events().patch(calendarId="primary", eventId=master, body={"summary": "renamed"}).execute()
    changes, _, _ = _sync(cal, singleEvents=True, syncToken=token)
    assert len(changes) == 3
    assert {c.get("summary") for c in changes if c["status"] == "confirmed"} == {"renamed", None}
    with pytest.raises(HttpError) as refused:
        cal.events().list(calendarId="primary", syncToken=token, singleEvents=False).execute()
    assert refused.value.resp.status == 400


@pytest.mark.parametrize(
    "param",
    [
        {"iCalUID": "x@google.com"},
        {"orderBy": "updated"},
        {"privateExtendedProperty": "sfId=1"},
        {"q": "x"},
        {"sharedExtendedProperty": "a=b"},
        {"timeMin": "2025-01-01T00:00:00Z"},
        {"timeMax": "2026-01-01T00:00:00Z"},
        {"updatedMin": "2025-01-01T00:00:00Z"},
        {"showDeleted": False},
    ],
)
def test_parameters_forbidden_with_a_sync_token(cal: Any, param: dict[str, Any]) -> None:
    _, token, _ = _sync(cal)
    with pytest.raises(HttpError) as refused:
        cal.events().list(calendarId="primary", syncToken=token, **param).execute()
    assert refused.value.resp.status == 400


def test_unknown_token_is_410_full_sync_required(cal: Any) -> None:
    with pytest.raises(HttpError) as gone:
        cal.events().list(calendarId="primary", syncToken="CPDAlvWDx70CEPDAlvWDx70CGAU=").execute()
    assert gone.value.resp.status == 410
    assert json.loads(gone.value.content) == {"error": FULL_SYNC_REQUIRED}
    assert gone.value.error_details == FULL_SYNC_REQUIRED["errors"]


def test_410_in_the_middle_of_paging_then_full_resync(cal: Any, emulator: GoogleEmulator) -> None:
    ids = _seed(emulator, 2)
    _, token, _ = _sync(cal)
    for event_id in ids:
        emulator.patch_event(ALICE, event_id, {"summary": "again"})
    _seed(emulator, 3)
    request = cal.events().list(calendarId="primary", syncToken=token, maxResults=2)
    first = request.execute()
    assert len(first["items"]) == 2
    assert "nextPageToken" in first
    emulator.faults.inject(FaultKind.CURSOR_EXPIRED, endpoint="calendar.events.list")
    with pytest.raises(HttpError) as gone:
        cal.events().list_next(request, first).execute()
    assert gone.value.resp.status == 410
    assert error_of(gone.value) == FULL_SYNC_REQUIRED
    # The token stays dead; a full sync gives a working one.
    with pytest.raises(HttpError):
        cal.events().list(calendarId="primary", syncToken=token).execute()
    items, fresh, _ = _sync(cal, maxResults=2)
    assert len(items) == 5
    assert _sync(cal, syncToken=fresh)[0] == []


def test_cursor_expired_fault_hits_the_next_list_with_a_token(
    cal: Any, emulator: GoogleEmulator
) -> None:
    _, token, _ = _sync(cal)
    emulator.faults.inject(FaultKind.CURSOR_EXPIRED)
    cal.colors().get().execute()  # takes the fault, which forgets every sync token
    with pytest.raises(HttpError) as gone:
        cal.events().list(calendarId="primary", syncToken=token).execute()
    assert gone.value.resp.status == 410


def test_expire_sync_tokens_helper(cal: Any, emulator: GoogleEmulator) -> None:
    _, token, _ = _sync(cal)
    assert emulator.expire_sync_tokens(ALICE) == 1
    with pytest.raises(HttpError) as gone:
        cal.events().list(calendarId="primary", syncToken=token).execute()
    assert gone.value.resp.status == 410


def test_sync_tokens_age_on_the_emulator_clock(
    cal: Any, emulator: GoogleEmulator, clock: FrozenClock
) -> None:
    emulator.sync_token_max_age = timedelta(days=7)
    _, token, _ = _sync(cal)
    clock.advance(timedelta(days=7))
    assert _sync(cal, syncToken=token)[0] == []  # exactly a week old: still good
    clock.advance(1)
    with pytest.raises(HttpError) as gone:
        cal.events().list(calendarId="primary", syncToken=token).execute()
    assert gone.value.resp.status == 410


def test_changes_during_paging_come_with_the_next_sync(cal: Any, emulator: GoogleEmulator) -> None:
    ids = _seed(emulator, 4)
    request = cal.events().list(calendarId="primary", maxResults=2)
    first = request.execute()
    late = emulator.seed_event(
        ALICE, timed("2025-05-01T09:00:00Z", "2025-05-01T10:00:00Z", tz="UTC")
    )
    emulator.patch_event(ALICE, ids[0], {"summary": "edited while paging"})
    second = cal.events().list_next(request, first).execute()
    assert {i["id"] for i in first["items"] + second["items"]} == set(ids)
    changes = (
        cal.events()
        .list(calendarId="primary", syncToken=second["nextSyncToken"])
        .execute()["items"]
    )
    assert {c["id"] for c in changes} == {late, ids[0]}


def test_token_keeps_the_initial_window_but_always_reports_deletions(
    cal: Any, emulator: GoogleEmulator
) -> None:
    inside, outside = _seed(emulator, 2)  # 03-10 and 03-11
    _, token, _ = _sync(cal, timeMin="2025-03-10T00:00:00Z", timeMax="2025-03-11T00:00:00Z")
    emulator.patch_event(ALICE, inside, {"summary": "in"})
    emulator.patch_event(ALICE, outside, {"summary": "out"})
    emulator.delete_event(ALICE, outside)
    changes = cal.events().list(calendarId="primary", syncToken=token).execute()["items"]
    assert {c["id"]: c["status"] for c in changes} == {inside: "confirmed", outside: "cancelled"}


def test_tokens_belong_to_their_calendar(emulator: GoogleEmulator, cal: Any) -> None:
    other = emulator.add_calendar(ALICE, "Team")
    _, token, _ = _sync(cal)
    with pytest.raises(HttpError) as gone:
        cal.events().list(calendarId=other, syncToken=token).execute()
    assert gone.value.resp.status == 410
