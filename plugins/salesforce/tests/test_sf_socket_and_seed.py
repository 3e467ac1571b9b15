"""Socket mode, and the seed / read / reset / snapshot API."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sf_helpers import Person, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession, SalesforceMalformedRequest

from calsync.emulation.server import EmulatorServer
from calsync_salesforce.emulator import SalesforceEmulator, SalesforceError, connect, socket_session


def test_simple_salesforce_through_a_real_socket(emulator: SalesforceEmulator, ann: Person) -> None:
    with EmulatorServer(emulator) as server:
        sf = connect(emulator, ann.session, session=socket_session(server.url))
        created = sf.Event.create(timed(Subject="Over TCP"))
        assert sf.Event.get(created["id"])["Subject"] == "Over TCP"
        for n in range(205):
            emulator.org.insert_event(timed(Subject=f"E{n}"), owner=ann.id)
        everything = sf.query_all(
            "SELECT Id FROM Event", headers={"Sforce-Query-Options": "batchSize=200"}
        )
        assert everything["totalSize"] == 206
        assert sf.Event.update(created["id"], {"Subject": "Renamed"}) == 204
        with pytest.raises(SalesforceMalformedRequest):
            sf.Event.create(timed(Bogus__c=1))
        assert sf.api_usage["api-usage"].used == 4  # parsed from the last Salesforce-level call
    assert emulator.org.event(created["id"])["Subject"] == "Renamed"  # type: ignore[index]
    assert emulator.counts["queryMore"] == 1
    assert emulator.org.snapshot()["api_requests_used"] == 6


def test_insert_event_applies_rules_and_derivations(
    emulator: SalesforceEmulator, ann: Person
) -> None:
    event_id = emulator.org.insert_event(
        {
            "Subject": "Seeded",
            "StartDateTime": datetime(2026, 3, 3, 9, tzinfo=UTC),
            "EndDateTime": "2026-03-03T10:00:00Z",
        },
        owner=ann.id,
    )
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["DurationInMinutes"] == 60
    assert stored["OwnerId"] == ann.id
    with pytest.raises(SalesforceError) as raised:
        emulator.org.insert_event(timed(minutes=30000), owner=ann.id)
    assert raised.value.code == "FIELD_INTEGRITY_EXCEPTION"
    emulator.org.update_event(event_id, {"Location": "Seeded room"})
    assert emulator.org.events(owner=ann.id)[0]["Location"] == "Seeded room"
    with pytest.raises(ValueError, match="owner"):
        emulator.org.insert_event(timed())


def test_inactive_users_cannot_call_or_own(emulator: SalesforceEmulator, ann: Person) -> None:
    bob_id, bob_session = emulator.org.add_user("bob@acme.test", active=False)
    with pytest.raises(SalesforceExpiredSession):
        connect(emulator, bob_session).query("SELECT Id FROM Event")
    with pytest.raises(SalesforceMalformedRequest) as raised:
        ann.sf.Event.create(timed(OwnerId=bob_id))
    assert raised.value.content[0]["errorCode"] == "INACTIVE_OWNER_OR_USER"


def test_snapshot_and_reset(emulator: SalesforceEmulator, sf: Salesforce, ann: Person) -> None:
    sf.Event.create(timed())
    snapshot = emulator.snapshot()
    json.dumps(snapshot)  # JSON-able
    events = snapshot["records"]["Event"]  # type: ignore[index]
    assert events[0]["StartDateTime"] == "2026-03-03T09:00:00.000+0000"
    assert snapshot["settings"]["shared_activities"] is True  # type: ignore[index]
    emulator.reset()
    assert emulator.counts == {}
    assert emulator.org.events() == []
    assert emulator.org.records("User") == []
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM Event")
    user_id, session = emulator.org.add_user("new@acme.test")
    assert connect(emulator, session).query("SELECT Id FROM User")["records"][0]["Id"] == user_id


def test_declared_fields_are_data(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.org.declare_field("Event", "Sync_Flag__c", "boolean", default=False)
    event_id = sf.Event.create(timed(Sync_Flag__c=True))["id"]
    assert (
        sf.query("SELECT Sync_Flag__c FROM Event WHERE Sync_Flag__c = true")["records"][0][
            "Sync_Flag__c"
        ]
        is True
    )
    assert emulator.org.event(event_id)["Sync_Flag__c"] is True  # type: ignore[index]
    emulator.org.drop_field("Event", "Calsync_Ref__c")
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Event.create(timed(Calsync_Ref__c="x"))
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"
