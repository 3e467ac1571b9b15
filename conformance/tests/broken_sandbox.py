"""The sandbox with one contract rule broken each, as a newcomer's plugin might break it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from calsync.errors import CursorExpiredError
from calsync.model import CalendarItem
from calsync.policy import Operation
from calsync.providers import Delta, ItemFailure, Write, WriteResult
from calsync.sandbox.crm import SandboxCrm
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox


class SharedTokens(SandboxMailbox):
    """Exceptions carry their master's token, as the ETag of one CalDAV resource would."""

    def _visible(self, item: CalendarItem) -> CalendarItem:
        seen = super()._visible(item)
        if item.series_id is None or seen.ref is None:
            return seen
        master = self.service.calendar(self.address).items[item.series_id]
        assert master.ref is not None
        return seen.evolve(ref=replace(seen.ref, change_token=master.ref.change_token))


class NeedsTarget(SandboxMailbox):
    """Refuses any update or delete without a native id."""

    def _apply(self, write: Write) -> WriteResult:
        if write.target is None and write.operation is not Operation.CREATE:
            return WriteResult(failure=ItemFailure(code="INTERNAL_ERROR", message="no id"))
        return super()._apply(write)


class ForgetsExpiry(SandboxMailbox):
    """Answers an expired cursor with nothing changed, from now on: what changed is lost."""

    def pull(self, cursor: str | None) -> Delta:
        try:
            return super().pull(cursor)
        except CursorExpiredError:
            return Delta(cursor=str(self.service.last_seq))


class CrmForgetsExpiry(SandboxCrm):
    """The same mistake in a CRM provider (keeping the cursor it was given)."""

    def pull(self, cursor: str | None, *, owner: str) -> Delta:
        try:
            return super().pull(cursor, owner=owner)
        except CursorExpiredError:
            return Delta(cursor=cursor or "")


class WithProvider(SandboxMailboxHarness):
    """The sandbox mailbox harness over a broken provider class."""

    provider_type: type[SandboxMailbox] = SandboxMailbox

    def open_mailbox(self, address: str, *, zone: str = "UTC") -> SandboxMailbox:
        return self.provider_type(self.service, address)


class SortedItems(SandboxMailboxHarness):
    """Lists items by subject, not as they were created."""

    def items(self, address: str) -> tuple[CalendarItem, ...]:
        return tuple(sorted(super().items(address), key=lambda i: i.subject))


class ShowsMarkers(SandboxMailboxHarness):
    """Reads items back with calsync's marker labels among the person's categories."""

    def read(self, address: str, item_id: str) -> CalendarItem | None:
        return self.service.calendar(address).items.get(item_id)


class TextOnlyEdits(SandboxMailboxHarness):
    """Edits text fields only: kind, recurrence and zone changes are dropped silently."""

    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        kept = {k: v for k, v in changes.items() if k not in {"kind", "recurrence", "zone"}}
        super().edit(address, item_id, **kept)


class CrmWithProvider(SandboxCrmHarness):
    def open_crm(self) -> SandboxCrm:
        return CrmForgetsExpiry(self.service)


def provider_harness(provider: type[SandboxMailbox]) -> type[SandboxMailboxHarness]:
    return type(f"Harness{provider.__name__}", (WithProvider,), {"provider_type": provider})
