"""The Graph emulator on the wire: what the real service documents, seen through raw httpx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from graph_testing import ALICE, item

from calsync.emulation.httpx_transport import InProcessTransport
from calsync.model import ItemKind, Participant
from calsync.recurrence import Recurrence
from calsync_graph.emulator import MAX_BATCH
from calsync_graph.harness import TENANT, GraphHarness

GRAPH = "https://graph.microsoft.com/v1.0"


@pytest.fixture
def http(harness: GraphHarness) -> httpx.Client:
    harness.emulator.store.add_mailbox(ALICE)
    client = httpx.Client(transport=InProcessTransport(harness.emulator))
    token = client.post(
        f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": harness.client_id,
            "client_secret": harness.secret,
            "scope": "https://graph.microsoft.com/.default",
        },
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _window(days: int = 30) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "startDateTime": (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endDateTime": (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _delta(http: httpx.Client, url: str, **params: Any) -> tuple[list[dict[str, Any]], str]:
    """Every entry of a round and its deltaLink."""
    entries: list[dict[str, Any]] = []
    page = http.get(url, params=params or None).json()
    while True:
        entries += page["value"]
        if "@odata.nextLink" not in page:
            return entries, page["@odata.deltaLink"]
        page = http.get(page["@odata.nextLink"]).json()


def test_a_wrong_secret_is_refused_with_an_aadsts_code(harness: GraphHarness) -> None:
    client = httpx.Client(transport=InProcessTransport(harness.emulator))
    answer = client.post(
        f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": harness.client_id,
            "client_secret": "wrong",
            "scope": "https://graph.microsoft.com/.default",
        },
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert answer.json()["error_codes"] == [7000215]
    unauthenticated = client.get(f"{GRAPH}/users/{ALICE}/events")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_calendar_view_delta_needs_its_window(http: httpx.Client) -> None:
    answer = http.get(f"{GRAPH}/users/{ALICE}/calendarView/delta")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "ErrorInvalidParameter"


def test_a_round_lists_the_window_with_occurrences_as_stubs_and_pages(
    harness: GraphHarness, http: httpx.Client
) -> None:
    single = harness.seed(ALICE, item("Single"))
    series = harness.seed(
        ALICE,
        item(
            "Weekly",
            kind=ItemKind.SERIES,
            recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=3", zone="Europe/Berlin"),
        ),
    )
    harness.seed(ALICE, item("Far away", days=400))
    http.headers["Prefer"] = "odata.maxpagesize=2"
    # The SDK's spelling: a double slash and delta() (both accepted by the service).
    entries, link = _delta(http, f"{GRAPH}//users/{ALICE}/calendarView/delta()", **_window())
    assert "$deltatoken=" in link
    full = {e["id"]: e for e in entries if e.get("type") != "occurrence"}
    stubs = [e for e in entries if e.get("type") == "occurrence"]
    assert set(full) == {single, series}
    assert len(stubs) == 3 and {s["seriesMasterId"] for s in stubs} == {series}
    assert set(stubs[0]) == {
        "@odata.type",
        "@odata.etag",
        "id",
        "type",
        "seriesMasterId",
        "start",
        "end",
    }


def test_later_rounds_report_changes_and_removals_in_and_out_of_the_window(
    harness: GraphHarness, http: httpx.Client
) -> None:
    kept = harness.seed(ALICE, item("Kept"))
    moved = harness.seed(ALICE, item("Moved away", days=2))
    deleted = harness.seed(ALICE, item("Deleted", days=3))
    _, link = _delta(http, f"{GRAPH}/users/{ALICE}/calendarView/delta", **_window())
    harness.edit(ALICE, kept, subject="Kept, renamed")
    later = item("x", days=300)
    harness.edit(ALICE, moved, start=later.start, end=later.end)
    harness.remove(ALICE, deleted)
    entries, _ = _delta(http, link)
    by_id = {e["id"]: e for e in entries}
    assert by_id[kept]["subject"] == "Kept, renamed"
    assert by_id[moved]["@removed"] == {"reason": "deleted"}, "an out-of-window change is @removed"
    assert by_id[deleted]["@removed"] == {"reason": "deleted"}


def test_an_expired_delta_token_is_410_sync_state_not_found(
    harness: GraphHarness, http: httpx.Client
) -> None:
    _, link = _delta(http, f"{GRAPH}/users/{ALICE}/calendarView/delta", **_window())
    harness.seed(ALICE, item("After"))
    mailbox = harness.emulator.store.find(ALICE)
    assert mailbox is not None
    mailbox.horizon = mailbox.seq + 1
    answer = http.get(link)
    assert answer.status_code == 410 and answer.json()["error"]["code"] == "SyncStateNotFound"


def test_batch_limits_and_dependencies(http: httpx.Client) -> None:
    get = {"method": "GET", "url": f"/users/{ALICE}/events"}
    too_many = [{"id": str(n), **get} for n in range(MAX_BATCH + 1)]
    assert http.post(f"{GRAPH}/$batch", json={"requests": too_many}).status_code == 400
    twice = [{"id": "a", **get}, {"id": "A", **get}]
    assert http.post(f"{GRAPH}/$batch", json={"requests": twice}).status_code == 400
    chained = [
        {"id": "1", "method": "GET", "url": f"/users/{ALICE}/events/nope"},
        {"id": "2", "dependsOn": ["1"], **get},
    ]
    answer = http.post(f"{GRAPH}/$batch", json={"requests": chained}).json()
    assert [r["status"] for r in answer["responses"]] == [404, 424]


def test_the_outbox_records_what_a_real_mailbox_would_send(
    harness: GraphHarness, http: httpx.Client
) -> None:
    meeting = {
        "subject": "Review",
        "start": {"dateTime": "2030-01-07T10:00:00", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2030-01-07T11:00:00", "timeZone": "W. Europe Standard Time"},
        "attendees": [{"type": "required", "emailAddress": {"address": "carol@customer.com"}}],
    }
    created = http.post(f"{GRAPH}/users/{ALICE}/events", json=meeting)
    assert created.status_code == 201
    event_id = created.json()["id"]
    http.patch(f"{GRAPH}/users/{ALICE}/events/{event_id}", json={"location": {"displayName": "HQ"}})
    http.patch(f"{GRAPH}/users/{ALICE}/events/{event_id}", json={"categories": ["Customer"]})
    http.delete(f"{GRAPH}/users/{ALICE}/events/{event_id}")
    assert [(m.kind, m.recipients) for m in harness.emulator.store.outbox] == [
        ("invitation", ("carol@customer.com",)),
        ("update", ("carol@customer.com",)),
        ("cancellation", ("carol@customer.com",)),
    ], "a category sends nothing; changes to the meeting and deletes do"


def test_extended_properties_are_never_echoed_and_filter_case_insensitively(
    http: httpx.Client,
) -> None:
    prop = "String {00020329-0000-0000-C000-000000000046} Name CalsyncCounterpart"
    created = http.post(
        f"{GRAPH}/users/{ALICE}/events",
        json={
            "subject": "Tagged",
            "start": {"dateTime": "2030-01-07T10:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2030-01-07T11:00:00", "timeZone": "UTC"},
            "singleValueExtendedProperties": [{"id": prop, "value": "00UaBc"}],
        },
    ).json()
    assert "singleValueExtendedProperties" not in created
    where = f"singleValueExtendedProperties/Any(ep: ep/id eq '{prop}' and ep/value eq '00uabc')"
    listed = http.get(f"{GRAPH}/users/{ALICE}/events", params={"$filter": where}).json()["value"]
    assert [e["id"] for e in listed] == [created["id"]]
    expand = f"singleValueExtendedProperties($filter=id eq '{prop}')"
    read = http.get(
        f"{GRAPH}/users/{ALICE}/events/{created['id']}", params={"$expand": expand}
    ).json()
    assert read["singleValueExtendedProperties"] == [{"id": prop, "value": "00UaBc"}]


def test_attendees_round_trip_in_seeding(harness: GraphHarness, http: httpx.Client) -> None:
    event_id = harness.seed(
        ALICE,
        item(
            "Meet",
            organizer=Participant(address=ALICE),
            attendees=(Participant(address="bob@x.org"),),
        ),
    )
    read = harness.read(ALICE, event_id)
    assert read is not None and [p.address for p in read.attendees] == ["bob@x.org"]
    assert harness.invitations_sent() == 0, (
        "a person's own meeting in Outlook is not calsync's mail"
    )


def test_bodies_are_html_unless_text_is_asked_for(
    harness: GraphHarness, http: httpx.Client
) -> None:
    event_id = harness.seed(ALICE, item("Notes", body="a < b & c"))
    url = f"{GRAPH}/users/{ALICE}/events/{event_id}"
    assert http.get(url).json()["body"] == {
        "contentType": "html",
        "content": "<html><body>a &lt; b &amp; c</body></html>",
    }
    text = http.get(url, headers={"Prefer": 'outlook.body-content-type="text"'}).json()["body"]
    assert text == {"contentType": "text", "content": "a < b & c"}
