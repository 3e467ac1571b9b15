"""What the org supports (describe), users, contacts and leads."""

from __future__ import annotations

from datetime import timedelta

from calsync.providers import PersonKind, PersonMatch
from calsync_salesforce.emulator import SALESFORCE_TIME_ZONES
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm
from calsync_salesforce.wire import in_chunks


def test_features_come_from_describe(harness: SalesforceCrmHarness, crm: SalesforceCrm) -> None:
    harness.emulator.reset_counts()
    features = crm.features()
    assert features.recurring_events is True
    assert features.shared_activities is True
    assert features.max_people == 50
    assert features.max_duration == timedelta(days=14)
    assert features.zones == frozenset(SALESFORCE_TIME_ZONES)
    assert len(features.zones) == 424
    assert features.text_lengths == {"subject": 255, "location": 255, "body": 32000}
    assert harness.emulator.counts == {
        "sobjects.describe": 1
    }  # Event alone: its zone list is the users'


def test_the_describe_is_kept_for_the_pass(
    harness: SalesforceCrmHarness, crm: SalesforceCrm, owner: str
) -> None:
    crm.features()
    harness.emulator.reset_counts()
    crm.pull(None, owner=owner)
    crm.fetch(["00U5g0000000999EAA"])
    assert "sobjects.describe" not in harness.emulator.counts


def test_features_follow_the_org(harness: SalesforceCrmHarness) -> None:
    harness.configure(shared_activities=False)
    harness.deny_field("recurrence")  # the sync user may not create recurring events
    features = harness.open_crm().features()
    assert features.shared_activities is False
    assert features.recurring_events is False
    single_day = SalesforceCrm(harness.client, multiday_events=False).features()
    assert single_day.max_duration == timedelta(days=1)


def test_users_by_address(harness: SalesforceCrmHarness, crm: SalesforceCrm) -> None:
    ann = harness.add_user("ann@acme.test")
    harness.org.add_user("gone@acme.test", active=False)
    found = crm.users(["ANN@acme.test", "gone@acme.test", "nobody@acme.test"])
    assert found == {"ann@acme.test": ann}
    assert crm.users([]) == {}


def test_contacts_and_leads_by_address(harness: SalesforceCrmHarness, crm: SalesforceCrm) -> None:
    contact = harness.add_contact("carl@client.test", name="Carl Client")
    lead = harness.add_lead("lena@prospect.test", name="Lena Lead")
    both_contact = harness.add_contact("both@x.test")
    both_lead = harness.add_lead("both@x.test")
    matches = crm.match_people(
        ["Carl@Client.test", "lena@prospect.test", "both@x.test", "nobody@x.test"]
    )
    assert set(matches) == {
        PersonMatch(address="carl@client.test", kind=PersonKind.CONTACT, id=contact),
        PersonMatch(address="lena@prospect.test", kind=PersonKind.LEAD, id=lead),
        PersonMatch(address="both@x.test", kind=PersonKind.CONTACT, id=both_contact),
        PersonMatch(address="both@x.test", kind=PersonKind.LEAD, id=both_lead),
    }


def test_long_address_lists_are_chunked(harness: SalesforceCrmHarness, crm: SalesforceCrm) -> None:
    addresses = [f"person.number.{n}@some-client-domain.test" for n in range(1200)]
    for address in addresses[::100]:
        harness.add_contact(address)
    harness.emulator.reset_counts()
    matches = crm.match_people(addresses)
    assert len(matches) == 12
    queries = harness.emulator.counts["query"]
    # Contact and Lead, one query per IN list short enough for a URL.
    chunks = list(in_chunks(addresses))
    assert 1 < len(chunks) < 10
    assert queries == 2 * len(chunks)
    harness.emulator.reset_counts()
    assert crm.users(addresses) == {}
    assert harness.emulator.counts["query"] == queries // 2
