"""The conformance harness: seeding and reading the emulator directly, faults, credentials."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calsync.emulation import FaultKind
from calsync.errors import AuthError, ServiceUnavailableError, ThrottledError
from calsync.harness import MarkerView
from calsync.markers import Marker, MarkerChange
from calsync.model import (
    CalendarItem,
    ItemKind,
    Participant,
    Privacy,
    ResponseStatus,
    ShowAs,
)
from calsync.plugins import load_registry
from calsync.providers import Role, Write
from calsync.recurrence import Recurrence
from calsync_exchange.harness import ExchangeHarness

BERLIN = ZoneInfo("Europe/Berlin")
ALICE = "alice@example.com"
FIRST = datetime(2027, 2, 15, 10, tzinfo=BERLIN)


@pytest.fixture
def harness() -> Iterator[ExchangeHarness]:
    spec = load_registry(["exchange"]).harnesses[(Role.MAILBOX, "exchange")]
    made = spec.offline()
    assert isinstance(made, ExchangeHarness) and spec.live is None
    yield made
    made.close()


def _series(**fields: object) -> CalendarItem:
    values: dict[str, object] = {
        "kind": ItemKind.SERIES,
        "subject": "Team sync",
        "start": FIRST,
        "end": FIRST + timedelta(hours=1),
        "zone": "Europe/Berlin",
        "recurrence": Recurrence(rule="FREQ=WEEKLY;COUNT=6", zone="Europe/Berlin"),
    }
    values.update(fields)
    return CalendarItem(**values)  # type: ignore[arg-type]


def test_open_mailbox_creates_it_in_its_zone(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE, zone="Europe/Berlin")
    assert provider.address == ALICE
    assert harness.emulator.snapshot()["mailboxes"][0]["time_zone"] == "W. Europe Standard Time"  # type: ignore[index]
    assert provider.pull(None).changed == ()
    assert harness.open_mailbox(ALICE).address == ALICE  # a second provider, same mailbox


def test_seed_and_read_back_a_meeting(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE, zone="Europe/Berlin")
    item = CalendarItem(
        subject="Review",
        body="Notes",
        location="Room 2",
        start=FIRST,
        end=FIRST + timedelta(hours=1),
        zone="Europe/Berlin",
        privacy=Privacy.PRIVATE,
        show_as=ShowAs.TENTATIVE,
        categories=("Customer",),
        organizer=Participant(address="bob@example.com"),
        attendees=(Participant(address=ALICE, response=ResponseStatus.TENTATIVE),),
        attendee_copy=True,
        counterpart_id="00U1",
    )
    item_id = harness.seed(ALICE, item)
    read = harness.read(ALICE, item_id)
    assert read is not None
    assert (read.subject, read.body, read.location, read.zone) == (
        "Review",
        "Notes",
        "Room 2",
        "W. Europe Standard Time",
    )
    assert (read.start, read.end) == (item.start, item.end)
    assert (read.privacy, read.show_as, read.categories) == (
        Privacy.PRIVATE,
        ShowAs.TENTATIVE,
        ("Customer",),
    )
    assert read.organizer is not None and read.organizer.address == "bob@example.com"
    assert read.attendee_copy and read.counterpart_id == "00U1"
    [pulled] = provider.pull(None).changed
    assert pulled == read  # the harness reads what the provider reports


def test_series_occurrences_and_removals(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE, zone="Europe/Berlin")
    excluded = FIRST + timedelta(weeks=1)
    series_id = harness.seed(
        ALICE,
        _series(
            recurrence=Recurrence(
                rule="FREQ=WEEKLY;COUNT=6", zone="Europe/Berlin", exclusions=(excluded,)
            )
        ),
    )
    moved = FIRST + timedelta(weeks=2)
    exception_id = harness.edit_occurrence(
        ALICE,
        series_id,
        moved,
        subject="Moved",
        start=moved + timedelta(hours=2),
        end=moved + timedelta(hours=3),
    )
    harness.remove_occurrence(ALICE, series_id, FIRST + timedelta(weeks=3))
    harness.remove_occurrence(ALICE, series_id, FIRST + timedelta(weeks=3))  # already gone
    series = harness.read(ALICE, series_id)
    assert series is not None and series.recurrence is not None
    assert series.recurrence.exclusions == (excluded, FIRST + timedelta(weeks=3))
    exception = harness.read(ALICE, exception_id)
    assert exception is not None and exception.kind is ItemKind.EXCEPTION
    assert (exception.series_id, exception.original_start, exception.subject) == (
        series_id,
        moved,
        "Moved",
    )
    assert [i.kind for i in harness.items(ALICE)] == [ItemKind.SERIES, ItemKind.EXCEPTION]
    pulled = {i.ref.id: i for i in provider.pull(None).changed}  # type: ignore[union-attr]
    assert pulled[series_id] == series and pulled[exception_id] == exception
    harness.remove(ALICE, series_id)
    harness.remove(ALICE, series_id)
    assert harness.read(ALICE, series_id) is None and harness.items(ALICE) == ()


def test_all_day_seeds_and_edits(harness: ExchangeHarness) -> None:
    harness.open_mailbox(ALICE, zone="Pacific/Kiritimati")
    item_id = harness.seed(
        ALICE, CalendarItem(subject="Off", start=date(2027, 3, 1), end=date(2027, 3, 3))
    )
    read = harness.read(ALICE, item_id)
    assert read is not None and (read.start, read.end) == (date(2027, 3, 1), date(2027, 3, 3))
    harness.edit(ALICE, item_id, start=date(2027, 3, 2), end=date(2027, 3, 3), subject="Shorter")
    read = harness.read(ALICE, item_id)
    assert read is not None and (read.start, read.end, read.subject) == (
        date(2027, 3, 2),
        date(2027, 3, 3),
        "Shorter",
    )


def test_edit_keeps_markers_and_marker_reports_them(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE, zone="Europe/Berlin")
    item_id = harness.seed(
        ALICE, CalendarItem(subject="x", start=FIRST, end=FIRST + timedelta(hours=1))
    )
    assert harness.marker(ALICE, item_id) == MarkerView(flagged=False)
    marker = Marker(code="UNSUPPORTED_TIME_ZONE", detail="No zone")
    provider.set_markers([MarkerChange(item_id=item_id, marker=marker)])
    assert harness.marker(ALICE, item_id) == MarkerView(flagged=True, detail="Sync Error: No zone")
    harness.edit(ALICE, item_id, categories=("Mine",))
    read = harness.read(ALICE, item_id)
    assert read is not None and read.categories == ("Mine",)
    assert harness.marker(ALICE, item_id).flagged
    provider.set_markers([MarkerChange(item_id=item_id, marker=None)])
    assert harness.marker(ALICE, item_id) == MarkerView(flagged=False)
    assert harness.marker(ALICE, "AAMkbm90LWFuLWlk") == MarkerView(flagged=False)


def test_invitations_are_counted(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE)
    meeting = CalendarItem(
        subject="Meet",
        start=FIRST,
        end=FIRST + timedelta(hours=1),
        attendees=(Participant(address="bob@example.com"),),
    )
    provider.write([Write.create(meeting)])
    assert harness.invitations_sent() == 0


def test_faults_on_provider_calls_and_on_operations(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE)
    item = CalendarItem(subject="x", start=FIRST, end=FIRST + timedelta(hours=1))
    harness.inject(FaultKind.THROTTLE, endpoint="pull", retry_after=7)
    with pytest.raises(ThrottledError) as raised:
        provider.pull(None)
    assert raised.value.retry_after == 7
    harness.inject(FaultKind.PARTIAL_FAILURE, endpoint="write")
    results = provider.write([Write.create(item), Write.create(item.evolve(subject="y"))])
    assert [r.ok for r in results] == [True, False]
    harness.inject(FaultKind.SERVER_ERROR, endpoint="GetItem", times=None)
    with pytest.raises(ServiceUnavailableError):
        provider.fetch(["x"])
    harness.clear_faults()
    assert provider.fetch([]) == {}
    assert provider.pull(None).full


def test_revoked_credentials_are_refused_until_restored(harness: ExchangeHarness) -> None:
    provider = harness.open_mailbox(ALICE)
    provider.pull(None)
    harness.revoke_credentials()
    with pytest.raises(AuthError):
        provider.pull(None)
    harness.restore_credentials()
    assert provider.pull(None).full
