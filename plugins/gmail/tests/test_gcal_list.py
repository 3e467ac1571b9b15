"""events.list filters, ordering and paging (without sync tokens)."""

from __future__ import annotations

from typing import Any

import pytest
from gapi_support import ALICE, error_of, timed
from googleapiclient.errors import HttpError

from calsync.emulation import FrozenClock
from calsync_gmail.emulator import GoogleEmulator


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


def _seed_hours(emulator: GoogleEmulator, hours: list[int]) -> list[str]:
    return [
        emulator.seed_event(
            ALICE,
            timed(
                f"2025-03-10T{h:02d}:00:00Z",
                f"2025-03-10T{h + 1:02d}:00:00Z",
                tz="UTC",
                summary=f"h{h}",
            ),
        )
        for h in hours
    ]


def test_time_window_bounds_are_exclusive(cal: Any, emulator: GoogleEmulator) -> None:
    nine, ten, eleven = _seed_hours(emulator, [9, 10, 11])
    # timeMin is an exclusive bound on end, timeMax an exclusive bound on start.
    page = (
        cal.events()
        .list(calendarId="primary", timeMin="2025-03-10T10:00:00Z", timeMax="2025-03-10T11:00:00Z")
        .execute()
    )
    assert _ids(page) == [ten]
    page = (
        cal.events()
        .list(calendarId="primary", timeMin="2025-03-10T09:59:59Z", timeMax="2025-03-10T11:00:01Z")
        .execute()
    )
    assert set(_ids(page)) == {nine, ten, eleven}
    with pytest.raises(HttpError) as empty:
        cal.events().list(
            calendarId="primary", timeMin="2025-03-10T11:00:00Z", timeMax="2025-03-10T10:00:00Z"
        ).execute()
    assert error_of(empty.value)["errors"][0]["reason"] == "timeRangeEmpty"


def test_order_by(cal: Any, emulator: GoogleEmulator, clock: FrozenClock) -> None:
    late, early = _seed_hours(emulator, [15, 8])
    clock.advance(60)
    emulator.patch_event(ALICE, late, {"summary": "touched"})
    by_start = (
        cal.events().list(calendarId="primary", singleEvents=True, orderBy="startTime").execute()
    )
    assert _ids(by_start) == [early, late]
    by_update = cal.events().list(calendarId="primary", orderBy="updated").execute()
    assert _ids(by_update) == [early, late]
    with pytest.raises(HttpError) as refused:
        cal.events().list(calendarId="primary", orderBy="startTime").execute()
    assert refused.value.resp.status == 400
    assert (
        error_of(refused.value)["message"]
        == "The requested ordering is not available for the particular query."
    )


def test_max_results_and_page_tokens(cal: Any, emulator: GoogleEmulator) -> None:
    seeded = _seed_hours(emulator, list(range(7)))
    seen: list[str] = []
    request = cal.events().list(calendarId="primary", maxResults=3)
    pages = 0
    while request is not None:
        page = request.execute()
        pages += 1
        seen += _ids(page)
        assert ("nextPageToken" in page) != ("nextSyncToken" in page)
        request = cal.events().list_next(request, page)
    assert pages == 3
    assert seen == seeded
    assert emulator.counts["calendar.events.list"] == 3


def test_max_results_default_and_cap(cal: Any, emulator: GoogleEmulator) -> None:
    emulator.seed_event(
        ALICE,
        timed(
            "2025-03-10T00:00:00Z",
            "2025-03-10T00:30:00Z",
            tz="UTC",
            recurrence=["RRULE:FREQ=DAILY;COUNT=2600"],
        ),
    )
    default = cal.events().list(calendarId="primary", singleEvents=True).execute()
    assert len(default["items"]) == 250
    # Without timeMax an endless expansion stops two years on; this series is bounded.
    capped = (
        cal.events()
        .list(
            calendarId="primary", singleEvents=True, maxResults=5000, timeMax="2035-01-01T00:00:00Z"
        )
        .execute()
    )
    assert len(capped["items"]) == 2500
    assert "nextPageToken" in capped
    with pytest.raises(HttpError) as refused:
        cal.events().list(calendarId="primary", maxResults=0).execute()
    assert refused.value.resp.status == 400


