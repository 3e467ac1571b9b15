"""A mailbox synced over EWS moves to Microsoft Graph: the next passes create nothing twice.

Exchange Online keeps one mailbox store behind both protocols. The move is modelled by
carrying every item of the EWS emulator's mailbox into the Graph emulator's with the MAPI
named properties exactly as EWS stored them (``PublicStrings`` + name + type), which Graph
addresses as ``String {00020329-0000-0000-C000-000000000046} Name <name>``; item ids change
(a different protocol's ids), as they do for real. The configuration then lists the mailbox
under a new name with the ``graph`` provider (docs/from-ews-to-graph.md): its id map starts
empty, so the first pass adopts every counterpart (through the cross-reference, or as the
identical item) and writes nothing. A reset would not do: it keeps the id map, whose EWS
ids the Graph listing no longer holds.
"""

from __future__ import annotations

from pathlib import Path

from calsync.model import ItemKind, Participant
from calsync.providers import Role
from calsync.recurrence import Recurrence
from calsync.sandbox.harness import SandboxCrmHarness
from calsync_conformance.scenario import Scenario
from calsync_exchange.harness import ExchangeHarness
from calsync_graph.emulator import PUBLIC_STRINGS
from calsync_graph.harness import GraphHarness


def _move(ews: ExchangeHarness, graph: GraphHarness, address: str) -> dict[str, str]:
    """Carry the mailbox over; return EWS id -> Graph id."""
    graph.emulator.store.add_mailbox(address)
    records = {r["item_id"]: r for r in ews.emulator.items(address)}
    items = sorted(ews.items(address), key=lambda i: i.series_id is not None)  # masters first
    ids: dict[str, str] = {}
    for item in items:
        assert item.ref is not None
        if item.series_id is not None:
            item = item.evolve(series_id=ids[item.series_id])
        ids[item.ref.id] = graph.seed(address, item.evolve(counterpart_id=None))
        event = graph.emulator.store.find(address).events[ids[item.ref.id]]  # type: ignore[union-attr]
        event.extended = {}
        for key, value in records[item.ref.id]["extended"].items():
            property_set, name, kind = key.split(":")
            assert property_set == "PublicStrings"
            event.extended[(kind.lower(), PUBLIC_STRINGS, name)] = value
    return ids


def test_moving_a_mailbox_from_ews_to_graph_creates_no_duplicates(tmp_path: Path) -> None:
    ews, graph, crm = ExchangeHarness(), GraphHarness(), SandboxCrmHarness()
    s = Scenario(role=Role.MAILBOX, mail=ews, crm=crm, workdir=tmp_path)
    try:
        alice = s.add_mailbox("alice")
        s.mail.seed(alice, s.item("Customer call", body="Agenda"))
        series = s.mail.seed(
            alice,
            s.item(
                "Weekly review",
                days=2,
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=5", zone="Europe/Berlin"),
            ),
        )
        # A cancelled occurrence (a moved one: conformance case EX-23-moved-occurrence).
        s.mail.remove_occurrence(alice, series, s.at(2 + 14))
        s.mail.seed(
            alice,
            s.item(
                "Pitch",
                days=3,
                organizer=Participant(address=alice),
                attendees=(Participant(address="carol@customer.com"),),
            ),
        )
        s.crm.seed(s.users["alice"], s.item("From the CRM", days=4))
        s.settle()
        crm_before = sorted((e.ref.id, e.ref.change_token) for e in s.crm.items() if e.ref)
        on_ews = s.mail.items(alice)

        _move(ews, graph, alice)
        s.mail = graph
        # The configuration now lists alice's mailbox as "alice-m365", provider "graph".
        del s._mailboxes["alice"], s.addresses["alice"]
        s._mailboxes["alice-m365"] = graph.open_mailbox(alice, zone="Europe/Berlin")
        s.addresses["alice-m365"] = alice
        s.users["alice-m365"] = s.users["alice"]
        s._app = None
        [report] = s.settle()

        assert (report.outcome, report.synced_up, report.synced_down) == ("ok", 0, 0)
        assert (
            sorted((e.ref.id, e.ref.change_token) for e in s.crm.items() if e.ref) == crm_before
        ), "no CRM event created, changed or deleted"
        on_graph = graph.items(alice)
        assert sorted(i.subject for i in on_graph) == sorted(i.subject for i in on_ews), (
            "nothing created twice"
        )
        assert s.codes() == [] and graph.invitations_sent() == 0

        # Sync goes on over Graph: a change in Outlook reaches the CRM event it always had.
        call = next(i for i in on_graph if i.subject == "Customer call")
        assert call.ref is not None
        graph.edit(alice, call.ref.id, subject="Customer call (Graph)")
        s.settle()
        assert sorted(e.subject for e in s.crm_events("alice-m365")) == sorted(
            ["Customer call (Graph)", "Weekly review", "Pitch", "From the CRM"]
        )
        assert len(s.crm.items()) == len(crm_before)
    finally:
        s.close()
        ews.close()


def test_a_reset_under_the_old_name_keeps_every_pair(tmp_path: Path) -> None:
    """Changing only the provider and resetting also moves every pair to its Graph item.

    The id map holds EWS ids; the reset's full listing shows the same items under Graph ids,
    and each pair follows its item (by the counterpart it names, or by subject, start and
    end), so nothing in the CRM is deleted and created again.
    """
    ews, graph, crm = ExchangeHarness(), GraphHarness(), SandboxCrmHarness()
    s = Scenario(role=Role.MAILBOX, mail=ews, crm=crm, workdir=tmp_path)
    try:
        alice = s.add_mailbox("alice")
        s.mail.seed(alice, s.item("Customer call", body="Agenda"))
        s.mail.seed(
            alice,
            s.item(
                "Weekly review",
                days=2,
                kind=ItemKind.SERIES,
                recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=5", zone="Europe/Berlin"),
            ),
        )
        s.crm.seed(s.users["alice"], s.item("From the CRM", days=4))
        s.settle()
        crm_before = sorted((e.ref.id, e.ref.change_token) for e in s.crm.items() if e.ref)

        _move(ews, graph, alice)
        s.mail = graph
        s._mailboxes["alice"] = graph.open_mailbox(alice, zone="Europe/Berlin")
        s._app = None  # the configuration now names the graph provider
        s.app.reset("alice")
        [report] = s.settle()

        assert (report.outcome, report.synced_up, report.synced_down) == ("ok", 0, 0)
        assert (
            sorted((e.ref.id, e.ref.change_token) for e in s.crm.items() if e.ref) == crm_before
        ), "no CRM event created, changed or deleted"
        assert len(graph.items(alice)) == len(ews.items(alice)), "nothing created twice"
    finally:
        s.close()
        ews.close()
