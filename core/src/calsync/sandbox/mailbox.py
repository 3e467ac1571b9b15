"""The sandbox mailbox: an in-memory calendar service and the provider bound to it.

The service behaves like the real ones in the ways that matter to a sync: every change
(markers included) gets a new change token and shows up in the next delta, occurrences
of a series have no record of their own until one is changed (then it becomes an
exception), deleting an occurrence adds an exclusion to its master, and old cursors
expire. The provider reads and writes it only through its public methods.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from calsync.emulation import FaultPlan
from calsync.errors import CursorExpiredError
from calsync.markers import MarkerChange, own_categories
from calsync.model import CalendarItem, ItemKind, ItemRef, Moment
from calsync.policy import Operation
from calsync.providers import (
    SYNCED_FIELDS,
    Capability,
    Delta,
    ItemFailure,
    MailboxProvider,
    ProviderContext,
    Removal,
    Write,
    WriteResult,
)
from calsync.sandbox import faults

__all__ = ["MailboxService", "SandboxMailbox", "SandboxSettings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxSettings:
    """Settings of both sandbox providers."""

    #: The in-memory world to use; providers naming the same world share its services.
    world: str = "default"


@dataclass(slots=True)
class _Calendar:
    """One mailbox's calendar: items by id, with the change log deltas read from."""

    items: dict[str, CalendarItem] = field(default_factory=dict)
    #: id -> sequence number of its last change.
    versions: dict[str, int] = field(default_factory=dict)
    #: sequence number -> removal, for deltas.
    removed: dict[int, Removal] = field(default_factory=dict)
    #: Cursors older than this are refused (the service forgot those changes).
    horizon: int = 0


class MailboxService:
    """An in-memory calendar service holding any number of mailboxes."""

    def __init__(self) -> None:
        """Start empty."""
        self.calendars: dict[str, _Calendar] = {}
        self.faults = FaultPlan()
        #: Addresses whose credentials are refused; ``"*"`` refuses every mailbox.
        self.revoked: set[str] = set()
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self.last_seq = 0

    def calendar(self, address: str) -> _Calendar:
        """The calendar of ``address``, created empty if new."""
        return self.calendars.setdefault(address.lower(), _Calendar())

    def _bump(self) -> int:
        self.last_seq = next(self._seq)
        return self.last_seq

    def put(self, address: str, item: CalendarItem, item_id: str | None = None) -> CalendarItem:
        """Store ``item`` (a new one when ``item_id`` is ``None``) and return it with its ref."""
        calendar = self.calendar(address)
        item_id = item_id or f"mbx-{next(self._ids)}"
        seq = self._bump()
        stored = item.evolve(ref=ItemRef(provider="sandbox", id=item_id, change_token=str(seq)))
        calendar.items[item_id] = stored
        calendar.versions[item_id] = seq
        return stored

    def drop(self, address: str, item_id: str) -> CalendarItem | None:
        """Delete an item (a master takes its exceptions with it); return what was deleted."""
        calendar = self.calendar(address)
        item = calendar.items.pop(item_id, None)
        if item is None:
            return None
        calendar.versions.pop(item_id, None)
        calendar.removed[self._bump()] = Removal(
            id=item_id, series_id=item.series_id, original_start=item.original_start
        )
        if item.kind is ItemKind.SERIES:
            for other in [i for i in calendar.items.values() if i.series_id == item_id]:
                assert other.ref is not None
                self.drop(address, other.ref.id)
        return item

    def exception_of(
        self, address: str, series_id: str, original_start: Moment
    ) -> CalendarItem | None:
        """The stored exception of a series at ``original_start``, if any."""
        for item in self.calendar(address).items.values():
            if item.series_id == series_id and item.original_start == original_start:
                return item
        return None

    def remove_occurrence(self, address: str, series_id: str, original_start: Moment) -> bool:
        """Exclude one occurrence from its series; ``False`` when the series is gone."""
        calendar = self.calendar(address)
        master = calendar.items.get(series_id)
        if master is None or master.recurrence is None:
            return False
        exception = self.exception_of(address, series_id, original_start)
        if exception is not None and exception.ref is not None:
            self.drop(address, exception.ref.id)
        self.put(
            address,
            master.evolve(recurrence=master.recurrence.with_exclusion(original_start)),
            series_id,
        )
        return True

    def expire_cursors(self, address: str) -> None:
        """Forget the change log, as a service does after a while: old cursors stop working."""
        self.calendar(address).horizon = self.last_seq + 1


