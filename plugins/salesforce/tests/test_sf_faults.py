"""Every FaultKind, as simple-salesforce sees it; sessions that expire for real."""

from __future__ import annotations

import pytest
import requests
from sf_helpers import Person, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from calsync.emulation import Fault, FaultKind
from calsync_salesforce.emulator import SalesforceEmulator, connect


def test_auth_expired(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.faults.inject(FaultKind.AUTH_EXPIRED)
    with pytest.raises(SalesforceExpiredSession) as raised:
        sf.query("SELECT Id FROM Event")
    assert raised.value.status == 401
    assert raised.value.content == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]
    assert sf.query("SELECT Id FROM Event")["totalSize"] == 0  # only one request was hit


def test_unknown_and_expired_sessions(emulator: SalesforceEmulator, ann: Person) -> None:
    stranger = connect(emulator, "00D-not-a-session")
    with pytest.raises(SalesforceExpiredSession):
        stranger.Event.create(timed())
    emulator.org.expire_session(ann.session)
    with pytest.raises(SalesforceExpiredSession) as raised:
        ann.sf.Event.create(timed())
    assert raised.value.content[0]["errorCode"] == "INVALID_SESSION_ID"
    assert emulator.org.events() == []


def test_throttle(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.faults.arm(Fault(kind=FaultKind.THROTTLE, endpoint="sobjects.create", retry_after=30))
    sf.query("SELECT Id FROM Event")  # another endpoint: not throttled
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.Event.create(timed())
    assert raised.value.status == 403
    assert raised.value.content == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    response = sf.session.get(f"{sf.base_url}limits/", headers=sf.headers)
    assert response.status_code == 200
    emulator.faults.inject(FaultKind.THROTTLE, retry_after=30)
    throttled = sf.session.get(f"{sf.base_url}limits/", headers=sf.headers)
    assert throttled.headers["Retry-After"] == "30"
    assert throttled.headers["Sforce-Limit-Info"].startswith("api-usage=")


@pytest.mark.parametrize(
    ("detail", "status", "code"),
    [("", 500, "UNKNOWN_EXCEPTION"), ("503", 503, "SERVER_UNAVAILABLE")],
)
def test_server_error(
    emulator: SalesforceEmulator, sf: Salesforce, detail: str, status: int, code: str
) -> None:
    emulator.faults.inject(FaultKind.SERVER_ERROR, detail=detail)
    with pytest.raises(SalesforceGeneralError) as raised:
        sf.Event.create(timed())
    assert raised.value.status == status
    assert raised.value.content[0]["errorCode"] == code
    assert emulator.org.events() == []


def test_timeout(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.faults.inject(FaultKind.TIMEOUT, endpoint="query")
    with pytest.raises(requests.exceptions.Timeout):
        sf.query("SELECT Id FROM Event")


def test_malformed_body(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.faults.inject(FaultKind.MALFORMED)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        sf.query("SELECT Id FROM Event")


def test_cursor_expired(emulator: SalesforceEmulator, sf: Salesforce, ann: Person) -> None:
    for n in range(250):
        emulator.org.insert_event(timed(Subject=f"E{n}"), owner=ann.id)
    first = sf.query("SELECT Id FROM Event", headers={"Sforce-Query-Options": "batchSize=200"})
    emulator.faults.inject(FaultKind.CURSOR_EXPIRED, endpoint="queryMore")
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert raised.value.content == [
        {"message": "invalid query locator", "errorCode": "INVALID_QUERY_LOCATOR"}
    ]
    with pytest.raises(SalesforceMalformedRequest):  # the cursor is really gone
        sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)


def test_partial_failure_in_a_collection(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.faults.inject(
        FaultKind.PARTIAL_FAILURE, endpoint="composite.sobjects.create", detail="1"
    )
    records = [{"attributes": {"type": "Event"}, **timed(Subject=f"C{n}")} for n in range(3)]
    results = sf.restful("composite/sobjects", method="POST", json={"records": records})
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"
    assert [e["Subject"] for e in emulator.org.events()] == ["C0", "C2"]
    emulator.faults.inject(FaultKind.PARTIAL_FAILURE)
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed())
    assert raised.value.content[0]["errorCode"] == "UNABLE_TO_LOCK_ROW"
    assert len(emulator.org.events()) == 2


def test_faults_are_counted_but_do_not_use_the_allocation(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    emulator.faults.inject(FaultKind.SERVER_ERROR)
    with pytest.raises(SalesforceGeneralError):
        sf.query("SELECT Id FROM Event")
    assert emulator.counts == {"query": 1}
    assert sf.limits()["DailyApiRequests"]["Remaining"] == 14999
