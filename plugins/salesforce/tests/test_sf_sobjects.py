"""sObject Rows through simple-salesforce: create, get, update, delete, upsert, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sf_helpers import Person, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)

from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.emulator.ids import normalize_id


def test_create_get_update_delete_round_trip(
    emulator: SalesforceEmulator, sf: Salesforce, ann: Person
) -> None:
    created = sf.Event.create(timed(Location="Room 1"))
    assert created["success"] is True
    assert created["errors"] == []
    event_id = created["id"]
    assert event_id.startswith("00U")
    assert len(event_id) == 18
    assert normalize_id(event_id) == event_id

    got = sf.Event.get(event_id)
    assert got["attributes"] == {
        "type": "Event",
        "url": f"/services/data/v59.0/sobjects/Event/{event_id}",
    }
    assert got["StartDateTime"] == "2026-03-03T09:00:00.000+0000"
    assert got["EndDateTime"] == "2026-03-03T10:00:00.000+0000"
    assert got["OwnerId"] == ann.id
    assert got["CreatedById"] == ann.id
    assert got["CreatedDate"] == "2026-03-02T09:00:00.000+0000"

    emulator.clock.advance(60)  # type: ignore[attr-defined]
    assert sf.Event.update(event_id, {"Subject": "Renamed"}) == 204
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["Subject"] == "Renamed"
    assert stored["Location"] == "Room 1"
    assert stored["SystemModstamp"] == datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
    assert stored["CreatedDate"] == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    assert sf.Event.delete(event_id) == 204
    assert emulator.org.event(event_id)["IsDeleted"] is True  # type: ignore[index]
    assert emulator.counts == {
        "sobjects.create": 1,
        "sobjects.get": 1,
        "sobjects.update": 1,
        "sobjects.delete": 1,
    }


def test_fifteen_character_ids_are_accepted(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    event_id = sf.Event.create(timed())["id"]
    assert sf.Event.get(event_id[:15])["Id"] == event_id


def test_unknown_field_on_create_and_update(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(Colour__c="red"))
    assert raised.value.status == 400
    assert raised.value.content == [
        {
            "message": "No such column 'Colour__c' on sobject of type Event",
            "errorCode": "INVALID_FIELD",
            "fields": [],
        }
    ]
    event_id = sf.Event.create(timed())["id"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.update(event_id, {"Bogus": 1})
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_field_names_are_case_insensitive_in_bodies(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    event_id = sf.Event.create(
        {"subject": "lower", "startdatetime": "2026-03-03T09:00:00Z", "DURATIONINMINUTES": 5}
    )["id"]
    assert emulator.org.event(event_id)["Subject"] == "lower"  # type: ignore[index]


def test_read_only_fields_are_refused(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(IsChild=True, CreatedDate="2026-01-01T00:00:00Z"))
    error = raised.value.content[0]
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert error["fields"] == ["IsChild", "CreatedDate"]
    assert "bad field names on insert/update call: IsChild, CreatedDate" in error["message"]


def test_required_fields(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Contact.create({"Email": "x@y.test"})
    assert raised.value.content == [
        {
            "message": "Required fields are missing: [LastName]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["LastName"],
        }
    ]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Lead.create({"Email": "x@y.test"})
    assert raised.value.content[0]["fields"] == ["LastName", "Company"]
    contact_id = sf.Contact.create({"LastName": "Doe"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Contact.update(contact_id, {"LastName": None})
    assert raised.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_values_of_the_wrong_type(sf: Salesforce) -> None:
    for body, code in (
        (timed(DurationInMinutes="soon"), "JSON_PARSER_ERROR"),
        (timed(StartDateTime="next tuesday"), "JSON_PARSER_ERROR"),
        (timed(IsPrivate="maybe"), "JSON_PARSER_ERROR"),
        (timed(Subject="x" * 256), "STRING_TOO_LONG"),
        (timed(ShowAs="Sleeping"), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    ):
        with pytest.raises(SalesforceMalformedRequest) as raised:
            sf.Event.create(body)
        assert raised.value.content[0]["errorCode"] == code, body


def test_reference_values_are_checked(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    account = emulator.org.add_account("Acme")
    contact = emulator.org.add_contact("c@acme.test")
    cases = (
        ({"WhoId": "not-an-id"}, "MALFORMED_ID"),
        ({"WhoId": account}, "FIELD_INTEGRITY_EXCEPTION"),
        ({"WhatId": contact}, "FIELD_INTEGRITY_EXCEPTION"),
        ({"WhoId": contact[:3] + "5g00ZZZZZZZZ"}, "INVALID_CROSS_REFERENCE_KEY"),
    )
    for fields, code in cases:
        with pytest.raises(SalesforceMalformedRequest) as raised:
            sf.Event.create(timed(**fields))
        assert raised.value.content[0]["errorCode"] == code, fields
    emulator.org.delete_record("Contact", contact)
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(WhoId=contact))
    assert raised.value.content[0] == {
        "message": "entity is deleted",
        "errorCode": "ENTITY_IS_DELETED",
        "fields": ["WhoId"],
    }


def test_bad_and_unknown_ids(sf: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Event.get("garbage")
    assert raised.value.content == [
        {
            "errorCode": "NOT_FOUND",
            "message": "Provided external ID field does not exist or is not accessible: garbage",
        }
    ]
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Event.get("00U5g00000ZZZZZ")
    assert raised.value.content == [
        {"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}
    ]
    with pytest.raises(SalesforceResourceNotFound):
        sf.Event.update("00U5g00000ZZZZZ", {"Subject": "x"})


def test_deleted_records(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    event_id = sf.Event.create(timed())["id"]
    sf.Event.delete(event_id)
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Event.get(event_id)
    assert raised.value.content[0]["errorCode"] == "NOT_FOUND"
    for call in (
        lambda: sf.Event.update(event_id, {"Subject": "x"}),
        lambda: sf.Event.delete(event_id),
    ):
        with pytest.raises(SalesforceResourceNotFound) as raised:
            call()
        assert raised.value.content == [
            {"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}
        ]
    assert emulator.org.deleted_ids("Event") == [event_id]


def test_upsert_by_external_id(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    assert sf.Event.upsert("Calsync_Ref__c/ews-1", timed(Subject="First")) == 201
    [created] = emulator.org.events()
    assert created["Calsync_Ref__c"] == "ews-1"
    assert created["Subject"] == "First"
    assert (
        sf.Event.upsert("Calsync_Ref__c/EWS-1", {"Subject": "Second"}) == 204
    )  # case-insensitive match
    assert [e["Subject"] for e in emulator.org.events()] == ["Second"]
    got = sf.Event.get_by_custom_id("Calsync_Ref__c", "ews-1")
    assert got["Id"] == created["Id"]
    assert sf.Event.upsert("Calsync_Ref__c/with space+plus%2B", timed()) == 201
    assert sf.Event.get_by_custom_id("Calsync_Ref__c", "with space plus+")["Subject"] == "Meeting"
    raw = sf.Event.upsert("Calsync_Ref__c/ews-2", timed(), raw_response=True)
    assert raw.status_code == 201
    assert raw.json()["created"] is True
    assert emulator.counts["sobjects.upsert"] == 4


def test_upsert_refusals(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Event.upsert("Subject/x", timed())
    assert (
        raised.value.content[0]["message"]
        == "Provided external ID field does not exist or is not accessible: Subject"
    )
    sf.Event.create(timed(Calsync_Ref__c="dup"))
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(Calsync_Ref__c="DUP"))
    error = raised.value.content[0]
    assert error["errorCode"] == "DUPLICATE_VALUE"
    assert error["fields"] == ["Calsync_Ref__c"]


def test_upsert_matching_several_records_answers_300(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    emulator.org.declare_field("Event", "Legacy_Key__c", external_id=True)
    first = sf.Event.create(timed(Legacy_Key__c="k"))["id"]
    second = sf.Event.create(timed(Legacy_Key__c="k"))["id"]
    with pytest.raises(SalesforceMoreThanOneRecord) as raised:
        sf.Event.upsert("Legacy_Key__c/k", {"Subject": "x"})
    assert raised.value.status == 300
    assert raised.value.content == [
        f"/services/data/v59.0/sobjects/Event/{i}" for i in (first, second)
    ]


def test_validation_rules(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.org.add_validation_rule(
        "Event",
        "NoSecrets",
        "Subject LIKE '%secret%'",
        "Secret meetings are not allowed",
        error_field="Subject",
    )
    emulator.org.add_validation_rule(
        "Event",
        "NeedsLocation",
        lambda e: e.get("Type") == "Meeting" and not e.get("Location"),
        "Meetings need a room",
    )
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(Subject="Top SECRET plan"))
    assert raised.value.content == [
        {
            "message": "Secret meetings are not allowed",
            "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "fields": ["Subject"],
        }
    ]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(Type="Meeting"))
    assert raised.value.content[0]["message"] == "Meetings need a room"
    event_id = sf.Event.create(timed(Type="Meeting", Location="A"))["id"]
    with pytest.raises(SalesforceMalformedRequest):
        sf.Event.update(event_id, {"Location": None})
    assert emulator.org.event(event_id)["Location"] == "A"  # type: ignore[index]
    emulator.org.remove_validation_rule("NeedsLocation")
    assert sf.Event.update(event_id, {"Location": None}) == 204


def test_other_objects_and_user_time_zone_picklist(
    emulator: SalesforceEmulator, sf: Salesforce, ann: Person
) -> None:
    account = sf.Account.create({"Name": "Acme"})["id"]
    contact = sf.Contact.create(
        {"FirstName": "Jo", "LastName": "Doe", "AccountId": account, "Email": "jo@acme.test"}
    )["id"]
    assert sf.Contact.get(contact)["Name"] == "Jo Doe"
    opportunity = sf.Opportunity.create(
        {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-06-30"}
    )["id"]
    assert emulator.org.record("Opportunity", opportunity)["OwnerId"] == ann.id  # type: ignore[index]
    assert sf.User.update(ann.id, {"TimeZoneSidKey": "Asia/Kolkata"}) == 204
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.User.update(ann.id, {"TimeZoneSidKey": "Asia/Calcutta"})
    assert raised.value.content == [
        {
            "message": "Time Zone: bad value for restricted picklist field: Asia/Calcutta",
            "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "fields": ["TimeZoneSidKey"],
        }
    ]
    assert emulator.org.record("User", ann.id)["TimeZoneSidKey"] == "Asia/Kolkata"  # type: ignore[index]


def test_unknown_object_and_malformed_json(
    emulator: SalesforceEmulator, sf: Salesforce, ann: Person
) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        sf.Widget__c.create({"Name": "x"})
    response = sf.session.post(
        f"{sf.base_url}sobjects/Event/",
        data="{not json",
        headers={"Authorization": f"Bearer {ann.session}"},
    )
    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    response = sf.session.put(
        f"{sf.base_url}sobjects/Event/", headers={"Authorization": f"Bearer {ann.session}"}
    )
    assert response.status_code == 405
    assert response.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
