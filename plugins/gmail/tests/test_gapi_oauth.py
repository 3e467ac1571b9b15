"""OAuth: installed-app refresh and service-account delegation, offline, with real google-auth."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import google.oauth2.credentials
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gapi_support import ALICE, BOB, timed
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account
from googleapiclient.errors import HttpError

from calsync.emulation import FrozenClock
from calsync.emulation.httplib2_transport import InProcessHttp
from calsync_gmail.emulator import (
    GoogleEmulator,
    authorized_http,
    calendar_service,
    gmail_service,
)

GMAIL_ONLY = ["https://www.googleapis.com/auth/gmail.modify"]


def test_installed_app_refreshes_offline(emulator: GoogleEmulator, clock: FrozenClock) -> None:
    credentials = emulator.user_credentials(ALICE)
    assert credentials.token is None
    cal = calendar_service(authorized_http(emulator, credentials))
    assert cal.calendars().get(calendarId="primary").execute()["id"] == ALICE
    first_token = credentials.token
    assert first_token is not None
    assert first_token.startswith("ya29.")
    assert emulator.counts["oauth2.token"] == 1
    # An hour later (emulator clock) the token is refused; google-auth refreshes and retries.
    clock.advance(timedelta(hours=1, seconds=1))
    assert cal.calendars().get(calendarId="primary").execute()["id"] == ALICE
    assert credentials.token != first_token
    assert emulator.counts["oauth2.token"] == 2
    assert emulator.counts["calendar.calendars.get"] == 3  # the 401, then the retry


def test_expired_access_tokens_answer_401_then_refresh(emulator: GoogleEmulator, cal: Any) -> None:
    cal.colors().get().execute()
    assert emulator.expire_access_tokens(ALICE) == 1
    cal.colors().get().execute()
    assert emulator.counts["oauth2.token"] == 2


def test_revoked_refresh_token_fails_the_refresh(emulator: GoogleEmulator, cal: Any) -> None:
    emulator.revoke_refresh_tokens(ALICE)
    with pytest.raises(RefreshError, match="invalid_grant"):
        cal.colors().get().execute()


def test_access_token_without_refresh_token_gets_401(emulator: GoogleEmulator) -> None:
    credentials = google.oauth2.credentials.Credentials(token="not-issued-by-google")
    cal = calendar_service(authorized_http(emulator, credentials))
    # AuthorizedHttp tries to refresh on the 401, which such credentials cannot do.
    with pytest.raises(RefreshError):
        cal.events().list(calendarId="primary").execute()
    assert emulator.counts["calendar.events.list"] == 1
    response, content = InProcessHttp(emulator).request(
        "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json",
        headers={"authorization": "Bearer not-issued-by-google"},
    )
    assert response.status == 401
    assert response["www-authenticate"].startswith("Bearer")
    assert json.loads(content) == {
        "error": {
            "errors": [
                {
                    "domain": "global",
                    "reason": "authError",
                    "message": "Invalid Credentials",
                    "locationType": "header",
                    "location": "Authorization",
                }
            ],
            "code": 401,
            "message": "Invalid Credentials",
        }
    }


def test_an_issued_token_works_as_plain_credentials(emulator: GoogleEmulator) -> None:
    credentials = google.oauth2.credentials.Credentials(token=emulator.issue_access_token(BOB))
    cal = calendar_service(authorized_http(emulator, credentials))
    assert cal.calendars().get(calendarId="primary").execute()["timeZone"] == "America/New_York"


def test_scopes_are_enforced(emulator: GoogleEmulator) -> None:
    http = authorized_http(emulator, emulator.user_credentials(ALICE, scopes=GMAIL_ONLY))
    assert gmail_service(http).users().labels().list(userId="me").execute()["labels"]
    with pytest.raises(HttpError) as denied:
        calendar_service(http).events().list(calendarId="primary").execute()
    assert denied.value.resp.status == 403
    assert (
        json.loads(denied.value.content)["error"]["errors"][0]["reason"]
        == "insufficientPermissions"
    )


def test_service_account_with_subject_using_the_plain_google_auth_class(
    emulator: GoogleEmulator,
) -> None:
    event_id = emulator.seed_event(
        BOB, timed("2025-03-10T09:00:00Z", "2025-03-10T10:00:00Z", tz="UTC")
    )
    info = emulator.service_account_info()
    credentials = service_account.Credentials.from_service_account_info(
        info,
        scopes=[
            "https://www.googleapis.com/auth/calendar",
            "https://www.googleapis.com/auth/gmail.modify",
        ],
    ).with_subject(BOB)
    http = authorized_http(emulator, credentials)
    items = calendar_service(http).events().list(calendarId="primary").execute()["items"]
    assert [i["id"] for i in items] == [event_id]
    assert items[0]["organizer"] == {"email": BOB, "self": True}
    assert gmail_service(http).users().labels().list(userId="me").execute()["labels"]
    assert emulator.counts["oauth2.token"] == 1


def test_service_account_helper_impersonates_and_refreshes(
    emulator: GoogleEmulator, clock: FrozenClock
) -> None:
    credentials = emulator.service_account_credentials(ALICE)
    cal = calendar_service(authorized_http(emulator, credentials))
    assert cal.calendars().get(calendarId="primary").execute()["id"] == ALICE
    clock.advance(timedelta(hours=2))
    assert cal.calendars().get(calendarId="primary").execute()["id"] == ALICE
    assert emulator.counts["oauth2.token"] == 2


def test_service_account_unknown_subject_is_refused(emulator: GoogleEmulator) -> None:
    credentials = emulator.service_account_credentials("nobody@example.com")
    with pytest.raises(RefreshError, match="Invalid email or User ID"):
        calendar_service(authorized_http(emulator, credentials)).colors().get().execute()


def test_service_account_scope_not_delegated_is_refused(emulator: GoogleEmulator) -> None:
    credentials = emulator.service_account_credentials(
        ALICE, scopes=["https://www.googleapis.com/auth/drive"]
    )
    with pytest.raises(RefreshError, match="unauthorized_client"):
        calendar_service(authorized_http(emulator, credentials)).colors().get().execute()


def test_service_account_signature_is_verified(emulator: GoogleEmulator) -> None:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    forged = dict(emulator.service_account_info())
    forged["private_key"] = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    credentials = service_account.Credentials.from_service_account_info(
        forged, scopes=["https://www.googleapis.com/auth/calendar"]
    ).with_subject(ALICE)
    with pytest.raises(RefreshError, match="Invalid JWT Signature"):
        calendar_service(authorized_http(emulator, credentials)).colors().get().execute()
