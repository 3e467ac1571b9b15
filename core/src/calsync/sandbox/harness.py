"""Conformance harnesses for the sandbox providers: seed and read their services directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC
from typing import Any, Final

from calsync.emulation import Fault, FaultKind
from calsync.harness import CrmHarness, MailboxHarness, MarkerView
from calsync.markers import DEFAULT_TITLE, own_categories
from calsync.model import CalendarItem, ItemKind, Moment
from calsync.providers import PersonKind
from calsync.sandbox.crm import SandboxCrm
from calsync.sandbox.mailbox import SandboxMailbox
from calsync.sandbox.world import Sandbox

__all__ = ["SandboxCrmHarness", "SandboxMailboxHarness"]

#: What the sandbox services hold for :data:`~calsync.harness.WIRE_ITEM` (times in UTC).
WIRE_RECORD: Final[Mapping[str, Any]] = {
    "subject": "Wire sample",
    "location": "Room 1",
    "start": "2027-06-07T08:00:00Z",
    "end": "2027-06-07T09:00:00Z",
    "zone": "Europe/Berlin",
}


def _record(item: CalendarItem | None) -> Mapping[str, Any]:
    """A stored item as the sandbox's "wire": its fields, times in UTC."""
    if item is None:
        raise KeyError("no such item")
    times = {k: f"{getattr(item, k).astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" for k in ("start", "end")}
    return {"subject": item.subject, "location": item.location, "zone": item.zone, **times}


class SandboxMailboxHarness(MailboxHarness):
    """Drives the sandbox mailbox service of a private world."""

    provider_name = "sandbox"

    def __init__(self, world: Sandbox | None = None) -> None:
        """Use ``world`` (a fresh one by default)."""
        self.world = world or Sandbox()
        self.service = self.world.mailboxes

    def open_mailbox(self, address: str, *, zone: str = "UTC") -> SandboxMailbox:
        """The provider bound to ``address``."""
        return SandboxMailbox(self.service, address)

    def seed(self, address: str, item: CalendarItem) -> str:
        """Store ``item`` directly."""
        stored = self.service.put(address, item.evolve(owner=address.lower()))
        assert stored.ref is not None
        return stored.ref.id

    def read(self, address: str, item_id: str) -> CalendarItem | None:
        """The item without marker labels (see :meth:`marker`)."""
        item = self.service.calendar(address).items.get(item_id)
        return None if item is None else item.evolve(categories=own_categories(item.categories))

    def items(self, address: str) -> tuple[CalendarItem, ...]:
        """Every stored item."""
        return tuple(
            i.evolve(categories=own_categories(i.categories))
            for i in self.service.calendar(address).items.values()
        )

    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        """Change an item as the person would."""
        current = self.service.calendar(address).items[item_id]
        self.service.put(address, current.evolve(**changes), item_id)

    def edit_occurrence(
        self, address: str, series_id: str, original_start: Moment, **changes: Any
    ) -> str:
        """Turn one occurrence into an exception (or change the exception)."""
        existing = self.service.exception_of(address, series_id, original_start)
        if existing is not None and existing.ref is not None:
            self.edit(address, existing.ref.id, **changes)
            return existing.ref.id
        master = self.service.calendar(address).items[series_id]
        occurrence = master.evolve(
            ref=None,
            kind=ItemKind.EXCEPTION,
            recurrence=None,
            series_id=series_id,
            original_start=original_start,
            start=original_start,
            end=original_start + master.duration,
            counterpart_id=None,
        )
        stored = self.service.put(address, occurrence.evolve(**changes))
        # The master changes too (it gains a modified occurrence), as in Exchange.
        self.service.put(address, master, series_id)
        assert stored.ref is not None
        return stored.ref.id

    def remove(self, address: str, item_id: str) -> None:
        """Delete an item."""
        self.service.drop(address, item_id)

    def remove_occurrence(self, address: str, series_id: str, original_start: Moment) -> None:
        """Delete one occurrence."""
        self.service.remove_occurrence(address, series_id, original_start)

    def marker(self, address: str, item_id: str) -> MarkerView:
        """The marker categories on the item."""
        item = self.service.calendar(address).items.get(item_id)
        labels = item.categories if item else ()
        detail = next((c for c in labels if c.startswith(f"{DEFAULT_TITLE}: ")), None)
        return MarkerView(flagged=DEFAULT_TITLE in labels, detail=detail)

    def wire_sample(self) -> Mapping[str, Any]:
        """What the service holds for the wire item."""
        return WIRE_RECORD

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The stored item's fields."""
        return _record(self.service.calendar(address or "").items.get(item_id))

    def invitations_sent(self) -> int:
        """The sandbox service has no way to send invitations at all."""
        return 0

    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Arm a fault on the service."""
        self.service.faults.arm(Fault(kind=FaultKind(kind), **options))

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.service.faults.clear()

    def revoke_credentials(self) -> None:
        """Refuse every mailbox's credentials."""
        self.service.revoked.add("*")

    def restore_credentials(self) -> None:
        """Accept credentials again."""
        self.service.revoked.clear()


