"""The conformance harness: seeding and reading the org directly, and its registration."""

from __future__ import annotations

from datetime import date

import pytest
from sfp_support import T0, all_day, stored, timed, weekly

from calsync.emulation import FaultKind
from calsync.errors import AuthError
from calsync.model import CrmLinks, ItemKind, Privacy
from calsync.plugins import load_registry
from calsync.providers import Capability, Role
from calsync.recurrence import RecurrenceModel
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm


def test_the_plugin_registers_the_provider_and_an_offline_harness() -> None:
    registry = load_registry(["salesforce"])
    spec = registry.provider(Role.CRM, "salesforce")
    assert spec.provider is SalesforceCrm
    assert {
        Capability.ZONE_LIST,
        Capability.FIELD_SECURITY,
        Capability.EVENT_SERIES_MODEL,
    } <= spec.capabilities
    harness_spec = registry.harnesses[(Role.CRM, "salesforce")]
    assert harness_spec.live is None
    harness = harness_spec.offline()
    assert isinstance(harness, SalesforceCrmHarness)
    user = harness.add_user("x@acme.test")
    assert harness.open_crm().users(["x@acme.test"]) == {"x@acme.test": user}
    harness.close()


def test_seed_read_edit_remove(harness: SalesforceCrmHarness, owner: str) -> None:
    contact = harness.add_contact("c@x.test", name="Carl Client")
    account = harness.add_account("Client Ltd")
    item = timed(
        subject="Seeded", links=CrmLinks(who_ids=(contact,), what_id=account), counterpart_id="k"
    )
    event_id = harness.seed(owner, item)
    read = harness.read(event_id)
    assert read is not None
    assert (read.subject, read.owner, read.counterpart_id, read.links) == (
        "Seeded",
        owner,
        "k",
        item.links,
    )
    harness.edit(event_id, subject="Edited", privacy=Privacy.PRIVATE)
    record = stored(harness, event_id)
    assert (record["Subject"], record["IsPrivate"], record["WhoId"]) == ("Edited", True, None)
    harness.remove(event_id)
    assert harness.read(event_id) is None
    assert harness.items(owner) == ()


def test_seeded_series_in_either_model(harness: SalesforceCrmHarness, owner: str) -> None:
    classic = harness.seed(owner, weekly())
    lightning = harness.seed(
        owner, weekly(model=RecurrenceModel.CRM_EVENT_SERIES, subject="New model")
    )
    items = harness.items(owner)
    masters = {i.ref.id: i for i in items if i.kind is ItemKind.SERIES and i.ref}
    assert masters[classic].recurrence.model is RecurrenceModel.CRM_CLASSIC  # type: ignore[union-attr]
    assert masters[lightning].recurrence.model is RecurrenceModel.CRM_EVENT_SERIES  # type: ignore[union-attr]
    assert (
        len(items) == 2 + 4 + 3
    )  # two masters, four Classic occurrences, three more Lightning ones
    assert harness.read(classic) == masters[classic]


def test_seeded_invitees_get_their_copies(harness: SalesforceCrmHarness, owner: str) -> None:
    bob = harness.add_user("bob@acme.test")
    header = harness.seed(owner, weekly(), invitees=(bob,))
    copies = harness.items(bob)
    assert len(copies) == 5 and all(c.attendee_copy for c in copies)
    assert {c.series_id for c in copies} == {header}
    single = harness.seed(owner, all_day(date(2026, 3, 9)), invitees=(bob,))
    assert harness.read(single) is not None
    assert len(harness.org.children(single)) == 1


def test_denied_fields_and_validation_rules(harness: SalesforceCrmHarness, owner: str) -> None:
    crm = harness.open_crm()
    harness.deny_field("subject")
    describe = crm.connection.call(lambda sf: sf.restful("sobjects/Event/describe"))
    subject = next(f for f in describe["fields"] if f["name"] == "Subject")  # type: ignore[index]
    assert subject["createable"] is False and subject["updateable"] is False
    with pytest.raises(ValueError, match="no Event field"):
        harness.deny_field("colour")
    harness.deny_field("owner")  # required: left writable
    harness.add_validation_rule(message="No", subject_contains="blocked")
    with pytest.raises(Exception, match="No"):
        harness.seed(owner, timed(subject="BLOCKED"))


def test_faults_and_credentials(harness: SalesforceCrmHarness, owner: str) -> None:
    crm = harness.open_crm()
    harness.inject(FaultKind.THROTTLE, times=None)
    harness.clear_faults()
    assert crm.pull(None, owner=owner).full
    harness.revoke_credentials()
    with pytest.raises(AuthError):
        crm.pull(None, owner=owner)
    harness.restore_credentials()
    assert crm.pull(None, owner=owner).changed == ()
    assert T0.tzinfo is not None
