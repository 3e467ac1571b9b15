"""What a pass intends to do: planned writes, issues hit, items handled."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calsync.engine.org_round import CrmRead, MailboxRead, PeopleRead, RecordsRead
from calsync.model import CalendarItem
from calsync.policy import Direction, Policy
from calsync.providers import CrmFeatures, CrmProvider, MailboxProvider, Write
from calsync.state import State
from calsync.state.records import Link, Side
from calsync.timezones import TimeZoneMatcher

__all__ = ["Hit", "PassContext", "Planned"]


@dataclass(slots=True, kw_only=True)
class PassContext:
    """What one mailbox's pass works with."""

    name: str
    address: str
    policy: Policy
    owner_id: str
    features: CrmFeatures
    mailbox: MailboxProvider
    crm: CrmProvider
    state: State
    matcher: TimeZoneMatcher
    clock: Callable[[], datetime]
    #: The addresses of every mailbox calsync syncs (to tell in-org organizers, EX-09).
    org_addresses: frozenset[str] = frozenset()
    allow_mass_delete: bool = False
    #: Called between the steps of a long pass: renews the mailbox's lease, and raises
    #: :class:`~calsync.state.lease.LeaseLost` when another process has taken it.
    keep_alive: Callable[[], None] = lambda: None
    #: The CRM's changes the organisation's round read for every owner at once: the pass
    #: takes its owner's share instead of reading (see :mod:`calsync.engine.org_round`).
    crm_read: CrmRead | None = None
    #: The mailbox's changes the round read (with everyone's people looked up at once).
    mailbox_read: MailboxRead | None = None
    #: The contacts and leads the round looked up for every mailbox's changes.
    people: PeopleRead | None = None
    #: The CRM records linked to every mailbox's changes, fetched by the round at once.
    records: RecordsRead | None = None


@dataclass(slots=True, kw_only=True)
class Planned:
    """One write the pass intends to make, and what to remember when it succeeds."""

    #: The side written to.
    side: Side
    write: Write
    #: The link this write keeps up to date (created on success when new).
    link: Link | None
    #: The item the write copies (``None`` for deletes); its side is ``side.other``.
    source: CalendarItem | None = None
    #: The source item's key: the created item's counterpart id (outbox, adoption).
    source_key: str = ""
    #: Whether the link is new (created on success) or to be forgotten on success (deletes).
    new_link: bool = False
    drop_link: bool = False
    #: Whether it counts as a synced record in the statistics.
    counts: bool = True
    #: An EX-06 reset of an occurrence that has a link of its own: the change token the
    #: write leaves is remembered there, so the reset never comes back as a CRM-side edit.
    resets: Link | None = None
    #: A delete because the item became private (EX-01), not because it was removed: the
    #: mass-delete guard leaves it alone.
    privatised: bool = False

    @property
    def direction(self) -> Direction:
        """Up when writing to the CRM, down when writing to the mailbox."""
        return Direction.UP if self.side is Side.CRM else Direction.DOWN


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """An issue found this pass."""

    code: str
    side: Side
    #: The affected item's native id on ``side`` (``None`` for mailbox-wide issues).
    item_id: str | None
    params: Mapping[str, Any] = field(default_factory=dict)
    related_ids: tuple[str, ...] = ()
