"""Unit tests of what needs no org: slots, cursors, refusals, wire values, sign-in flows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from calsync.config.secrets import Secret
from calsync.errors import CursorExpiredError, InvalidReplyError
from calsync_salesforce import connection
from calsync_salesforce.cursor import CLOCK_SKEW, OVERLAP, Cursor, seen_key
from calsync_salesforce.failures import failure_of
from calsync_salesforce.settings import SalesforceSettings
from calsync_salesforce.slots import assign, nearest_free
from calsync_salesforce.wire import (
    format_instant,
    in_chunks,
    parse_date,
    parse_instant,
    soql_string,
)

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


# -- slots -----------------------------------------------------------------------------------


def test_slots_follow_creation_order() -> None:
    slots = [NOW + timedelta(days=7 * n) for n in range(5)]
    records = [
        ("a", slots[0]),
        ("b", slots[1] + timedelta(days=1)),
        ("d", slots[3]),
        ("e", slots[4]),
    ]
    assigned = assign(slots, records)
    assert assigned == {"a": slots[0], "b": slots[1], "d": slots[3], "e": slots[4]}
    assert nearest_free(slots[2] + timedelta(hours=1), [slots[2], slots[4]]) == slots[2]
    assert nearest_free(NOW, []) is None
    assert assign(slots[:1], [("a", slots[0]), ("b", slots[0])]) == {"a": slots[0]}


# -- cursors -----------------------------------------------------------------------------------


def test_cursors_round_trip_and_forget_old_digests() -> None:
    stamp = "2026-03-02T09:00:00.000+0000"
    cursor = Cursor(mark=None, issued=NOW).advanced([("00U1", stamp)], NOW)
    again = Cursor.decode(cursor.encode(), NOW)
    assert again == cursor and again.since == parse_instant(stamp) - OVERLAP
    assert seen_key("00U1", stamp) in again.seen
    later = again.advanced([("00U2", "2026-03-02T10:00:00.000+0000")], NOW)
    assert seen_key("00U1", stamp) not in later.seen


def test_an_idle_cursor_moves_up_to_what_the_pull_has_covered() -> None:
    stamp = "2026-03-02T09:00:00.000+0000"
    cursor = Cursor(mark=None, issued=NOW).advanced([("00U1", stamp)], NOW)
    hour_later = NOW + timedelta(hours=1)
    idle = cursor.advanced([], hour_later)
    assert idle.since == hour_later - OVERLAP - CLOCK_SKEW - OVERLAP
    # A record stamped just before the pull, but by a clock CLOCK_SKEW behind ours, is read again.
    assert idle.since < hour_later - CLOCK_SKEW
    assert Cursor(mark=None, issued=NOW).advanced([], NOW).mark == NOW - OVERLAP - CLOCK_SKEW


@pytest.mark.parametrize("text", ["", "x", "eyJ2IjoyfQ==", "eyJ2IjoxfQ=="])
def test_foreign_cursors_are_expired(text: str) -> None:
    with pytest.raises(CursorExpiredError):
        Cursor.decode(text, NOW)


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "code", "field"),
    [
        (
            {
                "statusCode": "INVALID_FIELD",
                "message": "No such column 'WhoId' on sobject of type Event",
            },
            "FIELD_ACCESS_DENIED",
            "WhoId",
        ),
        (
            {
                "statusCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
                "message": "Event: bad field names on insert/update call: Location, Subject",
            },
            "FIELD_ACCESS_DENIED",
            "Location",
        ),
        (
            {"statusCode": "FIELD_INTEGRITY_EXCEPTION", "message": "x", "fields": ["EventWhoIds"]},
            "CRM_VALIDATION_FAILED",
            None,
        ),
        (
            {"statusCode": "FIELD_INTEGRITY_EXCEPTION", "message": "x", "fields": ["IsRecurrence"]},
            "INTERNAL_ERROR",
            None,
        ),
        (
            {
                "statusCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "message": "Show Time As: bad value",
                "fields": ["ShowAs"],
            },
            "INTERNAL_ERROR",
            None,
        ),
        ({"statusCode": "UNKNOWN_EXCEPTION", "message": "boom"}, "INTERNAL_ERROR", None),
        ("not an error", "INTERNAL_ERROR", None),
    ],
)
def test_record_refusals(error: object, code: str, field: str | None) -> None:
    failure = failure_of([error])
    assert (failure.code, failure.field) == (code, field)


# -- wire values -------------------------------------------------------------------------------


def test_wire_values() -> None:
    assert parse_instant("2026-03-02T09:00:00.000+0000") == NOW
    assert parse_instant("2026-03-02T10:00:00+01:00") == NOW
    assert parse_instant("2026-03-02T09:00:00Z") == NOW
    assert parse_date("2026-03-02") == date(2026, 3, 2)
    assert format_instant(NOW) == "2026-03-02T09:00:00.000Z"
    assert soql_string("O'Brien\\") == "'O\\'Brien\\\\'"
    for bad in (None, "soon", 3):
        with pytest.raises(InvalidReplyError):
            parse_instant(bad)
    with pytest.raises(InvalidReplyError):
        parse_date("2026-13-40")
    assert [len(c) for c in in_chunks(["a"] * 3 + [f"x{n}" for n in range(1000)])] == [500, 500, 1]


# -- sign-in flows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            SalesforceSettings(
                instance_url="https://acme.my.salesforce.com", session_id=Secret(env="T")
            ),
            {"instance_url": "https://acme.my.salesforce.com", "session_id": "secret"},
        ),
        (
            SalesforceSettings(
                username="u@acme", consumer_key="ck", private_key=Secret(env="T"), domain="test"
            ),
            {
                "username": "u@acme",
                "consumer_key": "ck",
                "privatekey": "secret",
                "instance_url": None,
                "domain": "test",
            },
        ),
        (
            SalesforceSettings(
                username="u@acme",
                password=Secret(env="T"),
                consumer_key="ck",
                consumer_secret=Secret(env="T"),
            ),
            {
                "username": "u@acme",
                "password": "secret",
                "consumer_key": "ck",
                "consumer_secret": "secret",
                "domain": "login",
            },
        ),
        (
            SalesforceSettings(
                username="u@acme", password=Secret(env="T"), security_token=Secret(env="T")
            ),
            {
                "username": "u@acme",
                "password": "secret",
                "security_token": "secret",
                "domain": "login",
            },
        ),
        (
            SalesforceSettings(
                consumer_key="ck", consumer_secret=Secret(env="T"), domain="acme.my"
            ),
            {"consumer_key": "ck", "consumer_secret": "secret", "domain": "acme.my"},
        ),
    ],
)
def test_sign_in_flows(
    settings: SalesforceSettings, expected: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    class FakeSalesforce:
        def __init__(self, **kwargs: Any) -> None:
            seen.update(kwargs)

    monkeypatch.setattr(connection, "Salesforce", FakeSalesforce)
    factory = connection.client_factory(settings)
    assert seen == {}  # nothing is read or signed in before the first call
    monkeypatch.setenv("T", "secret")
    factory()
    session = seen.pop("session")
    assert seen == {"version": "59.0", **expected}
    assert session.adapters["https://"].__class__.__name__ == "HTTPAdapter"


def test_forward_to_mounts_a_forwarding_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(connection, "Salesforce", lambda **kwargs: seen.update(kwargs))
    monkeypatch.setenv("T", "s")
    settings = SalesforceSettings(
        instance_url="https://acme.my.salesforce.com",
        session_id=Secret(env="T"),
        forward_to="http://127.0.0.1:1",
    )
    connection.client_factory(settings)()
    assert seen["session"].adapters["https://"].__class__.__name__ == "ForwardingAdapter"
