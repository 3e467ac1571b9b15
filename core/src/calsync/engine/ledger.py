"""What one pass keeps track of while it plans and writes: the :class:`Ledger`.

The links by either side's key, the writes planned for the round under way, the issues
found, the items handled without objection, the links to save or forget, and what waits
for a later round. The planner (:mod:`.planner`) fills it; adoption (:mod:`.adopt`),
refinement (:mod:`.refine`) and the writer (:mod:`.apply`) read and settle it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from calsync.engine.plan import Hit, Planned
from calsync.model import CalendarItem
from calsync.providers import Removal
from calsync.state import State
from calsync.state.records import Link, Side

__all__ = ["Ledger"]


@dataclass(slots=True, eq=False)
class Ledger:
    """One pass's bookkeeping (see the module docstring)."""

    #: Every link by its mailbox key, and by its CRM key.
    by_mailbox: dict[str, Link] = field(default_factory=dict)
    by_crm: dict[str, Link] = field(default_factory=dict)
    #: The writes planned for the round under way.
    planned: list[Planned] = field(default_factory=list)
    #: Issues found this pass.
    hits: list[Hit] = field(default_factory=list)
    #: Items processed without objection: their open issues resolve.
    handled: set[tuple[Side, str]] = field(default_factory=set)
    #: Links whose stored keys, tokens or fingerprints changed (saved by :meth:`save`).
    dirty: dict[int, Link] = field(default_factory=dict)
    #: Links to delete from the state (by :meth:`save`).
    dropped: list[Link] = field(default_factory=list)
    #: Links the mailbox side changed this pass: the CRM side's change loses (EX-16).
    up_touched: set[int] = field(default_factory=set)
    #: Items (and removals) to plan again once their series exists on the other side.
    deferred: list[tuple[Side, CalendarItem | Removal]] = field(default_factory=list)
    #: The source items (side, key) of the creates planned this pass.
    creating: set[tuple[Side, str]] = field(default_factory=set)
    #: Mailbox keys of occurrences linked for the first time this pass, from the mailbox.
    new_occurrences: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, links: Iterable[Link]) -> Ledger:
        """A ledger that starts from the mailbox's stored ``links``."""
        ledger = cls()
        for link in links:
            ledger.index(link)
        return ledger

    def index(self, link: Link) -> None:
        """Find ``link`` by both its keys from now on."""
        self.by_mailbox[link.mailbox_key] = link
        self.by_crm[link.crm_key] = link

    def keyed(self, side: Side) -> dict[str, Link]:
        """The links by ``side``'s key."""
        return self.by_mailbox if side is Side.MAILBOX else self.by_crm

    def link(self, side: Side, key: str) -> Link | None:
        """The link of ``side``'s item ``key``, if any."""
        return self.keyed(side).get(key)

    def forget(self, link: Link) -> None:
        """Drop ``link`` from the indexes (it was deleted)."""
        if self.by_mailbox.get(link.mailbox_key) is link:
            del self.by_mailbox[link.mailbox_key]
        if self.by_crm.get(link.crm_key) is link:
            del self.by_crm[link.crm_key]

    def changed(self, link: Link) -> None:
        """``link`` changed: save it."""
        self.dirty[id(link)] = link

    def drop(self, link: Link) -> None:
        """Forget ``link`` and delete it from the state."""
        self.forget(link)
        self.dirty.pop(id(link), None)
        self.dropped.append(link)

    def handle(self, side: Side, item: CalendarItem) -> None:
        """``side``'s ``item`` went through without objection."""
        if item.ref is not None:
            self.handled.add((side, item.ref.id))

    def save(self, state: State) -> None:
        """Write the changed links and delete the dropped ones (inside the caller's transaction)."""
        state.save_links(self.dirty.values())
        state.delete_links(link.id for link in self.dropped if link.id is not None)
        self.dirty.clear()
        self.dropped.clear()
