"""Errors are translated at the boundary: no googleapiclient or google-auth exception escapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from gapi_support import ALICE
from googleapiclient.http import HttpMockSequence
from provider_support import single

from calsync.emulation import Fault, FaultKind
from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.markers import Marker, MarkerChange
from calsync.providers import Write
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness
from calsync_gmail.provider import GmailMailbox

CALLS: dict[str, Callable[[GmailMailbox], Any]] = {
    "pull": lambda m: m.pull(None),
    "fetch": lambda m: m.fetch(["abcde123"]),
    "find": lambda m: m.find_by_counterpart(["00U1"]),
    "write": lambda m: m.write([Write.create(single("X"))]),
    "markers": lambda m: m.set_markers(
        [MarkerChange(item_id="abcde123", marker=Marker(code="X", detail="d"))]
    ),
}
FAULTS = [
    (FaultKind.THROTTLE, "", ThrottledError),
    (FaultKind.THROTTLE, "user", ThrottledError),
    (FaultKind.THROTTLE, "429", ThrottledError),
    (FaultKind.SERVER_ERROR, "", ServiceUnavailableError),
    (FaultKind.SERVER_ERROR, "503", ServiceUnavailableError),
    (FaultKind.TIMEOUT, "", ServiceUnavailableError),
    (FaultKind.MALFORMED, "", InvalidReplyError),
]


@pytest.mark.parametrize(("kind", "detail", "error"), FAULTS)
@pytest.mark.parametrize("call", sorted(CALLS))
def test_whole_call_faults(
    harness: GmailHarness,
    emulator: GoogleEmulator,
    kind: FaultKind,
    detail: str,
    error: type[ProviderError],
    call: str,
) -> None:
    provider = harness.open_mailbox(ALICE)
    provider.session.zone  # noqa: B018 - the calendar is read first; fault the call itself
    emulator.faults.arm(Fault(kind=kind, detail=detail, retry_after=3, times=None))
    with pytest.raises(error) as raised:
        CALLS[call](provider)
    if kind is FaultKind.THROTTLE:
        assert raised.value.retry_after == (3 if detail == "429" else None)  # type: ignore[attr-defined]


def test_the_first_call_fails_cleanly_too(
    mailbox: GmailMailbox, harness: GmailHarness, emulator: GoogleEmulator
) -> None:
    harness.seed(ALICE, single("Needs the calendar zone"))
    emulator.faults.arm(Fault(kind=FaultKind.MALFORMED, endpoint="calendar.calendars.get"))
    with pytest.raises(InvalidReplyError):
        mailbox.pull(None)
    assert mailbox.pull(None).full


def test_revoked_credentials_are_an_auth_error_until_restored(
    harness: GmailHarness, mailbox: GmailMailbox
) -> None:
    harness.seed(ALICE, single("One"))
    mailbox.pull(None)
    harness.revoke_credentials()
    for call in CALLS.values():
        with pytest.raises(AuthError):
            call(mailbox)
    harness.restore_credentials()
    assert len(mailbox.pull(None).changed) == 1


def test_an_expired_access_token_is_refreshed_silently(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    mailbox.pull(None)
    emulator.expire_access_tokens()
    assert mailbox.pull(None).full
    emulator.expire_access_tokens()
    assert mailbox.write([Write.create(single("After refresh"))])[0].ok  # inside a batch


def test_a_401_that_persists_is_an_auth_error(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    emulator.faults.arm(
        Fault(kind=FaultKind.AUTH_EXPIRED, endpoint="calendar.events.list", times=None)
    )
    with pytest.raises(AuthError):
        mailbox.pull(None)


def test_user_credentials_whose_refresh_token_is_revoked(emulator: GoogleEmulator) -> None:
    from calsync_gmail.emulator import authorized_http

    provider = GmailMailbox(ALICE, authorized_http(emulator, emulator.user_credentials(ALICE)))
    provider.pull(None)
    emulator.revoke_refresh_tokens(ALICE)
    emulator.expire_access_tokens(ALICE)
    with pytest.raises(AuthError):
        provider.write([Write.create(single("X"))])


def test_a_410_on_a_sync_list_is_cursor_expired(
    mailbox: GmailMailbox, emulator: GoogleEmulator
) -> None:
    cursor = mailbox.pull(None).cursor
    emulator.faults.arm(Fault(kind=FaultKind.CURSOR_EXPIRED, endpoint="calendar.events.list"))
    with pytest.raises(CursorExpiredError):
        mailbox.pull(cursor)


def _mocked(*answers: tuple[dict[str, str], object]) -> GmailMailbox:
    calendar = ({"status": "200"}, json.dumps({"id": ALICE, "timeZone": "Europe/Copenhagen"}))
    sequence = [calendar] + [(h, b if isinstance(b, str) else json.dumps(b)) for h, b in answers]
    return GmailMailbox(ALICE, HttpMockSequence(sequence))


@pytest.mark.parametrize(
    "page",
    [
        {"items": "not a list"},
        {"items": [{"summary": "no id"}]},
        {
            "items": [{"id": "abcde", "start": {"dateTime": "yesterday"}, "end": {}}],
            "nextSyncToken": "t",
        },
        {"items": []},  # the last page without a sync token
        "<html>captive portal</html>",
    ],
)
def test_wrong_shaped_replies_are_invalid_replies(page: object) -> None:
    with pytest.raises(InvalidReplyError):
        _mocked(({"status": "200"}, page)).pull(None)


def test_a_batch_that_is_not_multipart_is_an_invalid_reply() -> None:
    provider = _mocked(({"status": "200", "content-type": "application/json"}, {"oops": True}))
    with pytest.raises(InvalidReplyError):
        provider.write([Write.create(single("X"))])


def test_a_connection_refused_is_service_unavailable() -> None:
    import google_auth_httplib2
    import httplib2

    from calsync_gmail.settings import GmailSettings

    port = _free_port()
    settings = GmailSettings(calendar_api=f"http://127.0.0.1:{port}/calendar/v3/")
    http = google_auth_httplib2.AuthorizedHttp(_static_credentials(), http=httplib2.Http(timeout=2))
    with pytest.raises(ServiceUnavailableError):
        GmailMailbox(ALICE, http, settings).pull(None)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _static_credentials() -> Any:
    import google.oauth2.credentials

    return google.oauth2.credentials.Credentials(token="static")  # type: ignore[no-untyped-call]
