"""Socket mode: the real client over httplib2 sockets to an EmulatorServer on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from gapi_support import ALICE, timed
from googleapiclient.errors import HttpError

from calsync.emulation.server import EmulatorServer
from calsync_gmail.emulator import (
    GoogleEmulator,
    GoogleEndpoints,
    calendar_service,
    gmail_service,
    new_batch,
)


@pytest.fixture
def server(emulator: GoogleEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def sockets() -> Iterator[httplib2.Http]:
    """A real httplib2 client, closed afterwards (open keep-alive sockets would warn)."""
    http = httplib2.Http(timeout=5)
    yield http
    http.close()


def test_calendar_gmail_and_a_batch_over_sockets(
    emulator: GoogleEmulator, server: EmulatorServer, sockets: httplib2.Http
) -> None:
    endpoints = GoogleEndpoints.local(server.url)
    credentials = emulator.user_credentials(ALICE, token_uri=endpoints.token_uri)
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=sockets)
    cal = calendar_service(http, endpoints)
    gmail = gmail_service(http, endpoints)

    created = (
        cal.events()
        .insert(
            calendarId="primary",
            body=timed("2025-03-10T09:00:00+01:00", "2025-03-10T10:00:00+01:00", summary="Socket"),
        )
        .execute()
    )
    page = cal.events().list(calendarId="primary", singleEvents=True).execute()
    assert [i["id"] for i in page["items"]] == [created["id"]]
    label = gmail.users().labels().create(userId="me", body={"name": "Salesforce Emails"}).execute()
    with pytest.raises(HttpError) as duplicate:
        gmail.users().labels().create(userId="me", body={"name": "SALESFORCE EMAILS"}).execute()
    assert duplicate.value.resp.status == 409

    # new_batch_http_request() ignores api_endpoint, hence the explicit batch URI.
    assert cal.new_batch_http_request()._batch_uri == "https://www.googleapis.com/batch/calendar/v3"
    answers: dict[str, tuple[Any, Exception | None]] = {}
    batch = new_batch(
        "calendar", endpoints, callback=lambda rid, resp, exc: answers.__setitem__(rid, (resp, exc))
    )
    batch.add(
        cal.events().patch(calendarId="primary", eventId=created["id"], body={"colorId": "11"}),
        request_id="ok",
    )
    batch.add(cal.events().get(calendarId="primary", eventId="missing00"), request_id="bad")
    batch.execute()
    assert answers["ok"][0]["colorId"] == "11"
    failed = answers["bad"][1]
    assert isinstance(failed, HttpError)
    assert failed.resp.status == 404

    assert emulator.event(ALICE, created["id"])["colorId"] == "11"  # type: ignore[index]
    assert label["id"] in {lb["id"] for lb in emulator.labels(ALICE)}
    assert emulator.counts["batch"] == 1
    assert emulator.counts["calendar.events.patch"] == 1
    assert emulator.counts["oauth2.token"] == 1


def test_service_account_over_sockets(
    emulator: GoogleEmulator, server: EmulatorServer, sockets: httplib2.Http
) -> None:
    endpoints = GoogleEndpoints.local(server.url)
    credentials = emulator.service_account_credentials(ALICE, token_uri=endpoints.token_uri)
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=sockets)
    assert (
        calendar_service(http, endpoints).calendars().get(calendarId="primary").execute()["id"]
        == ALICE
    )
    assert emulator.counts["oauth2.token"] == 1
