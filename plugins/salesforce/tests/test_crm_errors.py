"""Refusals per record (ItemFailure) and failures of whole calls (calsync errors)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from sfp_support import T0, live_events, stored, timed, weekly

from calsync.emulation import FaultKind
from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.model import CrmLinks
from calsync.providers import Write
from calsync_salesforce.harness import ALIASES, SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm

# -- per record ------------------------------------------------------------------------------


def test_field_level_security_names_the_field(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    contact = harness.add_contact("carl@client.test")
    harness.deny_field("links")
    results = crm.write(
        [
            Write.create(timed(owner=owner, links=CrmLinks(who_ids=(contact,)))),
            Write.create(timed(owner=owner, subject="No links, no problem")),
        ]
    )
    failure = results[0].failure
    assert failure is not None and failure.code == "FIELD_ACCESS_DENIED"
    assert failure.field == "WhoId"
    assert failure.message.startswith("Event: bad field names on insert/update call: WhoId")
    assert results[1].ok
    assert [e["Subject"] for e in live_events(harness)] == ["No links, no problem"]


def test_attendee_copies_are_only_edited_by_the_organizer(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    bob = harness.add_user("bob@acme.test")
    harness.seed(owner, timed(subject="Meeting"), invitees=(bob,))
    [copy] = harness.items(bob)
    assert copy.attendee_copy and copy.ref is not None
    [result] = crm.write(
        [Write.update(copy.ref.id, copy.evolve(subject="Mine now"), frozenset({"subject"}))]
    )
    assert result.failure is not None and result.failure.code == "ORGANIZER_ONLY_EDIT"
    assert stored(harness, copy.ref.id)["Subject"] == "Meeting"


def test_validation_rules_carry_their_message(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.add_validation_rule(
        message="Secret meetings stay out of the CRM", subject_contains="secret"
    )
    [result] = crm.write([Write.create(timed(owner=owner, subject="Top SECRET"))])
    assert result.failure is not None
    assert (result.failure.code, result.failure.message) == (
        "CRM_VALIDATION_FAILED",
        "Secret meetings stay out of the CRM",
    )


def test_unlisted_series_zones(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    [result] = crm.write([Write.create(weekly(zone="Asia/Tehran", owner=owner))])
    assert result.failure is not None and result.failure.code == "UNSUPPORTED_TIME_ZONE"


def test_series_when_recurring_events_are_off(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.configure(recurring_events=False)
    [result] = crm.write([Write.create(weekly(owner=owner))])
    assert result.failure is not None and result.failure.code == "RECURRING_SYNC_DISABLED"


def test_too_long_events(harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str) -> None:
    long_series = weekly(owner=owner).evolve(end=weekly().start + timedelta(hours=25))
    results = crm.write(
        [Write.create(timed(owner=owner, minutes=15 * 1440)), Write.create(long_series)]
    )
    assert [r.failure.code for r in results if r.failure] == ["UNSUPPORTED_ITEM_KIND"] * 2


def test_a_locked_row_fails_one_record_and_is_retried(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.inject(FaultKind.PARTIAL_FAILURE, endpoint="composite.sobjects.upsert", detail="1")
    items = [timed(owner=owner, subject=f"E{n}", counterpart_id=f"m{n}") for n in range(3)]
    results = crm.write([Write.create(i) for i in items])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].failure is not None and results[1].failure.code == "INTERNAL_ERROR"
    assert "UNABLE_TO_LOCK_ROW" in results[1].failure.message
    assert sorted(e["Subject"] for e in live_events(harness)) == ["E0", "E2"]
    assert crm.write([Write.create(items[1])])[0].ok


def test_other_refusals_keep_their_message(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    [result] = crm.write([Write.update("00U5g0000000999EAA", timed(), frozenset({"subject"}))])
    assert result.failure is not None and result.failure.code == "INTERNAL_ERROR"
    assert result.failure.message.startswith("INVALID_CROSS_REFERENCE_KEY")


# -- whole calls -----------------------------------------------------------------------------


def test_an_expired_session_is_an_auth_error(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.inject(FaultKind.AUTH_EXPIRED, times=2)
    with pytest.raises(AuthError):
        crm.pull(None, owner=owner)


def test_one_refused_session_signs_in_again(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.inject(FaultKind.AUTH_EXPIRED)
    assert crm.pull(None, owner=owner).full


def test_revoked_and_restored_credentials(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    crm.features()
    harness.revoke_credentials()
    with pytest.raises(AuthError):
        crm.write([Write.create(timed(owner=owner))])
    harness.restore_credentials()
    assert crm.write([Write.create(timed(owner=owner))])[0].ok


def test_request_limit_is_throttling_with_retry_after(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.inject(FaultKind.THROTTLE, retry_after=42)
    with pytest.raises(ThrottledError) as raised:
        crm.users(["olga@acme.test"])
    assert raised.value.retry_after == 42


def test_the_daily_allocation_running_out_is_throttling(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.org.use_api_requests(harness.org.settings.daily_api_requests)
    with pytest.raises(ThrottledError) as raised:
        crm.match_people(["a@b.test"])
    assert raised.value.retry_after is None


@pytest.mark.parametrize("detail", ["", "503"])
def test_server_errors_are_unavailability(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, detail: str
) -> None:
    harness.inject(FaultKind.SERVER_ERROR, detail=detail)
    with pytest.raises(ServiceUnavailableError):
        crm.fetch(["00U5g0000000999EAA"])


def test_timeouts_are_unavailability(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    crm.features()
    harness.inject(FaultKind.TIMEOUT, endpoint="composite.sobjects.upsert")
    with pytest.raises(ServiceUnavailableError):
        crm.write([Write.create(timed(owner=owner, counterpart_id="x"))])


def test_garbage_is_an_invalid_reply(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.inject(FaultKind.MALFORMED)
    with pytest.raises(InvalidReplyError):
        crm.features()


def test_json_of_the_wrong_shape_is_an_invalid_reply(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    crm.features()
    client = crm.connection._client
    assert client is not None
    real = requests.Session.request

    def shapeless(
        self: requests.Session, method: str, url: str, **kwargs: Any
    ) -> requests.Response:
        response = real(self, method, url, **kwargs)
        if "composite/sobjects" in url and method == "POST":
            response._content = b'{"not": "a list"}'
        return response

    monkeypatch.setattr(requests.Session, "request", shapeless)
    with pytest.raises(InvalidReplyError):
        crm.write([Write.create(timed(owner=owner))])


@pytest.mark.parametrize("status", [404, 403, 400])
def test_a_web_page_refusing_is_an_invalid_reply_not_an_internal_error(
    harness: SalesforceCrmHarness,
    crm: SalesforceCrm,
    owner: str,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
) -> None:
    """A wrong instance_url or a proxy answers a web page: named, never an INTERNAL_ERROR."""
    real = requests.Session.request

    def page(self: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
        response = real(self, method, url, **kwargs)
        response.status_code = status
        response.headers["Content-Type"] = "text/html"
        response._content = b"<html><head><title>Not Found</title></head><body>x</body></html>"
        return response

    monkeypatch.setattr(requests.Session, "request", page)
    with pytest.raises(InvalidReplyError) as raised:
        crm.features()
    assert str(raised.value).startswith(
        f"Salesforce answered something that is not its REST API's: HTTP {status} Not Found;"
    )
    assert "<html" not in str(raised.value)


def test_connection_errors_are_unavailability(owner: str) -> None:
    from simple_salesforce.api import Salesforce

    def unreachable() -> Salesforce:
        return Salesforce(
            instance_url="https://127.0.0.1:9", session_id="x", session=requests.Session()
        )

    crm = SalesforceCrm(unreachable, timeout=2)
    with pytest.raises(ServiceUnavailableError):
        crm.users(["a@b.test"])


def test_an_expired_query_locator_expires_the_cursor_while_reading_changes(
    harness: SalesforceCrmHarness, owner: str
) -> None:
    crm = SalesforceCrm(harness.client, clock=harness.emulator.clock.now, query_batch_size=200)
    for n in range(250):
        harness.org.insert_event(
            {"Subject": f"E{n}", "StartDateTime": T0, "DurationInMinutes": 30}, owner=owner
        )
    cursor = crm.pull(None, owner=owner).cursor
    harness.emulator.clock.advance(1)  # type: ignore[attr-defined]
    for event in harness.org.events(owner=owner):
        harness.org.update_event(event["Id"], {"Subject": "changed"})
    # The second page of the changes is asked for after the query cursor expired.
    harness.inject(FaultKind.CURSOR_EXPIRED, endpoint="queryMore")
    with pytest.raises(CursorExpiredError):
        crm.pull(cursor, owner=owner)
    harness.inject(FaultKind.CURSOR_EXPIRED, endpoint="queryMore")
    with pytest.raises(ServiceUnavailableError):
        crm.fetch([e["Id"] for e in harness.org.events(owner=owner)])
    assert len(crm.pull(cursor, owner=owner).changed) == 250


def test_other_whole_call_refusals_are_provider_errors(
    harness: SalesforceCrmHarness, owner: str
) -> None:
    crm = SalesforceCrm(harness.client, counterpart_field="Missing__c")
    with pytest.raises(ProviderError):
        crm.reader.query("Missing__c = 'x'")


@pytest.mark.parametrize("name", ["fetch", "find", "write"])
def test_a_fault_armed_on_a_provider_call_name_hits_that_call(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, name: str
) -> None:
    # The suite's names for any provider (CrmHarness.inject), not Salesforce's endpoints.
    [kept] = crm.write([Write.create(timed(owner=owner, subject="Kept", counterpart_id="k"))])
    assert kept.ref is not None
    calls = {
        "fetch": lambda: crm.fetch([kept.ref.id]),  # type: ignore[union-attr]
        "find": lambda: crm.find_by_counterpart(["k"]),
        "write": lambda: crm.write([Write.create(timed(owner=owner, counterpart_id="new"))]),
    }
    harness.inject(FaultKind.THROTTLE, endpoint=name, retry_after=7)
    if name == "write":
        assert calls["fetch"]()  # a read is not a write: answered
    with pytest.raises(ThrottledError) as raised:
        calls[name]()
    assert raised.value.retry_after == 7
    refused = harness.emulator.received[-1]  # the org's side: which request was refused
    assert harness.emulator.endpoint_of(refused) in ALIASES[name]
    assert not harness.emulator.faults.armed
    assert sorted(e["Subject"] for e in live_events(harness)) == ["Kept"]
    calls[name]()  # used up by that one request
