"""sObject Collections through ``sf.restful`` (simple-salesforce has no helper for them)."""

from __future__ import annotations

import pytest
from sf_helpers import timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from calsync_salesforce.emulator import SalesforceEmulator


def typed(body: dict[str, object]) -> dict[str, object]:
    return {"attributes": {"type": "Event"}, **body}


def test_create_with_a_failing_record(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    body = {
        "allOrNone": False,
        "records": [
            typed(timed(Subject="C1")),
            typed(timed(Bogus__c=1)),
            typed(timed(Subject="C3")),
        ],
    }
    results = sf.restful("composite/sobjects", method="POST", json=body)
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "INVALID_FIELD",
                "message": "No such column 'Bogus__c' on sobject of type Event",
                "fields": [],
            }
        ],
    }
    assert results[0]["errors"] == []
    assert [e["Subject"] for e in emulator.org.events()] == ["C1", "C3"]
    assert [e["Id"] for e in emulator.org.events()] == [results[0]["id"], results[2]["id"]]
    assert emulator.counts == {"composite.sobjects.create": 1}


def test_all_or_none_rolls_everything_back(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    body = {
        "allOrNone": True,
        "records": [typed(timed(Subject="C1")), typed(timed(DurationInMinutes=-5))],
    }
    results = sf.restful("composite/sobjects", method="POST", json=body)
    assert results[0] == {
        "success": False,
        "errors": [
            {
                "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "message": "Record rolled back because not all records were valid and the request "
                "was using AllOrNone header",
                "fields": [],
            }
        ],
    }
    assert results[1]["errors"][0]["statusCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert emulator.org.events(include_deleted=True) == []
    assert emulator.org.relations("x") == []


def test_all_or_none_rolls_back_updates_and_side_effects(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    contact = emulator.org.add_contact("a@client.test")
    event_id = sf.Event.create(timed(Subject="Before"))["id"]
    body = {
        "allOrNone": True,
        "records": [
            typed({"Id": event_id, "Subject": "After", "WhoId": contact}),
            typed({"Id": event_id[:-3] + "XXX", "Subject": "Nope"}),
        ],
    }
    results = sf.restful("composite/sobjects", method="PATCH", json=body)
    assert results[0]["id"] == event_id
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "MALFORMED_ID"
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert (stored["Subject"], stored["WhoId"]) == ("Before", None)
    assert emulator.org.relations(event_id) == []


def test_update_delete_and_retrieve(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    ids = [sf.Event.create(timed(Subject=f"E{n}"))["id"] for n in range(3)]
    updates = {"records": [typed({"Id": ids[0], "Subject": "U0"}), typed({"Subject": "no id"})]}
    results = sf.restful("composite/sobjects", method="PATCH", json=updates)
    assert results[0] == {"id": ids[0], "success": True, "errors": []}
    assert results[1]["errors"][0] == {
        "statusCode": "MISSING_ARGUMENT",
        "message": "Id not specified in an update call",
        "fields": [],
    }

    got = sf.restful(
        "composite/sobjects/Event",
        params={"ids": f"{ids[0]},{ids[1]},00U5g00000ZZZZZ", "fields": "Subject,StartDateTime"},
    )
    assert got[0] == {
        "attributes": {"type": "Event", "url": f"/services/data/v59.0/sobjects/Event/{ids[0]}"},
        "Subject": "U0",
        "StartDateTime": "2026-03-03T09:00:00.000+0000",
    }
    assert got[2] is None

    deleted = sf.restful(
        "composite/sobjects",
        method="DELETE",
        params={"ids": f"{ids[1]},{ids[1]},garbage", "allOrNone": "false"},
    )
    assert deleted[0] == {"id": ids[1], "success": True, "errors": []}
    assert deleted[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"
    assert deleted[2]["errors"][0]["statusCode"] == "MALFORMED_ID"
    assert emulator.org.deleted_ids("Event") == [ids[1]]


def test_upsert_collection(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    sf.Event.create(timed(Subject="old", Calsync_Ref__c="a"))
    body = {
        "records": [
            typed({"Calsync_Ref__c": "a", "Subject": "new"}),
            typed(timed(Calsync_Ref__c="b")),
        ]
    }
    results = sf.restful("composite/sobjects/Event/Calsync_Ref__c", method="PATCH", json=body)
    assert [(r["success"], r["created"]) for r in results] == [(True, False), (True, True)]
    assert sorted((e["Calsync_Ref__c"], e["Subject"]) for e in emulator.org.events()) == [
        ("a", "new"),
        ("b", "Meeting"),
    ]


def test_more_than_200_records_are_refused(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    body = {"records": [typed(timed()) for _ in range(201)]}
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.restful("composite/sobjects", method="POST", json=body)
    assert raised.value.content == [
        {
            "message": "record limit reached. cannot submit more than 200 records into this call",
            "errorCode": "EXCEEDED_ID_LIMIT",
        }
    ]
    assert emulator.org.events() == []
    ok = sf.restful("composite/sobjects", method="POST", json={"records": body["records"][:200]})
    assert len(ok) == 200
    assert len(emulator.org.events()) == 200


def test_records_need_a_type(sf: Salesforce) -> None:
    results = sf.restful("composite/sobjects", method="POST", json={"records": [timed()]})
    assert results[0]["errors"][0] == {
        "statusCode": "INVALID_TYPE",
        "message": "Must send a concrete entity type.",
        "fields": [],
    }
