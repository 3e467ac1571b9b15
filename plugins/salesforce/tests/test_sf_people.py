"""Whos, whats, invitees and child events; private events; Shared Activities on and off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sf_helpers import Person, timed
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from calsync_salesforce.emulator import SalesforceEmulator


def refused(call: Callable[[], object]) -> dict[str, object]:
    with pytest.raises(SalesforceMalformedRequest) as raised:
        call()
    [error] = raised.value.content
    return error  # type: ignore[no-any-return]


def test_event_who_ids_make_the_first_contact_primary(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    account = emulator.org.add_account("Client Co")
    c1 = emulator.org.add_contact("a@client.test", account_id=account)
    c2 = emulator.org.add_contact("b@client.test")
    event_id = sf.Event.create(timed(EventWhoIds=[c1, c2]))["id"]
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["WhoId"] == c1
    assert stored["EventWhoIds"] == [c1, c2]
    assert stored["WhoCount"] == 2
    assert stored["AccountId"] == account
    rows = {
        (r["RelationId"], r["IsParent"], r["IsWhat"], r["IsInvitee"])
        for r in emulator.org.relations(event_id)
    }
    assert rows == {(c1, True, False, False), (c2, True, False, False)}
    view = sf.query(f"SELECT RelationId, Type FROM EventWhoRelation WHERE EventId = '{event_id}'")[
        "records"
    ]
    assert {(r["RelationId"], r["Type"]) for r in view} == {(c1, "Contact"), (c2, "Contact")}


def test_who_id_joins_the_list_and_lists_replace(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    c1, c2, c3 = (emulator.org.add_contact(f"{n}@client.test") for n in ("a", "b", "c"))
    event_id = sf.Event.create(timed(WhoId=c3, EventWhoIds=[c1, c2]))["id"]
    assert emulator.org.event(event_id)["EventWhoIds"] == [c3, c1, c2]  # type: ignore[index]
    sf.Event.update(event_id, {"EventWhoIds": [c2]})
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["EventWhoIds"] == [c2]
    assert stored["WhoId"] == c2
    assert {r["RelationId"] for r in emulator.org.relations(event_id)} == {c2}
    assert {r["RelationId"] for r in emulator.org.relations(event_id, include_deleted=True)} == {
        c1,
        c2,
        c3,
    }
    sf.Event.update(event_id, {"WhoId": None})
    assert emulator.org.event(event_id)["EventWhoIds"] == []  # type: ignore[index]


def test_fifty_contacts_or_one_lead(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    contacts = [emulator.org.add_contact(f"c{n}@client.test") for n in range(51)]
    lead1 = emulator.org.add_lead("l1@prospect.test")
    lead2 = emulator.org.add_lead("l2@prospect.test")
    assert sf.Event.create(timed(EventWhoIds=contacts[:50]))["success"]
    for whos in (contacts, [lead1, lead2], [contacts[0], lead1]):
        error = refused(lambda whos=whos: sf.Event.create(timed(EventWhoIds=whos)))
        assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
        assert error["fields"] == ["EventWhoIds"]
    assert sf.Event.create(timed(EventWhoIds=[lead1]))["success"]


def test_without_shared_activities(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    emulator.org.configure(shared_activities=False)
    contact = emulator.org.add_contact("a@client.test")
    error = refused(lambda: sf.Event.create(timed(EventWhoIds=[contact])))
    assert error == {
        "message": "No such column 'EventWhoIds' on sobject of type Event",
        "errorCode": "INVALID_FIELD",
        "fields": [],
    }
    event_id = sf.Event.create(timed(WhoId=contact))["id"]
    assert emulator.org.relations(event_id) == []
    assert (
        refused(lambda: sf.query("SELECT Id FROM EventWhoRelation"))["errorCode"] == "INVALID_TYPE"
    )
    assert "EventWhoIds" not in {f["name"] for f in sf.Event.describe()["fields"]}


def test_private_events_carry_no_links(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    contact = emulator.org.add_contact("a@client.test")
    account = emulator.org.add_account("Client Co")
    error = refused(lambda: sf.Event.create(timed(IsPrivate=True, WhoId=contact, WhatId=account)))
    assert error["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert error["fields"] == ["WhoId", "WhatId", "EventWhoIds"]
    assert "Private events can't be associated" in str(error["message"])
    linked = sf.Event.create(timed(WhatId=account))["id"]
    assert refused(lambda: sf.Event.update(linked, {"IsPrivate": True}))["fields"] == ["WhatId"]
    assert sf.Event.create(timed(IsPrivate=True))["success"]


def test_what_relations_and_account(emulator: SalesforceEmulator, sf: Salesforce) -> None:
    account = emulator.org.add_account("Client Co")
    opportunity = emulator.org.add_opportunity("Deal", account_id=account)
    event_id = sf.Event.create(timed(WhatId=opportunity))["id"]
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert stored["AccountId"] == account
    assert stored["WhatCount"] == 1
    [row] = emulator.org.relations(event_id)
    assert (row["RelationId"], row["IsWhat"], row["IsParent"]) == (opportunity, True, True)


def test_inviting_a_user_creates_a_child_event(
    emulator: SalesforceEmulator, sf: Salesforce, make_user: Callable[..., Person]
) -> None:
    bob = make_user("bob@acme.test")
    contact = emulator.org.add_contact("a@client.test")
    event_id = sf.Event.create(timed(Subject="Kick-off"))["id"]
    user_rel = sf.EventRelation.create({"EventId": event_id, "RelationId": bob.id})["id"]
    sf.EventRelation.create({"EventId": event_id, "RelationId": contact, "IsInvitee": True})
    [child] = emulator.org.children(event_id)
    assert child["OwnerId"] == bob.id
    assert child["IsChild"] is True
    assert child["Subject"] == "Kick-off"
    parent = emulator.org.event(event_id)
    assert parent is not None
    assert parent["IsGroupEvent"] is True
    assert parent["GroupEventType"] == "1"
    statuses = {
        r["RelationId"]: (r["IsInvitee"], r["Status"]) for r in emulator.org.relations(event_id)
    }
    assert statuses == {bob.id: (True, "New"), contact: (True, "New")}

    sf.Event.update(
        event_id, {"Subject": "Kick-off (moved)", "StartDateTime": "2026-03-03T11:00:00Z"}
    )
    [child] = emulator.org.children(event_id)
    assert child["Subject"] == "Kick-off (moved)"
    assert child["EndDateTime"] == parent["EndDateTime"].replace(hour=12)

    sf.EventRelation.update(user_rel, {"Status": "Accepted"})
    assert emulator.org.record("EventRelation", user_rel)["Status"] == "Accepted"  # type: ignore[index]
    sf.EventRelation.delete(user_rel)
    assert emulator.org.children(event_id) == []


def test_child_events_accept_only_reminder_changes(
    emulator: SalesforceEmulator, sf: Salesforce, make_user: Callable[..., Person]
) -> None:
    bob = make_user("bob@acme.test")
    event_id = sf.Event.create(timed())["id"]
    emulator.org.invite(event_id, bob.id)
    [child] = emulator.org.children(event_id)
    assert (
        bob.sf.Event.update(
            child["Id"], {"IsReminderSet": True, "ReminderDateTime": "2026-03-03T08:45:00Z"}
        )
        == 204
    )
    error = refused(
        lambda: bob.sf.Event.update(child["Id"], {"Subject": "Mine now", "IsReminderSet": False})
    )
    assert error == {
        "message": "Only event organizers can update this field",
        "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
        "fields": ["Subject"],
    }
    assert emulator.org.event(child["Id"])["IsReminderSet"] is True  # type: ignore[index]
    relate_child = {"EventId": child["Id"], "RelationId": emulator.org.add_contact("x@client.test")}
    assert (
        refused(lambda: sf.EventRelation.create(relate_child))["errorCode"]
        == "FIELD_INTEGRITY_EXCEPTION"
    )
    # Deleting the child is allowed: the invitee leaves the meeting.
    assert bob.sf.Event.delete(child["Id"]) == 204
    assert emulator.org.relations(event_id) == []
    assert emulator.org.event(event_id)["GroupEventType"] == "0"  # type: ignore[index]


def test_relation_rows_for_whos_whats_and_duplicates(
    emulator: SalesforceEmulator, sf: Salesforce
) -> None:
    c1 = emulator.org.add_contact("a@client.test")
    account = emulator.org.add_account("Client Co")
    event_id = sf.Event.create(timed())["id"]
    who_rel = sf.EventRelation.create(
        {"EventId": event_id, "RelationId": c1, "IsParent": True, "IsInvitee": False}
    )
    sf.EventRelation.create(
        {
            "EventId": event_id,
            "RelationId": account,
            "IsWhat": True,
            "IsParent": True,
            "IsInvitee": False,
        }
    )
    stored = emulator.org.event(event_id)
    assert stored is not None
    assert (stored["WhoId"], stored["WhatId"], stored["AccountId"]) == (c1, account, account)
    dup = refused(lambda: sf.EventRelation.create({"EventId": event_id, "RelationId": c1}))
    assert dup["errorCode"] == "DUPLICATE_VALUE"
    sf.EventRelation.delete(who_rel["id"])
    assert emulator.org.event(event_id)["WhoId"] is None  # type: ignore[index]


def test_deleting_the_parent_deletes_children_and_relations(
    emulator: SalesforceEmulator, sf: Salesforce, make_user: Callable[..., Person]
) -> None:
    bob = make_user("bob@acme.test")
    event_id = sf.Event.create(timed())["id"]
    emulator.org.invite(event_id, bob.id)
    [child] = emulator.org.children(event_id)
    sf.Event.delete(event_id)
    assert emulator.org.event(child["Id"])["IsDeleted"] is True  # type: ignore[index]
    assert emulator.org.relations(event_id) == []
    deleted = sf.query_all(
        "SELECT Id FROM EventRelation WHERE IsDeleted = true", include_deleted=True
    )
    assert deleted["totalSize"] == 1
