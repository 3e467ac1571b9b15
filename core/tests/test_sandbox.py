"""The sandbox providers honour the provider contract (the engine's tests rely on them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from calsync.emulation import FaultKind
from calsync.errors import AuthError, CursorExpiredError, ThrottledError
from calsync.markers import Marker, MarkerChange
from calsync.model import CalendarItem, CrmLinks, ItemKind, Privacy
from calsync.providers import ProviderContext, Write
from calsync.recurrence import Recurrence, RecurrenceModel
from calsync.sandbox.crm import SandboxCrm
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox, SandboxSettings
from calsync.sandbox.world import Sandbox

NINE = datetime(2027, 3, 1, 9, tzinfo=UTC)


def item(subject: str = "Call", **kw: object) -> CalendarItem:
    values: dict[str, object] = {
        "start": NINE,
        "end": NINE + timedelta(hours=1),
        "subject": subject,
    }
    values.update(kw)
    return CalendarItem(**values)  # type: ignore[arg-type]


@pytest.fixture
def mailbox() -> tuple[SandboxMailboxHarness, SandboxMailbox]:
    harness = SandboxMailboxHarness()
    return harness, harness.open_mailbox("alice@example.com")


@pytest.fixture
def crm() -> tuple[SandboxCrmHarness, SandboxCrm]:
    harness = SandboxCrmHarness()
    return harness, harness.open_crm()


class TestMailbox:
    def test_pull_gives_a_full_delta_then_only_changes(self, mailbox) -> None:  # type: ignore[no-untyped-def]
        harness, provider = mailbox
        first = harness.seed("alice@example.com", item("One"))
        delta = provider.pull(None)
        assert delta.full and [i.subject for i in delta.changed] == ["One"]
        harness.edit("alice@example.com", first, subject="One again")
        second = harness.seed("alice@example.com", item("Two"))
        harness.remove("alice@example.com", first)
        later = provider.pull(delta.cursor)
        assert not later.full
        assert [i.ref.id for i in later.changed if i.ref] == [second]
        assert [r.id for r in later.removed] == [first]
        assert provider.pull(later.cursor).changed == ()

    def test_expired_and_foreign_cursors_are_refused(self, mailbox) -> None:  # type: ignore[no-untyped-def]
        harness, provider = mailbox
        cursor = provider.pull(None).cursor
        harness.seed("alice@example.com", item())
        harness.service.expire_cursors("alice@example.com")
        with pytest.raises(CursorExpiredError):
            provider.pull(cursor)
        with pytest.raises(CursorExpiredError):
            provider.pull("not-a-cursor")

    def test_markers_are_categories_beside_the_persons_own_and_show_up_as_changes(
        self, mailbox
    ) -> None:  # type: ignore[no-untyped-def]
        harness, provider = mailbox
        item_id = harness.seed("alice@example.com", item(categories=("Customer",)))
        cursor = provider.pull(None).cursor
        marker = Marker(code="UNSUPPORTED_TIME_ZONE", detail="Asia/Tehran is not supported")
        [result] = provider.set_markers([MarkerChange(item_id=item_id, marker=marker)])
        assert result.ok
        view = harness.marker("alice@example.com", item_id)
        assert view.flagged and view.detail == "Sync Error: Asia/Tehran is not supported"
        changed = provider.pull(cursor).changed
        assert [i.categories for i in changed] == [("Customer",)]
        provider.set_markers([MarkerChange(item_id=item_id, marker=None)])
        assert not harness.marker("alice@example.com", item_id).flagged
        assert harness.read("alice@example.com", item_id).categories == ("Customer",)  # type: ignore[union-attr]

    def test_writes_create_update_delete_and_find_by_counterpart(self, mailbox) -> None:  # type: ignore[no-untyped-def]
        harness, provider = mailbox
        [created] = provider.write([Write.create(item("From CRM", counterpart_id="00U1"))])
        assert created.ok and created.ref is not None
        found = provider.find_by_counterpart(["00U1", "00U2"])
        assert list(found) == ["00U1"]
        [updated] = provider.write(
            [Write.update(created.ref.id, item("Renamed"), frozenset({"subject"}))]
        )
        assert updated.ref is not None and updated.ref.change_token != created.ref.change_token
        stored = harness.read("alice@example.com", created.ref.id)
        assert (
            stored is not None and stored.subject == "Renamed" and stored.counterpart_id == "00U1"
        )
        provider.write([Write.delete(created.ref.id)])
        assert harness.read("alice@example.com", created.ref.id) is None

    def test_occurrences_are_written_as_exceptions_and_removed_as_exclusions(self, mailbox) -> None:  # type: ignore[no-untyped-def]
        harness, provider = mailbox
        series = item(
            kind=ItemKind.SERIES, recurrence=Recurrence(rule="FREQ=DAILY;COUNT=3", zone="UTC")
        )
        series_id = harness.seed("alice@example.com", series)
        second = NINE + timedelta(days=1)
        moved = item(
            "Moved",
            kind=ItemKind.EXCEPTION,
            series_id=series_id,
            original_start=second,
            start=second + timedelta(hours=2),
            end=second + timedelta(hours=3),
        )
        [result] = provider.write([Write.update(None, moved)])
        assert result.ok
        third = NINE + timedelta(days=2)
        gone = item(kind=ItemKind.OCCURRENCE, series_id=series_id, original_start=third)
        provider.write([Write.delete(None, gone)])
        master = harness.read("alice@example.com", series_id)
        assert master is not None and master.recurrence is not None
        assert list(master.recurrence.starts(master.start)) == [NINE, second]
        assert [i.kind for i in harness.items("alice@example.com")] == [
            ItemKind.SERIES,
            ItemKind.EXCEPTION,
        ]

    def test_faults_and_revoked_credentials_raise_calsync_errors(self, mailbox) -> None:  # type: ignore[no-untyped-def]
        harness, provider = mailbox
        harness.inject(FaultKind.THROTTLE, retry_after=7)
        with pytest.raises(ThrottledError) as caught:
            provider.pull(None)
        assert caught.value.retry_after == 7
        harness.revoke_credentials()
        with pytest.raises(AuthError):
            provider.pull(None)
        harness.restore_credentials()
        assert provider.pull(None).full

    def test_configured_providers_share_a_named_world(self) -> None:
        Sandbox.forget("shared")
        settings = SandboxSettings(world="shared")
        a = SandboxMailbox.from_context(
            ProviderContext(settings=settings, name="a", address="A@x.org")
        )
        b = SandboxMailbox.from_context(
            ProviderContext(settings=settings, name="a", address="a@x.org")
        )
        a.write([Write.create(item())])
        assert len(b.pull(None).changed) == 1


class TestCrm:
    def test_series_are_stored_as_a_header_and_occurrence_records(self, crm) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        owner = harness.add_user("alice@example.com")
        series = item(
            kind=ItemKind.SERIES,
            owner=owner,
            recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=3", zone="Europe/Berlin"),
        )
        [result] = provider.write([Write.create(series)])
        assert result.ok and result.ref is not None
        records = harness.items(owner)
        assert [r.kind for r in records].count(ItemKind.OCCURRENCE) == 3
        occurrence = next(r for r in records if r.kind is ItemKind.OCCURRENCE)
        harness.edit(occurrence.ref.id, location="Room 2")  # type: ignore[union-attr]
        assert harness.read(occurrence.ref.id).kind is ItemKind.EXCEPTION  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("setup", "payload", "code"),
        [
            (lambda h: h.deny_field("location"), {"location": "Room 1"}, "FIELD_ACCESS_DENIED"),
            (
                lambda h: h.add_validation_rule(message="No secrets!", subject_contains="secret"),
                {"subject": "top secret"},
                "CRM_VALIDATION_FAILED",
            ),
            (lambda h: None, {"end": NINE + timedelta(days=15)}, "UNSUPPORTED_ITEM_KIND"),
            (
                lambda h: None,
                {"privacy": Privacy.PRIVATE, "links": CrmLinks(what_id="001X")},
                "CRM_VALIDATION_FAILED",
            ),
            (
                lambda h: h.configure(recurring_events=False),
                {
                    "kind": ItemKind.SERIES,
                    "recurrence": Recurrence(rule="FREQ=DAILY;COUNT=2", zone="UTC"),
                },
                "RECURRING_SYNC_DISABLED",
            ),
            (
                lambda h: None,
                {
                    "kind": ItemKind.SERIES,
                    "recurrence": Recurrence(rule="FREQ=DAILY;COUNT=2", zone="Asia/Tehran"),
                },
                "UNSUPPORTED_TIME_ZONE",
            ),
        ],
    )
    def test_refusals_carry_issue_codes(self, crm, setup, payload, code) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        setup(harness)
        [result] = provider.write([Write.create(item(**payload))])
        assert not result.ok and result.failure.code == code
        assert harness.items() == ()

    def test_contacts_and_a_lead_cannot_be_mixed(self, crm) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        contact, lead = harness.add_contact("c@x.org"), harness.add_lead("l@x.org")
        [mixed] = provider.write([Write.create(item(links=CrmLinks(who_ids=(contact, lead))))])
        assert mixed.failure is not None
        [fine] = provider.write([Write.create(item(links=CrmLinks(who_ids=(contact,))))])
        assert fine.ok

    def test_attendee_copies_only_change_through_the_organizer(self, crm) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        organizer, attendee = harness.add_user("o@x.org"), harness.add_user("a@x.org")
        parent = harness.seed(organizer, item("Board"), invitees=(attendee,))
        [copy] = [i for i in harness.items(attendee)]
        assert copy.attendee_copy
        [refused] = provider.write([Write.update(copy.ref.id, item("Renamed"))])  # type: ignore[union-attr]
        assert refused.failure is not None and refused.failure.code == "ORGANIZER_ONLY_EDIT"
        harness.remove(parent)
        assert harness.items(attendee) == ()

    def test_people_users_and_per_owner_pulls(self, crm) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        alice, bob = harness.add_user("Alice@x.org"), harness.add_user("bob@x.org")
        harness.add_contact("c@x.org")
        harness.add_lead("l@x.org")
        assert provider.users(["alice@x.org", "nobody@x.org"]) == {"alice@x.org": alice}
        assert {
            (m.address, str(m.kind))
            for m in provider.match_people(["c@x.org", "l@x.org", "x@x.org"])
        } == {
            ("c@x.org", "contact"),
            ("l@x.org", "lead"),
        }
        harness.seed(alice, item("Alice's"))
        harness.seed(bob, item("Bob's"))
        assert [i.subject for i in provider.pull(None, owner=alice).changed] == ["Alice's"]

    def test_event_series_of_the_newer_model_keep_their_model(self, crm) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        owner = harness.add_user("a@x.org")
        rule = Recurrence(
            rule="FREQ=DAILY;COUNT=2", zone="UTC", model=RecurrenceModel.CRM_EVENT_SERIES
        )
        header = harness.seed(owner, item(kind=ItemKind.SERIES, recurrence=rule))
        fetched = provider.fetch([header])[header]
        assert (
            fetched.recurrence is not None
            and fetched.recurrence.model is RecurrenceModel.CRM_EVENT_SERIES
        )

    def test_all_day_events_keep_their_dates(self, crm) -> None:  # type: ignore[no-untyped-def]
        harness, provider = crm
        owner = harness.add_user("a@x.org")
        day = CalendarItem(start=date(2027, 5, 4), end=date(2027, 5, 5), subject="Off", owner=owner)
        [result] = provider.write([Write.create(day)])
        stored = harness.read(result.ref.id)  # type: ignore[union-attr]
        assert stored is not None and (stored.start, stored.end) == (
            date(2027, 5, 4),
            date(2027, 5, 5),
        )
