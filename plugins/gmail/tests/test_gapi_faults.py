"""Fault injection: each FaultKind as googleapiclient sees it."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from gapi_support import ALICE, error_of
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from calsync.emulation import Fault, FaultKind
from calsync_gmail.emulator import GoogleEmulator, authorized_http, calendar_service


def _no_sleep(request: Any) -> Any:
    """Stop googleapiclient's retry back-off from sleeping in tests."""
    request._sleep = lambda seconds: None
    return request


def test_throttle_is_403_rate_limit_and_retried(cal: Any, emulator: GoogleEmulator) -> None:
    cal.colors().get().execute()
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="calendar.events.list"))
    with pytest.raises(HttpError) as throttled:
        cal.events().list(calendarId="primary").execute()
    assert throttled.value.resp.status == 403
    assert "retry-after" not in throttled.value.resp
    assert error_of(throttled.value) == {
        "errors": [
            {
                "domain": "usageLimits",
                "reason": "rateLimitExceeded",
                "message": "Rate Limit Exceeded",
            }
        ],
        "code": 403,
        "message": "Rate Limit Exceeded",
    }
    emulator.faults.arm(
        Fault(kind=FaultKind.THROTTLE, endpoint="calendar.events.list", detail="user")
    )
    page = _no_sleep(cal.events().list(calendarId="primary")).execute(num_retries=2)
    assert page["items"] == []
    assert emulator.counts["calendar.events.list"] == 3


def test_throttle_429_carries_retry_after(cal: Any, gmail: Any, emulator: GoogleEmulator) -> None:
    cal.colors().get().execute()
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, detail="429", retry_after=2.5))
    with pytest.raises(HttpError) as throttled:
        cal.colors().get().execute()
    assert throttled.value.resp.status == 429
    assert throttled.value.resp["retry-after"] == "3"
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, detail="429", retry_after=30))
    with pytest.raises(HttpError) as gmail_throttled:
        gmail.users().labels().list(userId="me").execute()
    body = json.loads(gmail_throttled.value.content)["error"]
    assert body["status"] == "RESOURCE_EXHAUSTED"
    assert body["message"] == "User-rate limit exceeded.  Retry after 2025-03-01T12:00:30.000Z"


def test_auth_expired_makes_the_client_refresh(cal: Any, emulator: GoogleEmulator) -> None:
    cal.colors().get().execute()
    emulator.faults.inject(FaultKind.AUTH_EXPIRED, endpoint="calendar.colors.get")
    assert cal.colors().get().execute()["kind"] == "calendar#colors"
    assert emulator.counts == {"oauth2.token": 2, "calendar.colors.get": 3}


def test_auth_expired_at_the_token_endpoint_fails_the_refresh(
    cal: Any, emulator: GoogleEmulator
) -> None:
    emulator.faults.inject(FaultKind.AUTH_EXPIRED, endpoint="oauth2.token")
    with pytest.raises(RefreshError, match="invalid_grant"):
        cal.colors().get().execute()


@pytest.mark.parametrize(("detail", "status"), [("", 500), ("503", 503)])
def test_server_errors(cal: Any, emulator: GoogleEmulator, detail: str, status: int) -> None:
    cal.colors().get().execute()
    emulator.faults.arm(Fault(kind=FaultKind.SERVER_ERROR, detail=detail, times=2))
    with pytest.raises(HttpError) as failed:
        cal.colors().get().execute()
    assert failed.value.resp.status == status
    assert error_of(failed.value)["errors"][0]["reason"] == "backendError"
    assert _no_sleep(cal.colors().get()).execute(num_retries=1)["kind"] == "calendar#colors"


def test_timeout_raises_what_httplib2_raises(cal: Any, emulator: GoogleEmulator) -> None:
    cal.colors().get().execute()
    emulator.faults.inject(FaultKind.TIMEOUT)
    with pytest.raises(socket.timeout):
        cal.colors().get().execute()
    emulator.faults.inject(FaultKind.TIMEOUT)
    assert _no_sleep(cal.colors().get()).execute(num_retries=1)["kind"] == "calendar#colors"


def test_malformed_body_does_not_parse(cal: Any, emulator: GoogleEmulator) -> None:
    cal.colors().get().execute()
    emulator.faults.inject(FaultKind.MALFORMED, endpoint="calendar.events.list")
    # googleapiclient does not raise on a body that is not JSON: it returns the text.
    garbled = cal.events().list(calendarId="primary").execute()
    assert isinstance(garbled, str)
    with pytest.raises(json.JSONDecodeError):
        json.loads(garbled)
    assert cal.events().list(calendarId="primary").execute()["items"] == []


def test_faults_are_scoped_and_counted(emulator: GoogleEmulator) -> None:
    cal = calendar_service(authorized_http(emulator, emulator.user_credentials(ALICE)))
    emulator.faults.arm(
        Fault(kind=FaultKind.SERVER_ERROR, endpoint="calendar.events.insert", times=None)
    )
    assert cal.colors().get().execute()  # a different method is untouched
    for _ in range(2):
        with pytest.raises(HttpError):
            cal.events().insert(calendarId="primary", body={}).execute()
    assert emulator.counts["calendar.events.insert"] == 2
    assert emulator.events(ALICE, include_cancelled=True) == []
    emulator.faults.clear()
    emulator.reset()
    assert emulator.counts == {}
    assert emulator.faults.armed == ()