def test_private_extended_property_filters_are_anded(cal: Any, emulator: GoogleEmulator) -> None:
    def seed(props: dict[str, str]) -> str:
        body = timed(
            "2025-03-10T09:00:00Z",
            "2025-03-10T10:00:00Z",
            tz="UTC",
            extendedProperties={"private": props},
        )
        return emulator.seed_event(ALICE, body)

    both = seed({"sfId": "00U1", "src": "sf"})
    seed({"sfId": "00U1"})
    seed({"src": "sf"})
    shared_only = emulator.seed_event(
        ALICE,
        timed(
            "2025-03-10T09:00:00Z",
            "2025-03-10T10:00:00Z",
            tz="UTC",
            extendedProperties={"shared": {"sfId": "00U1"}},
        ),
    )
    page = (
        cal.events()
        .list(calendarId="primary", privateExtendedProperty=["sfId=00U1", "src=sf"])
        .execute()
    )
    assert _ids(page) == [both]
    assert (
        len(
            _ids(
                cal.events()
                .list(calendarId="primary", privateExtendedProperty="sfId=00U1")
                .execute()
            )
        )
        == 2
    )
    assert _ids(
        cal.events().list(calendarId="primary", sharedExtendedProperty="sfId=00U1").execute()
    ) == [shared_only]
    with pytest.raises(HttpError) as refused:
        cal.events().list(calendarId="primary", privateExtendedProperty="noequals").execute()
    assert refused.value.resp.status == 400


def test_updated_min_includes_deletions(
    cal: Any, emulator: GoogleEmulator, clock: FrozenClock
) -> None:
    old, doomed, touched = _seed_hours(emulator, [8, 9, 10])
    clock.advance(3600)
    emulator.delete_event(ALICE, doomed)
    emulator.patch_event(ALICE, touched, {"summary": "new"})
    page = cal.events().list(calendarId="primary", updatedMin="2025-03-01T12:30:00Z").execute()
    assert {i["id"]: i["status"] for i in page["items"]} == {
        doomed: "cancelled",
        touched: "confirmed",
    }
    assert old not in _ids(page)


def test_ical_uid_and_query(cal: Any, emulator: GoogleEmulator) -> None:
    nine, ten = _seed_hours(emulator, [9, 10])
    uid = cal.events().get(calendarId="primary", eventId=ten).execute()["iCalUID"]
    assert _ids(cal.events().list(calendarId="primary", iCalUID=uid).execute()) == [ten]
    assert _ids(cal.events().list(calendarId="primary", q="H9").execute()) == [nine]


def test_show_deleted(cal: Any, emulator: GoogleEmulator) -> None:
    kept, gone = _seed_hours(emulator, [9, 10])
    emulator.delete_event(ALICE, gone)
    assert _ids(cal.events().list(calendarId="primary").execute()) == [kept]
    with_deleted = cal.events().list(calendarId="primary", showDeleted=True).execute()["items"]
    assert with_deleted[1] == {
        "kind": "calendar#event",
        "etag": with_deleted[1]["etag"],
        "id": gone,
        "status": "cancelled",
        "updated": "2025-03-01T12:00:00.000Z",
    }


def test_list_envelope(cal: Any) -> None:
    page = cal.events().list(calendarId="primary").execute()
    assert page["kind"] == "calendar#events"
    assert page["timeZone"] == "Europe/Copenhagen"
    assert page["accessRole"] == "owner"
    assert page["items"] == []
    assert "nextSyncToken" in page


def test_show_deleted_and_single_events_as_the_reference_says(
    cal: Any, emulator: GoogleEmulator
) -> None:
    """events.list's showDeleted: with singleEvents false, cancelled instances (not the
    deleted series) come even without showDeleted; with both true, only single instances of
    deleted events, not the deleted series (Calendar API reference, events.list)."""
    events = cal.events()
    weekly = timed(
        "2025-03-17T09:00:00Z",
        "2025-03-17T10:00:00Z",
        tz="UTC",
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
    )
    live = events.insert(calendarId="primary", body={**weekly, "summary": "live"}).execute()["id"]
    cancelled = f"{live}_20250324T090000Z"
    events.delete(calendarId="primary", eventId=cancelled).execute()
    gone = events.insert(calendarId="primary", body={**weekly, "summary": "gone"}).execute()["id"]
    events.delete(calendarId="primary", eventId=gone).execute()
    (single,) = _seed_hours(emulator, [9])
    events.delete(calendarId="primary", eventId=single).execute()

    def listed(**params: Any) -> set[str]:
        page = events.list(calendarId="primary", timeMin="2025-03-01T00:00:00Z", **params).execute()
        return {i["id"] for i in page["items"] if i["status"] == "cancelled"}

    assert listed() == {cancelled}
    assert listed(showDeleted=True) == {cancelled, gone, single}
    assert listed(singleEvents=True) == set()
    assert listed(singleEvents=True, showDeleted=True) == {cancelled, single}
