"""multipart/mixed batches: per-part answers, partial failure, limits, counting."""

from __future__ import annotations

import json
from typing import Any

import pytest
from gapi_support import ALICE, error_of, timed
from googleapiclient.errors import HttpError

from calsync.emulation import Fault, FaultKind
from calsync.emulation.httplib2_transport import InProcessHttp
from calsync_gmail.emulator import (
    GoogleEmulator,
    authorized_http,
    calendar_service,
    new_batch,
)


class Collector:
    """A batch callback that keeps every answer by request id."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[Any, Exception | None]] = {}

    def __call__(self, request_id: str, response: Any, exception: Exception | None) -> None:
        self.answers[request_id] = (response, exception)


def _events(emulator: GoogleEmulator, count: int) -> list[str]:
    return [
        emulator.seed_event(
            ALICE, timed(f"2025-03-1{n}T09:00:00Z", f"2025-03-1{n}T10:00:00Z", tz="UTC")
        )
        for n in range(count)
    ]


def test_batch_with_one_failing_part(cal: Any, emulator: GoogleEmulator) -> None:
    first, second = _events(emulator, 2)
    collect = Collector()
    batch = cal.new_batch_http_request(callback=collect)
    batch.add(
        cal.events().patch(calendarId="primary", eventId=first, body={"colorId": "11"}),
        request_id="a",
    )
    batch.add(
        cal.events().patch(calendarId="primary", eventId="nosuchevent", body={"colorId": "11"}),
        request_id="b",
    )
    batch.add(cal.events().delete(calendarId="primary", eventId=second), request_id="c")
    batch.add(
        cal.events().insert(
            calendarId="primary", body=timed("2025-04-01T09:00:00Z", "2025-04-01T10:00:00Z")
        ),
        request_id="d",
    )
    batch.execute()
    assert collect.answers["a"][0]["colorId"] == "11"
    failed = collect.answers["b"][1]
    assert isinstance(failed, HttpError)
    assert failed.resp.status == 404
    assert collect.answers["c"] == ("", None)  # 204: empty body
    inserted = collect.answers["d"][0]
    assert emulator.event(ALICE, first)["colorId"] == "11"  # type: ignore[index]
    assert emulator.event(ALICE, second)["status"] == "cancelled"  # type: ignore[index]
    assert emulator.event(ALICE, inserted["id"]) is not None
    # The batch is counted once, and each part under its own method.
    assert emulator.counts["batch"] == 1
    assert emulator.counts["calendar.events.patch"] == 2
    assert emulator.counts["calendar.events.delete"] == 1
    assert emulator.counts["calendar.events.insert"] == 1


def test_partial_failure_fault_fails_one_part_unapplied(cal: Any, emulator: GoogleEmulator) -> None:
    ids = _events(emulator, 3)
    emulator.faults.arm(Fault(kind=FaultKind.PARTIAL_FAILURE, endpoint="batch"))
    collect = Collector()
    batch = cal.new_batch_http_request(callback=collect)
    for n, event_id in enumerate(ids):
        batch.add(
            cal.events().patch(calendarId="primary", eventId=event_id, body={"summary": "x"}),
            request_id=str(n),
        )
    batch.execute()
    failed = collect.answers["0"][1]
    assert isinstance(failed, HttpError)
    assert failed.resp.status == 500
    assert error_of(failed)["errors"][0]["reason"] == "backendError"
    assert [collect.answers[k][1] for k in ("1", "2")] == [None, None]
    assert [emulator.event(ALICE, i).get("summary") for i in ids] == [None, "x", "x"]  # type: ignore[union-attr]


def test_partial_failure_declined_outside_a_batch_stays_armed_for_the_next_batch(
    cal: Any, emulator: GoogleEmulator
) -> None:
    (event_id,) = _events(emulator, 1)
    emulator.faults.inject(FaultKind.PARTIAL_FAILURE)
    cal.colors().get().execute()  # served normally
    assert [fault.kind for fault in emulator.faults.armed] == [FaultKind.PARTIAL_FAILURE]
    collect = Collector()
    batch = cal.new_batch_http_request(callback=collect)
    batch.add(cal.events().get(calendarId="primary", eventId=event_id), request_id="only")
    batch.execute()
    assert isinstance(collect.answers["only"][1], HttpError)


def test_faults_armed_for_a_method_hit_its_batch_parts(cal: Any, emulator: GoogleEmulator) -> None:
    first, second = _events(emulator, 2)
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="calendar.events.patch"))
    collect = Collector()
    batch = cal.new_batch_http_request(callback=collect)
    batch.add(
        cal.events().patch(calendarId="primary", eventId=first, body={"summary": "x"}),
        request_id="1",
    )
    batch.add(
        cal.events().patch(calendarId="primary", eventId=second, body={"summary": "y"}),
        request_id="2",
    )
    batch.execute()
    throttled = collect.answers["1"][1]
    assert isinstance(throttled, HttpError)
    assert throttled.resp.status == 403
    assert error_of(throttled)["errors"][0]["reason"] == "rateLimitExceeded"
    assert collect.answers["2"][0]["summary"] == "y"


def test_a_401_part_is_refreshed_and_retried_by_the_client(
    cal: Any, emulator: GoogleEmulator
) -> None:
    (event_id,) = _events(emulator, 1)
    cal.colors().get().execute()  # first token issued
    emulator.faults.arm(Fault(kind=FaultKind.AUTH_EXPIRED, endpoint="calendar.events.get"))
    collect = Collector()
    batch = cal.new_batch_http_request(callback=collect)
    batch.add(cal.events().get(calendarId="primary", eventId=event_id), request_id="1")
    batch.execute()
    assert collect.answers["1"][1] is None
    assert collect.answers["1"][0]["id"] == event_id
    assert emulator.counts["oauth2.token"] == 2
    assert emulator.counts["batch"] == 2


def test_gmail_batch_and_its_100_part_limit(gmail: Any, emulator: GoogleEmulator) -> None:
    label = emulator.seed_label(ALICE, "Synced")
    ids = [emulator.seed_message(ALICE, subject=f"m{n}") for n in range(3)]
    collect = Collector()
    batch = gmail.new_batch_http_request(callback=collect)
    for message_id in ids:
        batch.add(
            gmail.users()
            .messages()
            .modify(userId="me", id=message_id, body={"addLabelIds": [label]})
        )
    batch.execute()
    assert all(exc is None for _, exc in collect.answers.values())
    assert all(label in emulator.message(ALICE, m)["labelIds"] for m in ids)  # type: ignore[index]
    too_many = gmail.new_batch_http_request()
    for _ in range(101):
        too_many.add(gmail.users().labels().list(userId="me"))
    with pytest.raises(HttpError) as refused:
        too_many.execute()
    assert refused.value.resp.status == 400
    assert emulator.counts.get("gmail.users.labels.list", 0) == 0


def _raw_batch(parts: list[str]) -> str:
    boundary = "===============4496965487053670314=="
    chunks = [
        f"--{boundary}\nContent-Type: application/http\nMIME-Version: 1.0\n"
        f"Content-Transfer-Encoding: binary\nContent-ID: <5de530b9 + {n}>\n\n{part}\n"
        for n, part in enumerate(parts, 1)
    ]
    return "".join(chunks) + f"--{boundary}--"


def test_wire_format_matches_protocols_3_5(emulator: GoogleEmulator) -> None:
    token = emulator.issue_access_token(ALICE)
    event_id = emulator.seed_event(
        ALICE, timed("2025-03-10T09:00:00Z", "2025-03-10T10:00:00Z", tz="UTC")
    )
    patch = (
        f"PATCH /calendar/v3/calendars/primary/events/{event_id}?alt=json HTTP/1.1\n"
        f"Content-Type: application/json\nauthorization: Bearer {token}\nHost: www.googleapis.com\n"
        'content-length: 17\n\n{"colorId": "11"}'
    )
    missing = (
        "GET /calendar/v3/calendars/primary/events/zzzzz?alt=json HTTP/1.1\n"
        f"authorization: Bearer {token}\n\n"
    )
    body = _raw_batch([patch, missing])
    response, content = InProcessHttp(emulator).request(
        "https://www.googleapis.com/batch/calendar/v3",
        "POST",
        body=body,
        headers={
            "content-type": 'multipart/mixed; boundary="===============4496965487053670314=="'
        },
    )
    assert response.status == 200
    assert response["content-type"].startswith("multipart/mixed; boundary=batch_")
    text = content.decode()
    assert "Content-ID: <response-5de530b9 + 1>\r\n\r\nHTTP/1.1 200 OK\r\n" in text
    assert "Content-ID: <response-5de530b9 + 2>\r\n\r\nHTTP/1.1 404 Not Found\r\n" in text
    body_1 = (
        text.split("HTTP/1.1 200 OK\r\n", 1)[1].split("\r\n\r\n", 1)[1].split("\r\n--batch_", 1)[0]
    )
    assert json.loads(body_1)["colorId"] == "11"


def test_calendar_batch_limit_is_1000_parts(emulator: GoogleEmulator) -> None:
    token = emulator.issue_access_token(ALICE)
    part = f"GET /calendar/v3/colors?alt=json HTTP/1.1\nauthorization: Bearer {token}\n\n"
    headers = {"content-type": 'multipart/mixed; boundary="===============4496965487053670314=="'}
    http = InProcessHttp(emulator)
    ok, _ = http.request(
        "https://www.googleapis.com/batch/calendar/v3", "POST", _raw_batch([part] * 1000), headers
    )
    assert ok.status == 200
    assert emulator.counts["calendar.colors.get"] == 1000
    refused, _ = http.request(
        "https://www.googleapis.com/batch/calendar/v3", "POST", _raw_batch([part] * 1001), headers
    )
    assert refused.status == 400


def test_new_batch_helper_uses_the_given_endpoint(cal: Any, emulator: GoogleEmulator) -> None:
    collect = Collector()
    batch = new_batch("calendar", callback=collect)
    batch.add(cal.colors().get(), request_id="colors")
    batch.execute(http=cal._http)
    assert collect.answers["colors"][0]["kind"] == "calendar#colors"


def test_batch_as_the_first_call_refreshes_wired_credentials_in_process(
    emulator: GoogleEmulator,
) -> None:
    # googleapiclient refreshes invalid credentials for a batch on a fresh httplib2.Http(),
    # i.e. over the network; the helpers' credentials keep that refresh in process.
    for credentials in (
        emulator.service_account_credentials(ALICE),
        emulator.user_credentials(ALICE),
    ):
        assert not credentials.valid
        cal = calendar_service(authorized_http(emulator, credentials))
        collect = Collector()
        batch = cal.new_batch_http_request(callback=collect)
        batch.add(cal.calendars().get(calendarId="primary"), request_id="cal")
        batch.execute()
        assert collect.answers["cal"][0]["id"] == ALICE
        assert credentials.valid
    assert emulator.counts["oauth2.token"] == 2
