"""Planning removals: what an item (or occurrence) gone from one side needs on the other.

The counterpart is deleted and the pair forgotten; an attendee's link to a shared event
only lets go; an occurrence deleted on its own becomes an exclusion of its series.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from calsync.engine.keys import (
    moment_text,
    occurrence_key,
)
from calsync.engine.plan import Planned
from calsync.model import CalendarItem, ItemKind
from calsync.providers import Removal, Write
from calsync.state.records import Link, LinkKind, Side

if TYPE_CHECKING:
    from calsync.engine.planner import Planner

__all__ = ["removed"]


def removed(planner: Planner, side: Side, removal: Removal) -> None:
    """Plan what an item (or occurrence) gone from ``side`` needs on the other side."""
    key = removal.id
    if removal.series_id is not None and removal.original_start is not None:
        key = occurrence_key(removal.series_id, removal.original_start)
    occurrence = key != removal.id
    # An item that is gone has nothing left to fix: its open issues resolve.
    planner.ledger.handled.add((side, removal.id))
    link = planner.ledger.link(side, key) or planner.ledger.link(side, removal.id)
    if link is None:
        if occurrence and side is Side.CRM and not planner.instances:
            _cancel_occurrence(planner, removal)
        return
    if link.shared:
        planner.ledger.drop(link)
        return
    other = side.other
    if link.kind is LinkKind.OCCURRENCE and not planner.instances:
        if side is Side.CRM:
            _cancel_occurrence(planner, removal, link)
        else:
            planner.ledger.drop(link)  # the series' exclusions carry the cancellation
        return
    if not link.key(other):
        planner.ledger.drop(link)
        return
    planner.plan(
        Planned(side=other, write=Write.delete(link.key(other)), link=link, drop_link=True)
    )
    if link.kind is LinkKind.SERIES:
        prefix = f"{link.key(side)}|"
        for okey, occurrence_link in list(planner.ledger.keyed(side).items()):
            if okey.startswith(prefix):
                planner.ledger.drop(occurrence_link)


def _cancel_occurrence(planner: Planner, removal: Removal, link: Link | None = None) -> None:
    """A CRM occurrence deleted on its own: delete the mailbox occurrence too."""
    assert removal.series_id is not None and removal.original_start is not None
    series_link = planner.ledger.by_crm.get(removal.series_id)
    if series_link is None and (Side.CRM, removal.series_id) in planner.ledger.creating:
        planner.ledger.deferred.append((Side.CRM, removal))
        return
    if series_link is None or not series_link.mailbox_key:
        if link is not None:
            planner.ledger.drop(link)
        return
    text = moment_text(removal.original_start)
    if text not in series_link.exclusions:
        gone = CalendarItem(
            kind=ItemKind.OCCURRENCE,
            series_id=series_link.mailbox_key,
            original_start=removal.original_start,
            start=removal.original_start,
            # Only the original start addresses the occurrence; the end just has to be valid.
            end=removal.original_start
            + (
                timedelta(minutes=1)
                if isinstance(removal.original_start, datetime)
                else timedelta(days=1)
            ),
        )
        series_link.exclusions.append(text)
        planner.plan(
            Planned(
                side=Side.MAILBOX,
                write=Write.delete(None, gone),
                link=series_link,
                counts=False,
            )
        )
    if link is not None:
        planner.ledger.drop(link)
