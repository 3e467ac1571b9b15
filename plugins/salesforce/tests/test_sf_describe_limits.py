"""Describe (with field-level security), limits, and the API usage header."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sf_helpers import Person, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceRefusedRequest
from simple_salesforce.util import Usage

from calsync_salesforce.emulator import SALESFORCE_TIME_ZONES, SalesforceEmulator


def fields_of(sf: Salesforce, sobject: str) -> dict[str, dict[str, object]]:
    return {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}


def test_describe_global(sf: Salesforce, emulator: SalesforceEmulator) -> None:
    described = sf.describe()
    assert described["encoding"] == "UTF-8"
    assert described["maxBatchSize"] == 200
    by_name = {o["name"]: o for o in described["sobjects"]}
    assert by_name["Event"]["keyPrefix"] == "00U"
    assert by_name["EventWhoRelation"]["createable"] is False
    emulator.org.configure(shared_activities=False)
    assert "EventWhoRelation" not in {o["name"] for o in sf.describe()["sobjects"]}


def test_event_describe(sf: Salesforce) -> None:
    fields = fields_of(sf, "Event")
    assert fields["WhoId"]["referenceTo"] == ["Contact", "Lead"]
    assert fields["WhoId"]["relationshipName"] == "Who"
    assert fields["IsRecurrence"]["createable"] is True
    assert fields["IsRecurrence"]["updateable"] is False
    assert fields["Recurrence2PatternText"]["length"] == 512
    assert fields["Calsync_Ref__c"]["externalId"] is True
    assert fields["Calsync_Ref__c"]["custom"] is True
    assert fields["IsChild"]["createable"] is False
    assert [p["value"] for p in fields["ShowAs"]["picklistValues"]] == [
        "Busy",
        "OutOfOffice",
        "Free",
    ]
    zones = fields["RecurrenceTimeZoneSidKey"]["picklistValues"]
    assert [p["value"] for p in zones] == list(SALESFORCE_TIME_ZONES)
    assert len(zones) == 424
    berlin = next(p for p in zones if p["value"] == "Europe/Berlin")
    assert berlin["label"] == "(GMT+01:00) Berlin (Europe/Berlin)"


def test_user_time_zone_picklist(sf: Salesforce) -> None:
    zones = [p["value"] for p in fields_of(sf, "User")["TimeZoneSidKey"]["picklistValues"]]
    assert len(zones) == 424
    assert "Asia/Kolkata" in zones
    assert "America/Havana" not in zones
    assert fields_of(sf, "User")["TimeZoneSidKey"]["restrictedPicklist"] is True


def test_field_level_security(
    emulator: SalesforceEmulator, make_user: Callable[..., Person], ann: Person
) -> None:
    emulator.org.deny_field("Integration", "Event.WhoId", read=True)
    emulator.org.deny_field("Integration", "Description")  # no access at all
    sync = make_user("sync@acme.test", profile="Integration")
    fields = fields_of(sync.sf, "Event")
    assert "Description" not in fields
    assert fields["WhoId"]["createable"] is False
    assert fields["WhoId"]["updateable"] is False
    assert fields_of(ann.sf, "Event")["WhoId"]["createable"] is True  # other profiles unaffected

    contact = emulator.org.add_contact("a@client.test")
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sync.sf.Event.create(timed(WhoId=contact))
    assert raised.value.content == [
        {
            "message": "Event: bad field names on insert/update call: WhoId",
            "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
            "fields": ["WhoId"],
        }
    ]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sync.sf.Event.create(timed(Description="secret"))
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sync.sf.query("SELECT Description FROM Event")
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"
    event_id = ann.sf.Event.create(timed(WhoId=contact, Description="d"))["id"]
    seen = sync.sf.Event.get(event_id)
    assert "Description" not in seen
    assert seen["WhoId"] == contact
    emulator.org.allow_field("Integration", "Event.WhoId")
    assert sync.sf.Event.update(event_id, {"WhoId": None}) == 204


def test_limits_and_usage_header(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    limits = sf.limits()
    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 14999}
    assert sf.api_usage == {"api-usage": Usage(used=1, total=15000)}
    sf.query("SELECT Id FROM Event")
    assert sf.api_usage["api-usage"] == Usage(used=2, total=15000)
    assert sf.limits()["DailyApiRequests"]["Remaining"] == 14997
    event = sf.Event  # SFType keeps its own api_usage
    event.create(timed())
    assert event.api_usage["api-usage"] == Usage(used=4, total=15000)


def test_daily_limit_is_enforced_and_rolls(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.org.configure(daily_api_requests=100)
    emulator.org.use_api_requests(99)
    sf.Event.create(timed())  # the 100th request of the day
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.Event.create(timed())
    assert raised.value.status == 403
    assert raised.value.content == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert len(emulator.org.events()) == 1
    emulator.clock.advance(timedelta(hours=24, seconds=1))  # type: ignore[attr-defined]
    assert sf.Event.create(timed())["success"]
    assert emulator.org.snapshot()["api_requests_used"] == 1