class SandboxCrmHarness(CrmHarness):
    """Drives the sandbox CRM of a private world."""

    provider_name = "sandbox"

    def __init__(self, world: Sandbox | None = None) -> None:
        """Use ``world`` (a fresh one by default)."""
        self.world = world or Sandbox()
        self.service = self.world.crm

    def open_crm(self) -> SandboxCrm:
        """The provider bound to the org."""
        return SandboxCrm(self.service)

    def add_user(self, address: str, *, zone: str = "GMT") -> str:
        """Create an active user."""
        return self.service.add_user(address)

    def add_contact(self, address: str, *, name: str = "") -> str:
        """Create a contact."""
        return self.service.add_person(PersonKind.CONTACT, address, name)

    def add_lead(self, address: str, *, name: str = "") -> str:
        """Create a lead."""
        return self.service.add_person(PersonKind.LEAD, address, name)

    def add_account(self, name: str) -> str:
        """Create an account."""
        account_id = self.service.new_id("001")
        self.service.org.accounts[account_id] = name
        return account_id

    def configure(
        self, *, recurring_events: bool | None = None, shared_activities: bool | None = None
    ) -> None:
        """Switch org features."""
        features = self.service.features
        self.service.features = replace(
            features,
            recurring_events=features.recurring_events
            if recurring_events is None
            else recurring_events,
            shared_activities=features.shared_activities
            if shared_activities is None
            else shared_activities,
        )

    def deny_field(self, field: str) -> None:
        """Forbid writing the item field ``field``."""
        self.service.denied.add(field)

    def add_validation_rule(self, *, message: str, subject_contains: str) -> None:
        """Refuse events whose subject contains ``subject_contains``."""
        from calsync.sandbox.crm import _Rule

        self.service.rules.append(_Rule(message=message, subject_contains=subject_contains))

    def seed(self, owner: str, item: CalendarItem, *, invitees: tuple[str, ...] = ()) -> str:
        """Create an event (a series with its occurrence records) and the invitees' copies."""
        item = item.evolve(owner=owner)
        stored = (
            self.service.create_series(item)
            if item.kind is ItemKind.SERIES
            else self.service.put(item)
        )
        assert stored.ref is not None
        for invitee in invitees:
            copy = self.service.put(
                item.evolve(owner=invitee, attendee_copy=True, counterpart_id=None)
            )
            assert copy.ref is not None
            self.service.org.parents[copy.ref.id] = stored.ref.id
        return stored.ref.id

    def read(self, item_id: str) -> CalendarItem | None:
        """The event as the API shows it."""
        item = self.service.org.events.get(item_id)
        return None if item is None else self.service.view(item)

    def items(self, owner: str | None = None) -> tuple[CalendarItem, ...]:
        """Every event (of ``owner``)."""
        return tuple(
            self.service.view(e)
            for e in self.service.org.events.values()
            if owner is None or e.owner == owner
        )

    def edit(self, item_id: str, **changes: Any) -> None:
        """Change an event as a CRM user would."""
        current = self.service.org.events[item_id]
        self.service.put(current.evolve(**changes), item_id)

    def remove(self, item_id: str) -> None:
        """Delete an event."""
        self.service.drop(item_id)

    def wire_sample(self) -> Mapping[str, Any]:
        """What the org holds for the wire item."""
        return WIRE_RECORD

    def wire(self, item_id: str, address: str | None = None) -> Mapping[str, Any]:
        """The stored event's fields."""
        return _record(self.service.org.events.get(item_id))

    def received(self) -> tuple[str, ...]:
        """Every call the org answered, with its arguments."""
        return tuple(self.service.received)

    def inject(self, kind: FaultKind, **options: Any) -> None:
        """Arm a fault on the org."""
        self.service.faults.arm(Fault(kind=FaultKind(kind), **options))

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.service.faults.clear()

    def revoke_credentials(self) -> None:
        """Refuse the sync user's session."""
        self.service.revoked = True

    def restore_credentials(self) -> None:
        """Accept the session again."""
        self.service.revoked = False