class SandboxMailbox(MailboxProvider):
    """The provider for a sandbox mailbox."""

    name = "sandbox"
    capabilities = frozenset(
        {
            Capability.RECURRENCE,
            Capability.ALL_DAY,
            Capability.PRIVACY,
            Capability.MEETINGS,
            Capability.CROSS_REFERENCE,
            Capability.MARKERS,
            Capability.DESIGNATION,
            Capability.SPECIAL_EVENT_TYPES,
        }
    )
    settings_type = SandboxSettings

    def __init__(self, service: MailboxService, address: str) -> None:
        """Serve ``address`` in ``service``."""
        self.service = service
        self._address = address.lower()
        service.calendar(self._address)

    @classmethod
    def from_context(cls, context: ProviderContext) -> Self:
        """Bind to the mailbox ``context.address`` in the configured world."""
        from calsync.sandbox.world import Sandbox

        settings = context.settings or SandboxSettings()
        if context.address is None:
            raise ValueError("a mailbox provider needs the mailbox address")
        return cls(Sandbox.named(settings.world).mailboxes, context.address)

    @property
    def address(self) -> str:
        """The mailbox owner's address."""
        return self._address

    def probe(self) -> str:
        """Whether the mailbox's credentials hold (the sandbox has nothing else to reach)."""
        self._check("pull")
        return f"calendar of {self._address}"

    def _check(self, endpoint: str) -> Any:
        return faults.check(
            self.service.faults,
            endpoint,
            side="mailbox",
            revoked=bool({self._address, "*"} & self.service.revoked),
        )

    def _visible(self, item: CalendarItem) -> CalendarItem:
        """The item as the sync sees it: marker labels are not the person's categories."""
        return item.evolve(categories=own_categories(item.categories))

    def pull(self, cursor: str | None) -> Delta:
        """Everything changed since ``cursor``; a full delta for ``None``."""
        self._check("pull")
        calendar = self.service.calendar(self._address)
        head = str(self.service.last_seq)
        if cursor is None:
            items = tuple(self._visible(i) for i in calendar.items.values())
            return Delta(changed=items, cursor=head, full=True)
        try:
            since = int(cursor)
        except ValueError:
            raise CursorExpiredError(f"cursor {cursor!r} is not one this mailbox issued") from None
        if since < calendar.horizon - 1:
            raise CursorExpiredError("the mailbox no longer knows changes that old")
        changed = tuple(
            self._visible(calendar.items[item_id])
            for item_id, seq in sorted(calendar.versions.items(), key=lambda pair: pair[1])
            if seq > since
        )
        removed = tuple(r for seq, r in sorted(calendar.removed.items()) if seq > since)
        return Delta(changed=changed, removed=removed, cursor=head)

    def fetch(self, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Current state of ``ids``."""
        self._check("fetch")
        items = self.service.calendar(self._address).items
        return {i: self._visible(items[i]) for i in ids if i in items}

    def find_by_counterpart(self, counterpart_ids: Sequence[str]) -> Mapping[str, CalendarItem]:
        """Items carrying one of ``counterpart_ids``."""
        self._check("find")
        wanted = set(counterpart_ids)
        return {
            item.counterpart_id: self._visible(item)
            for item in self.service.calendar(self._address).items.values()
            if item.counterpart_id in wanted
        }

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes`` one by one; a partial-failure fault fails the first."""
        fault = self._check("write")
        results = []
        for index, write in enumerate(writes):
            if fault is not None and index == 0:
                results.append(_injected_failure())
                continue
            results.append(self._apply(write))
        return results

    def _apply(self, write: Write) -> WriteResult:
        service, address = self.service, self._address
        calendar = service.calendar(address)
        item = write.item
        if write.operation is Operation.CREATE:
            assert item is not None
            stored = service.put(address, item.evolve(owner=address))
            return WriteResult(ref=stored.ref)
        target = write.target
        if target is None and item is not None and item.occurrence_key is not None:
            series_id, original_start = item.occurrence_key
            if write.operation is Operation.DELETE:
                service.remove_occurrence(address, series_id, original_start)
                return WriteResult()  # removed, or already gone
            existing = service.exception_of(address, series_id, original_start)
            if existing is None:
                if series_id not in calendar.items:
                    return _not_found(series_id)
                stored = service.put(address, item.evolve(kind=ItemKind.EXCEPTION, owner=address))
                return WriteResult(ref=stored.ref)
            assert existing.ref is not None
            target = existing.ref.id
        assert target is not None
        current = calendar.items.get(target)
        if current is None:
            return WriteResult() if write.operation is Operation.DELETE else _not_found(target)
        if write.operation is Operation.DELETE:
            service.drop(address, target)
            return WriteResult()
        assert item is not None
        # A mailbox shows no CRM associations and keeps its own owner.
        fields = (write.fields or SYNCED_FIELDS) - {"links", "owner"}
        changes = {name: getattr(item, name) for name in fields}
        if (
            current.kind is ItemKind.SERIES
            and "recurrence" in changes
            and changes["recurrence"] is None
        ):
            changes.pop("recurrence")
        stored = service.put(address, current.evolve(**changes), target)
        return WriteResult(ref=stored.ref)

    def set_markers(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Render markers as categories: the red flag plus a detail category.

        A partial-failure fault fails the first change.
        """
        fault = self._check("markers")
        results = []
        items = self.service.calendar(self._address).items
        for index, change in enumerate(changes):
            if fault is not None and index == 0:
                results.append(_injected_failure())
                continue
            item = items.get(change.item_id)
            if item is None:
                results.append(_not_found(change.item_id))
                continue
            own = own_categories(item.categories)
            labels = own + (change.marker.labels if change.marker else ())
            if labels == item.categories:
                results.append(WriteResult(ref=item.ref))
                continue
            stored = self.service.put(self._address, item.evolve(categories=labels), change.item_id)
            results.append(WriteResult(ref=stored.ref))
        return results


def _injected_failure() -> WriteResult:
    return WriteResult(failure=ItemFailure(code="INTERNAL_ERROR", message="injected failure"))


def _not_found(item_id: str) -> WriteResult:
    return WriteResult(
        failure=ItemFailure(code="INTERNAL_ERROR", message=f"item {item_id} not found")
    )
