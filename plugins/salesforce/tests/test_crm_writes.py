"""Writes through sObject Collections, asserted on what the emulated org stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests
from sfp_support import T0, all_day, live_events, stored, timed

from calsync.emulation import FrozenClock
from calsync.model import CrmLinks, Privacy, ShowAs
from calsync.providers import Write
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import COUNTERPART_FIELD, SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm


def test_create_stores_every_synced_field_and_returns_the_new_id_without_a_token(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    contact = harness.add_contact("carl@client.test", name="Carl Client")
    account = harness.add_account("Client Ltd")
    clock.advance(61.5)
    item = timed(
        subject="Kick-off",
        body="Agenda",
        location="Room 1",
        show_as=ShowAs.FREE,
        owner=owner,
        counterpart_id="mbx-1",
        links=CrmLinks(who_ids=(contact,), what_id=account),
    )
    [result] = crm.write([Write.create(item)])
    assert result.ok and result.ref is not None
    event = stored(harness, result.ref.id)
    assert event["Subject"] == "Kick-off"
    assert event["Description"] == "Agenda"
    assert event["Location"] == "Room 1"
    assert event["StartDateTime"] == T0
    assert event["EndDateTime"] == T0 + timedelta(hours=1)
    assert event["IsAllDayEvent"] is False
    assert event["ShowAs"] == "Free"
    assert event["IsPrivate"] is False
    assert event["OwnerId"] == owner
    assert event["WhoId"] == contact
    assert event["EventWhoIds"] == [contact]
    assert event["WhatId"] == account
    assert event["Calsync_Ref__c"] == "mbx-1"
    # A SaveResult carries no stamp, and none is read back: the engine knows the write by
    # its content or its last modifier when it comes back.
    assert result.ref.change_token == ""
    assert event["SystemModstamp"] == datetime(2026, 3, 2, 9, 1, 1, 500000, tzinfo=UTC)
    assert event["LastModifiedById"] == harness.integration_user


def test_all_day_items_keep_their_dates(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    # Core's all-day end is exclusive; Salesforce's EndDateTime is the last day, inclusive.
    [result] = crm.write(
        [Write.create(all_day(date(2026, 3, 5), days=2, subject="Offsite", owner=owner))]
    )
    assert result.ref is not None
    event = stored(harness, result.ref.id)
    assert event["IsAllDayEvent"] is True
    assert event["ActivityDate"] == date(2026, 3, 5)
    assert event["EndDateTime"] == datetime(2026, 3, 6, tzinfo=UTC)
    assert event["DurationInMinutes"] == 2 * 1440
    assert harness.read(result.ref.id) is not None
    assert harness.read(result.ref.id).end == date(2026, 3, 7)  # type: ignore[union-attr]


def test_links_follow_the_org_rules(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    first, second = harness.add_contact("a@c.test"), harness.add_contact("b@c.test")
    lead_one, lead_two = harness.add_lead("l1@c.test"), harness.add_lead("l2@c.test")
    results = crm.write(
        [
            # Contacts and a lead: the contacts only.
            Write.create(timed(owner=owner, links=CrmLinks(who_ids=(lead_one, first, second)))),
            # Leads only: the first lead alone.
            Write.create(timed(owner=owner, links=CrmLinks(who_ids=(lead_two, lead_one)))),
            # A private event links no one.
            Write.create(
                timed(owner=owner, privacy=Privacy.PRIVATE, links=CrmLinks(who_ids=(first,)))
            ),
        ]
    )
    events = [stored(harness, r.ref.id) for r in results if r.ref]
    assert [e["EventWhoIds"] for e in events] == [[first, second], [lead_two], []]
    assert [e["WhoId"] for e in events] == [first, lead_two, None]
    assert events[2]["IsPrivate"] is True


def test_without_shared_activities_one_person_is_linked(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    harness.configure(shared_activities=False)
    first, second = harness.add_contact("a@c.test"), harness.add_contact("b@c.test")
    assert crm.features().shared_activities is False
    [result] = crm.write(
        [Write.create(timed(owner=owner, links=CrmLinks(who_ids=(first, second))))]
    )
    assert result.ok and result.ref is not None
    assert stored(harness, result.ref.id)["WhoId"] == first


def test_update_writes_only_the_named_fields(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, clock: FrozenClock
) -> None:
    event_id = harness.seed(owner, timed(subject="Old", location="Room 1", body="Notes"))
    clock.advance(5)
    change = timed(subject="New", location="Elsewhere", body="Other", start=T0 + timedelta(hours=2))
    [result] = crm.write([Write.update(event_id, change, frozenset({"subject"}))])
    event = stored(harness, event_id)
    assert (event["Subject"], event["Location"], event["Description"]) == ("New", "Room 1", "Notes")
    assert event["StartDateTime"] == T0
    assert result.ref is not None and result.ref.id == event_id
    assert result.ref.change_token == ""  # not read back
    assert event["LastModifiedById"] == harness.integration_user


def test_updates_move_and_make_private(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    contact = harness.add_contact("a@c.test")
    event_id = harness.seed(owner, timed(links=CrmLinks(who_ids=(contact,))))
    moved = timed(
        start=T0 + timedelta(days=1),
        minutes=30,
        privacy=Privacy.PRIVATE,
        links=CrmLinks(who_ids=(contact,)),
    )
    [result] = crm.write(
        [Write.update(event_id, moved, frozenset({"start", "end", "privacy", "links"}))]
    )
    assert result.ok
    event = stored(harness, event_id)
    assert event["StartDateTime"] == T0 + timedelta(days=1)
    assert event["DurationInMinutes"] == 30
    assert event["IsPrivate"] is True and event["WhoId"] is None and event["EventWhoIds"] == []


def test_timed_to_all_day_and_back(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    event_id = harness.seed(owner, timed())
    crm.write([Write.update(event_id, all_day(date(2026, 3, 9)), frozenset({"start", "end"}))])
    assert stored(harness, event_id)["IsAllDayEvent"] is True
    assert stored(harness, event_id)["ActivityDate"] == date(2026, 3, 9)
    crm.write([Write.update(event_id, timed(), frozenset({"start", "end"}))])
    event = stored(harness, event_id)
    assert event["IsAllDayEvent"] is False and event["StartDateTime"] == T0


def test_deletes_and_deleting_what_is_gone(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    event_id = harness.seed(owner, timed())
    assert [r.ok for r in crm.write([Write.delete(event_id)])] == [True]
    assert stored(harness, event_id)["IsDeleted"] is True
    again = crm.write([Write.delete(event_id), Write.delete("00U5g0000000999EAA")])
    assert [r.ok for r in again] == [True, True]


def test_batches_of_200_with_results_in_order(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    items = [timed(subject=f"E{n}", owner=owner, counterpart_id=f"mbx-{n}") for n in range(450)]
    crm.features()  # the pass's describe, once
    harness.emulator.reset_counts()
    results = crm.write([Write.create(i) for i in items])
    counts = harness.emulator.counts
    assert counts == {"composite.sobjects.upsert": 3}
    assert [stored(harness, r.ref.id)["Subject"] for r in results if r.ref] == [
        f"E{n}" for n in range(450)
    ]


def test_mixed_batches_take_one_call_per_kind(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    old = [harness.seed(owner, timed(subject=f"Old {n}")) for n in range(3)]
    crm.features()
    harness.emulator.reset_counts()
    results = crm.write(
        [
            Write.create(timed(owner=owner, counterpart_id="a")),
            Write.update(old[0], timed(subject="Changed"), frozenset({"subject"})),
            Write.delete(old[1]),
            Write.create(timed(owner=owner)),  # no counterpart id: a plain insert
        ]
    )
    assert all(r.ok for r in results)
    assert results[2].ref is None
    assert harness.emulator.counts == {
        "composite.sobjects.upsert": 1,
        "composite.sobjects.update": 1,
        "composite.sobjects.delete": 1,
        "composite.sobjects.create": 1,
    }


def test_a_replayed_create_updates_what_the_first_attempt_made(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    item = timed(subject="Once", owner=owner, counterpart_id="mbx-7")
    [first] = crm.write([Write.create(item)])
    [second] = crm.write([Write.create(item.evolve(subject="Once again"))])
    assert first.ref is not None and second.ref is not None
    assert first.ref.id == second.ref.id
    assert [e["Subject"] for e in live_events(harness, owner)] == ["Once again"]


def test_the_counterpart_id_is_found_again(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    [result] = crm.write([Write.create(timed(owner=owner, counterpart_id="mbx|9"))])
    found = crm.find_by_counterpart(["mbx|9", "unknown"])
    assert list(found) == ["mbx|9"]
    assert result.ref is not None and found["mbx|9"].ref is not None
    assert found["mbx|9"].ref.id == result.ref.id
    assert found["mbx|9"].ref.modified_by == harness.integration_user
    assert crm.fetch([result.ref.id, "00U5g0000000999EAA"]).keys() == {result.ref.id}
    assert crm.fetch([]) == {} and crm.find_by_counterpart([]) == {}


@pytest.mark.parametrize(
    "case_sensitive", [False, True], ids=["case-blind field", "case-sensitive"]
)
def test_counterpart_ids_that_differ_only_in_case_stay_two_events(
    emulator: SalesforceEmulator, case_sensitive: bool
) -> None:
    # EWS item ids are base64: two items of one mailbox can differ in one letter's case,
    # and Salesforce matches External IDs case-insensitively unless told otherwise.
    emulator.org.drop_field("Event", COUNTERPART_FIELD)
    emulator.org.declare_field(
        "Event", COUNTERPART_FIELD, external_id=True, unique=True, case_sensitive=case_sensitive
    )
    harness = SalesforceCrmHarness(emulator)
    owner = harness.add_user("olga@acme.test", zone="Europe/Berlin")
    crm = harness.open_crm()
    upper, lower = "AAMkAGI2Tg==", "AAMkAGI2tg=="
    for ref in (upper, lower):
        [result] = crm.write([Write.create(timed(subject=ref, owner=owner, counterpart_id=ref))])
        assert result.failure is None
    [again] = crm.write([Write.create(timed(subject="again", owner=owner, counterpart_id=lower))])
    assert again.failure is None
    assert sorted(e["Subject"] for e in live_events(harness, owner)) == [upper, "again"]
    assert {i.counterpart_id: i.subject for i in harness.items(owner)} == {
        upper: upper,
        lower: "again",
    }
    assert {k: v.subject for k, v in crm.find_by_counterpart([lower, upper]).items()} == {
        upper: upper,
        lower: "again",
    }
    stored_values = {e[COUNTERPART_FIELD] for e in live_events(harness, owner)}
    assert (stored_values == {upper, lower}) is case_sensitive
    harness.close()


def test_several_writes_to_one_event_apply_in_order(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    event_id = harness.seed(owner, timed(subject="Old", location="Room 1"))
    gone = harness.seed(owner, timed(subject="Gone"))
    crm.features()
    harness.emulator.reset_counts()
    results = crm.write(
        [
            Write.update(
                event_id,
                timed(subject="First", location="Room 2"),
                frozenset({"subject", "location"}),
            ),
            Write.update(event_id, timed(subject="Second"), frozenset({"subject"})),
            Write.delete(gone),
            Write.delete(gone),
        ]
    )
    assert [r.ok for r in results] == [True] * 4
    # A collection names a record once: one delete, one update carrying both writes' fields.
    assert harness.emulator.counts["composite.sobjects.delete"] == 1
    assert harness.emulator.counts["composite.sobjects.update"] == 1
    assert (stored(harness, event_id)["Subject"], stored(harness, event_id)["Location"]) == (
        "Second",
        "Room 2",
    )
    assert results[0].ref == results[1].ref
    assert stored(harness, gone)["IsDeleted"] is True


def test_the_wire_shapes_of_collection_calls(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sObject Collections as the research notes record them (protocols.md §4.2)."""
    old = harness.seed(owner, timed())
    crm.features()
    sent: list[tuple[str, str, Any]] = []
    real = requests.Session.request

    def recording(
        self: requests.Session, method: str, url: str, **kwargs: Any
    ) -> requests.Response:
        sent.append((method, url, kwargs.get("json") or kwargs.get("params")))
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    crm.write(
        [Write.create(timed(owner=owner, counterpart_id="k", subject="New")), Write.delete(old)]
    )
    calls = {(m, url.split("/v59.0/")[1]): body for m, url, body in sent}
    assert calls[("DELETE", "composite/sobjects")] == {"ids": old, "allOrNone": "false"}
    upsert = calls[("PATCH", "composite/sobjects/Event/Calsync_Ref__c")]
    assert upsert["allOrNone"] is False
    [record] = upsert["records"]
    assert record["attributes"] == {"type": "Event"}
    assert record["Calsync_Ref__c"] == "k" and record["Subject"] == "New"
    assert record["StartDateTime"] == "2026-03-03T09:00:00.000Z"
    assert ("GET", "composite/sobjects/Event") not in calls  # nothing is read back
