"""Planning down: what a changed CRM event needs on the mailbox side.

An echo is no change, and neither is the CRM side of a pair the mailbox changed this pass
(the mailbox wins, EX-16). The rules decide; a series' deleted occurrence records become
the mailbox series' exclusions, and an occurrence record changed on its own changes the
mailbox occurrence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from calsync.engine import series
from calsync.engine.keys import (
    item_key,
    link_kind,
    moment_text,
    occurrence_key,
    parse_moment,
    recorded_exclusions,
)
from calsync.engine.shape import (
    DOWN_UPDATE_FIELDS,
    OCCURRENCE_FIELDS,
    for_mailbox,
    occurrence_of,
)
from calsync.model import CalendarItem, ItemKind
from calsync.policy import Direction
from calsync.recurrence import Recurrence
from calsync.rules import DOWN_RULES, Refuse, Skip, evaluate
from calsync.state.records import Link, LinkKind, Side

if TYPE_CHECKING:
    from calsync.engine.planner import Planner

__all__ = ["CRM_OCCURRENCE_CAP", "down"]

#: CRMs store a bounded series' occurrences up to this many (Salesforce Classic: 100).
CRM_OCCURRENCE_CAP = 100


def down(planner: Planner, item: CalendarItem) -> None:
    """Plan what a changed CRM event needs on the mailbox side."""
    record_of_series = item.kind in (ItemKind.OCCURRENCE, ItemKind.EXCEPTION)
    if planner.instances and record_of_series:
        item = item.evolve(kind=ItemKind.SINGLE, series_id=None, original_start=None)
        record_of_series = False
    key = item_key(item)
    if item.kind is ItemKind.OCCURRENCE:
        planner.ledger.handle(Side.CRM, item)  # follows its series; nothing of its own to sync
        return
    if planner.instances and item.kind is ItemKind.SERIES:
        planner.ledger.handle(Side.CRM, item)
        return
    link = planner.ledger.by_crm.get(key)
    if link is not None and (link.shared or id(link) in planner.ledger.up_touched):
        planner.ledger.handle(Side.CRM, item)
        return
    if planner.unchanged(Side.CRM, item, link):
        return
    decision = evaluate(DOWN_RULES, planner.rule_context(item, Direction.DOWN, link))
    if isinstance(decision, Skip):
        planner.ledger.handle(Side.CRM, item)
        return
    if isinstance(decision, Refuse):
        planner.refuse(decision, Side.CRM, item)
        return
    if record_of_series:
        _down_occurrence(planner, item, key, link)
        return
    planner.ledger.handle(Side.CRM, item)
    if link is not None and link.kind is LinkKind.OCCURRENCE:
        # EX-08: a CRM event mirroring one occurrence changes that occurrence.
        series_key, _, _ = link.mailbox_key.rpartition("|")
        target = occurrence_of(item.evolve(original_start=item.start), series_id=series_key)
        target = target.evolve(original_start=parse_moment(link.mailbox_key.rpartition("|")[2]))
        link.detached = True
        planner.update(Side.MAILBOX, None, target, OCCURRENCE_FIELDS, link, item)
        return
    target = for_mailbox(item, owner=planner.ctx.address, counterpart=key)
    if target.recurrence is not None:
        target = target.evolve(recurrence=_crm_exclusions(planner, item, target, link))
    if link is None:
        new = Link(
            mailbox=planner.ctx.name,
            kind=link_kind(item),
            mailbox_key="",
            crm_key=key,
            exclusions=recorded_exclusions(target),
        )
        planner.create(Side.MAILBOX, target, new, item, key)
        return
    planner.update(Side.MAILBOX, link.mailbox_key, target, DOWN_UPDATE_FIELDS, link, item)


def _crm_exclusions(
    planner: Planner, header: CalendarItem, target: CalendarItem, link: Link | None
) -> Recurrence:
    """The exclusions of a CRM series as the mailbox must hold them.

    A CRM keeps one record per occurrence and no list of the deleted ones: a deleted
    occurrence is a missing record. Those known from earlier passes are on the series'
    link; on a full pull the missing records are counted (up to the last record the
    CRM holds, or all of a bounded series up to :data:`CRM_OCCURRENCE_CAP`, since CRMs
    make records only so far ahead).
    """
    assert target.recurrence is not None and header.ref is not None
    excluded = set(target.recurrence.exclusions)
    known = set(link.exclusions) if link is not None else set()
    present = (planner.crm_occurrences or {}).get(header.ref.id)
    bounded = target.recurrence.is_bounded
    for index, start in enumerate(series.starts(header, planner.ctx.clock(), series.HORIZON)):
        text = moment_text(start)
        if text in known or (
            present
            and text not in present
            and (text < max(present) or (bounded and index < CRM_OCCURRENCE_CAP))
        ):
            excluded.add(start)
    if link is not None:
        link.exclusions = sorted(known | {moment_text(m) for m in excluded})
    return replace(target.recurrence, exclusions=tuple(excluded))


def _down_occurrence(planner: Planner, item: CalendarItem, key: str, link: Link | None) -> None:
    """A CRM occurrence changed on its own changes the mailbox occurrence."""
    assert item.series_id is not None and item.original_start is not None
    series_link = planner.ledger.by_crm.get(item.series_id)
    if series_link is None:
        if (Side.CRM, item.series_id) in planner.ledger.creating:
            planner.ledger.deferred.append((Side.CRM, item))
        return
    planner.ledger.handle(Side.CRM, item)
    is_new = link is None
    if link is None:
        mailbox_key = occurrence_key(series_link.mailbox_key, item.original_start)
        if mailbox_key in planner.ledger.new_occurrences:
            # Both sides hold this changed occurrence (a first sync adopted its series):
            # the mailbox's copy is on its way to the CRM, and the mailbox wins (EX-16).
            return
        link = Link(
            mailbox=planner.ctx.name,
            kind=LinkKind.OCCURRENCE,
            mailbox_key=mailbox_key,
            crm_key=key,
            detached=True,
        )
    target = occurrence_of(item, series_id=series_link.mailbox_key)
    planner.update(Side.MAILBOX, None, target, OCCURRENCE_FIELDS, link, item, new_link=is_new)
