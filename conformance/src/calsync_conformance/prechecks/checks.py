"""The pre-checks, in the order they run.

Each seeds a little through the harness and calls the provider directly, so that a failure
names the one rule it breaks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import pytest

from calsync.emulation import FaultKind
from calsync.errors import CursorExpiredError
from calsync.harness import WIRE_ITEM
from calsync.markers import Marker, MarkerChange, is_marker_label
from calsync.model import CalendarItem, ItemKind
from calsync.providers import Capability, Delta, Role, Write
from calsync.recurrence import Recurrence
from calsync.timezones import to_zoneinfo
from calsync_conformance.cases.series import weekly
from calsync_conformance.prechecks.registry import expect, precheck
from calsync_conformance.registry import BOTH
from calsync_conformance.scenario import ZONE, Scenario

MAILBOX: Final = frozenset({Role.MAILBOX})


def _alice(s: Scenario) -> tuple[str, str]:
    """The mailbox address and CRM user id of alice."""
    return s.add_mailbox("alice"), s.users["alice"]


def _pull(s: Scenario, cursor: str | None) -> Delta:
    """The tested provider's delta (the CRM's for alice)."""
    if s.role is Role.MAILBOX:
        return s.mailbox_provider("alice").pull(cursor)
    return s.crm_provider.pull(cursor, owner=s.users["alice"])


def _seed(s: Scenario, item: CalendarItem) -> str:
    """Create ``item`` on the tested side, as a person would (alice's)."""
    if s.role is Role.MAILBOX:
        return s.mail.seed(s.addresses["alice"], item)
    return s.crm.seed(s.users["alice"], item)


def _listed(s: Scenario) -> tuple[CalendarItem, ...]:
    """What the tested side's harness lists (alice's)."""
    if s.role is Role.MAILBOX:
        return s.mail.items(s.addresses["alice"])
    return s.crm.items(s.users["alice"])


def _tokens(items: Iterable[CalendarItem]) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for item in items:
        expect(item.ref is not None, f"pull() returned {item.subject!r} without a ref")
        assert item.ref is not None
        expect(item.ref.change_token, f"pull() returned {item.subject!r} without a change token")
        tokens[item.ref.id] = item.ref.change_token
    return tokens


@precheck(
    "PRE-tokens",
    "a change token changes on every change of an item and, in a mailbox, differs between "
    "items, a series master and its exceptions included",
    anchor="change-tokens",
    roles=BOTH,
)
def token_uniqueness(s: Scenario) -> None:
    _alice(s)
    first = _seed(s, s.item("First"))
    _seed(s, s.item("Second", days=2))
    if s.supports(Capability.RECURRENCE, "a series master and its exception"):
        series = _seed(s, weekly(s, "Weekly", count=4, weeks_ago=0))
        if s.role is Role.MAILBOX:
            moved = s.at(0.5) + timedelta(weeks=1)
            s.mail.edit_occurrence(s.addresses["alice"], series, moved, subject="Moved one")
    before = _tokens(_pull(s, None).changed)
    # The engine remembers an occurrence with its master's token until the occurrence turns
    # into an exception: equal tokens there hide the change. A CRM record's token is only
    # compared with the token remembered for that record (Salesforce's SystemModstamp, shared
    # by the records of one transaction, is fine).
    shared = [t for t, n in Counter(before.values()).items() if n > 1 and s.role is Role.MAILBOX]
    for token in shared:
        ids = sorted(i for i, t in before.items() if t == token)
        expect(False, f"items {', '.join(ids)} share the change token {token!r}")
    if s.role is Role.MAILBOX:
        s.mail.edit(s.addresses["alice"], first, location="Room 9")
    else:
        s.crm.edit(first, location="Room 9")
    after = _tokens(_pull(s, None).changed)
    expect(
        after.get(first) != before.get(first),
        f"item {first} kept the change token {before.get(first)!r} after its location changed",
    )


ORDER: Final = (("Charlie", 3), ("Alpha", 1), ("Bravo", 2))


@precheck(
    "PRE-order",
    "the harness's items() lists items in the order they were created",
    anchor="item-order",
    roles=BOTH,
)
def creation_order(s: Scenario) -> None:
    _alice(s)
    created = [f"{name} (order)" for name, _ in ORDER]
    for subject, (_, days) in zip(created, ORDER, strict=True):
        _seed(s, s.item(subject, days=days))
    listed = [i.subject for i in _listed(s) if i.subject in created]
    expect(listed == created, f"items() listed {listed}; they were created as {created}")


#: What a marker must not change, as the person and the engine see the item.
PERSONAL: Final = ("subject", "location", "body", "categories", "start", "end", "privacy")


def _shown(label: str, before: CalendarItem | None, after: CalendarItem | None) -> None:
    expect(after is not None, f"{label} no longer finds the item once it is marked")
    assert before is not None and after is not None
    for name in PERSONAL:
        was, now = getattr(before, name), getattr(after, name)
        expect(was == now, f"{label} shows the marker: {name} {was!r} before, {now!r} after")
    labels = [c for c in after.categories if is_marker_label(c)]
    expect(not labels, f"{label} shows the marker labels {labels}")


@precheck(
    "PRE-markers",
    "what the harness reads back and what the provider pulls hide calsync's markers: "
    "the item looks as it did before it was marked",
    anchor="markers-on-read-back",
    roles=MAILBOX,
    requires={Capability.MARKERS},
)
def read_back_hides_markers(s: Scenario) -> None:
    alice, _ = _alice(s)
    item_id = s.mail.seed(alice, s.item("Marked", location="Room 1", body="Agenda"))
    provider = s.mailbox_provider("alice")
    read, fetched = s.mail.read(alice, item_id), provider.fetch([item_id]).get(item_id)
    marker = Marker(code="UNSUPPORTED_TIME_ZONE", detail="Its time zone has no CRM equivalent")
    [result] = provider.set_markers([MarkerChange(item_id=item_id, marker=marker)])
    expect(result.ok, f"set_markers() failed: {result.failure}")
    expect(
        s.mail.marker(alice, item_id).flagged,
        "the harness's marker() does not see the marker set_markers() put on",
    )
    _shown("the harness's read()", read, s.mail.read(alice, item_id))
    listed = [i for i in s.mail.items(alice) if i.ref and i.ref.id == item_id]
    _shown("the harness's items()", read, listed[0] if listed else None)
    _shown("the provider's fetch()", fetched, provider.fetch([item_id]).get(item_id))


@precheck(
    "PRE-edit",
    "the harness's edit() changes an item's zone (keeping its instants), and turns a single "
    "item into a series and a series into a single item, as a person can",
    anchor="editing-items",
    roles=MAILBOX,
)
def edit_kind_recurrence_zone(s: Scenario) -> None:
    alice, _ = _alice(s)
    zoned = s.mail.seed(alice, s.item("Moves to New York"))
    s.mail.edit(alice, zoned, zone="America/New_York")
    held = s.mail.read(alice, zoned)
    expect(held is not None, "the item is gone after edit(zone=...)")
    assert held is not None
    expect(
        _offset(held.zone, held) == _offset("America/New_York", held),
        f"edit(zone='America/New_York') read back as zone {held.zone!r}",
    )
    expect(
        (held.start, held.end) == (s.at(1), s.at(1) + timedelta(hours=1)),
        f"edit(zone=...) alone moved the item to {held.start} to {held.end}; it keeps the instants",
    )
    if not s.supports(Capability.RECURRENCE, "kind and recurrence edits"):
        return
    single = s.mail.seed(alice, s.item("Becomes a series", days=2))
    series = s.mail.seed(alice, weekly(s, "Becomes single"))
    daily = Recurrence(rule="FREQ=DAILY;COUNT=3", zone=ZONE)
    s.mail.edit(alice, single, kind=ItemKind.SERIES, recurrence=daily)
    s.mail.edit(alice, series, kind=ItemKind.SINGLE, recurrence=None)
    now_series, now_single = s.mail.read(alice, single), s.mail.read(alice, series)
    expect(
        now_series is not None
        and now_series.kind is ItemKind.SERIES
        and now_series.recurrence is not None
        and {"FREQ=DAILY", "COUNT=3"} <= set(now_series.recurrence.rule.split(";")),
        "edit(kind=SERIES, recurrence=FREQ=DAILY;COUNT=3) read back as " + _kind_of(now_series),
    )
    expect(
        now_single is not None
        and now_single.kind is ItemKind.SINGLE
        and now_single.recurrence is None,
        "edit(kind=SINGLE, recurrence=None) read back as " + _kind_of(now_single),
    )


def _offset(zone: str | None, item: CalendarItem) -> timedelta | None:
    """The UTC offset of ``zone`` (an IANA or Windows id) at the item's start."""
    rules = to_zoneinfo(zone)
    return None if rules is None else rules.utcoffset(item.start)  # type: ignore[arg-type]


def _kind_of(item: CalendarItem | None) -> str:
    if item is None:
        return "nothing (the item is gone)"
    rule = item.recurrence.rule if item.recurrence else None
    return f"kind {item.kind}, recurrence {rule!r}"


@precheck(
    "PRE-occurrence",
    "write() addresses an occurrence with no id of its own by item.series_id and "
    "item.original_start: an update makes it an exception, a delete excludes it",
    anchor="occurrences",
    roles=MAILBOX,
    requires={Capability.RECURRENCE},
)
def occurrence_writes_without_a_target(s: Scenario) -> None:
    alice, _ = _alice(s)
    series_id = s.mail.seed(alice, weekly(s, "Occurrences", count=4, weeks_ago=0))
    provider = s.mailbox_provider("alice")
    master = provider.fetch([series_id]).get(series_id)
    expect(master is not None, f"fetch() does not find the series {series_id}")
    assert master is not None
    second, third = (s.at(0.5) + timedelta(weeks=n) for n in (1, 2))

    def occurrence(original: datetime, **changes: object) -> CalendarItem:
        values: dict[str, object] = {
            "ref": None,
            "kind": ItemKind.EXCEPTION,
            "recurrence": None,
            "series_id": series_id,
            "original_start": original,
            "start": original,
            "end": original + timedelta(hours=1),
            "counterpart_id": None,
        }
        return master.evolve(**{**values, **changes})  # type: ignore[arg-type]

    moved = occurrence(
        second, start=second + timedelta(hours=2), end=second + timedelta(hours=3), subject="Moved"
    )
    results = provider.write([Write.update(None, moved), Write.delete(None, occurrence(third))])
    for write, result in zip(("the update", "the delete"), results, strict=True):
        failure = result.failure
        expect(
            failure is None,
            f"write() refused {write} of an occurrence: {failure and failure.code}: "
            f"{failure and failure.message}",
        )
    held = [
        i for i in s.mail.items(alice) if i.series_id == series_id and i.original_start == second
    ]
    expect(
        [(i.start, i.subject) for i in held] == [(moved.start, "Moved")],
        f"after the update the mailbox holds {[(i.start, i.subject) for i in held]} "
        f"for the occurrence of {second}",
    )
    now = s.mail.read(alice, series_id)
    exclusions = now.recurrence.exclusions if now and now.recurrence else ()
    expect(
        third in exclusions,
        f"after the delete the series excludes {list(exclusions)}, not {third}",
    )


@precheck(
    "PRE-cursor",
    "pull() with a cursor the service no longer accepts raises CursorExpiredError; "
    "pull(None) then lists everything, nothing lost",
    anchor="cursors-and-expiry",
    roles=BOTH,
)
def expired_cursor(s: Scenario) -> None:
    _alice(s)
    cursor = _pull(s, None).cursor
    expect(cursor, "pull(None) returned no cursor")
    later = _seed(s, s.item("After the cursor"))
    # "pull" names the request that reads changes, as the sandbox's endpoints do.
    s.tested.inject(FaultKind.CURSOR_EXPIRED, endpoint="pull")
    try:
        answered = _pull(s, cursor)
    except CursorExpiredError:
        pass
    else:
        listed = "with" if later in {i.ref.id for i in answered.changed if i.ref} else "without"
        expect(
            False,
            f"pull() answered the expired cursor ({listed} the item created since) instead of "
            "raising calsync.errors.CursorExpiredError; the harness's inject() must arm the "
            "fault on the request that reads changes when asked for endpoint 'pull'",
        )
    finally:
        s.tested.clear_faults()
    full = _pull(s, None)
    expect(full.full, "after CursorExpiredError, pull(None) is not marked full")
    expect(
        later in {i.ref.id for i in full.changed if i.ref},
        f"after CursorExpiredError, pull(None) misses the item created since ({later})",
    )


#: What the provider must read back from the documented record exactly as WIRE_ITEM has it.
READ_BACK: Final = ("subject", "start", "end", "location")


@precheck(
    "PRE-wire",
    "what the provider writes and what the harness seeds for a known item (WIRE_ITEM) is "
    "the record the service documents, and the provider reads that record back as the item",
    anchor="seeding",
    roles=BOTH,
)
def wire_sample(s: Scenario) -> None:
    expected = s.tested.wire_sample()
    if expected is None:
        pytest.skip(f"not applicable: the {s.tested.provider_name} harness has no wire_sample()")
    _, user = _alice(s)
    mailbox = s.addresses["alice"] if s.role is Role.MAILBOX else None
    item = WIRE_ITEM if mailbox else WIRE_ITEM.evolve(owner=user)
    provider = s.mailbox_provider("alice") if mailbox else s.crm_provider
    [written] = provider.write([Write.create(item)])
    expect(written.ok and written.ref, f"write() refused WIRE_ITEM: {written.failure}")
    assert written.ref is not None
    seeded = _seed(s, item)
    for who, item_id in (("the provider wrote", written.ref.id), ("the harness seeded", seeded)):
        wrong = _differences(expected, s.tested.wire(item_id, mailbox))
        expect(not wrong, f"{who} {'; '.join(wrong)}")
    held = provider.fetch([seeded]).get(seeded)
    expect(held is not None, f"fetch() does not find the seeded WIRE_ITEM {seeded}")
    for name in READ_BACK:
        got = getattr(held, name)
        expect(got == getattr(item, name), f"the provider reads the record's {name} as {got!r}")


def _differences(expected: Mapping[str, Any], held: Mapping[str, Any], path: str = "") -> list[str]:
    """Where ``held`` differs from ``expected`` (only the fields ``expected`` names)."""
    wrong = []
    for key, want in expected.items():
        got = held.get(key, "nothing")
        if isinstance(want, Mapping) and isinstance(got, Mapping):
            wrong += _differences(want, got, f"{path}{key}.")
        elif got != want:
            wrong.append(f"{path}{key} {got!r} where the service documents {want!r}")
    return wrong
