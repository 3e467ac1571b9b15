"""First-sync matching: adopting counterparts that already exist (EX-23, EX-27 reset).

When a side is listed in full (an initial sync, a reset, a resync after an expired cursor),
an item with no link may already have its counterpart on the other side. It is found by
the cross-reference stored on either item, then by the same subject, start and end (a
mailbox subject longer than the CRM holds is compared as the CRM holds it: cut to the
field's length, see :mod:`calsync.engine.lengths`). When identical items cannot be told
apart — two or more that would match the same counterpart — nothing is created for them
and the mailbox is suspended (EX-23).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from calsync.engine.keys import fingerprint, item_key, moment_text
from calsync.engine.lengths import cut
from calsync.engine.plan import Hit
from calsync.engine.planner import Planner
from calsync.issues import named
from calsync.model import CalendarItem, ItemKind
from calsync.rules import kept_private
from calsync.state.records import Link, LinkKind, Side

__all__ = ["adopt"]


def _adoptable(item: CalendarItem, planner: Planner) -> bool:
    if item.kind not in (ItemKind.SINGLE, ItemKind.SERIES) or item.ref is None:
        return False
    # Private items stay out of calsync's state entirely unless the policy syncs them (EX-01).
    return not kept_private(item, planner.ctx.policy)


def _signature(item: CalendarItem, limit: int | None = None) -> tuple[str, str, str]:
    """Subject, start and end; the subject as a CRM holding ``limit`` characters keeps it."""
    subject = cut(item.subject, limit)
    return (subject.strip().lower(), moment_text(item.start), moment_text(item.end))


def _link(
    planner: Planner, mailbox_item: CalendarItem, crm_item: CalendarItem | None, crm_key: str
) -> None:
    kind = LinkKind.SERIES if mailbox_item.kind is ItemKind.SERIES else LinkKind.SINGLE
    link = Link(
        mailbox=planner.ctx.name,
        kind=kind,
        mailbox_key=item_key(mailbox_item),
        crm_key=crm_key,
        uid=mailbox_item.uid,
    )
    link.remember(
        Side.MAILBOX,
        token=mailbox_item.ref.change_token if mailbox_item.ref else "",
        content=fingerprint(mailbox_item, Side.MAILBOX),
    )
    if crm_item is not None:
        link.remember(
            Side.CRM,
            token=crm_item.ref.change_token if crm_item.ref else "",
            content=fingerprint(crm_item, Side.CRM),
        )
    planner.adopt(link)


def _follow_renames(
    planner: Planner,
    mailbox_items: Sequence[CalendarItem],
    crm_items: Sequence[CalendarItem],
    *,
    mailbox_full: bool,
    crm_full: bool,
) -> None:
    """Move links whose item is no longer listed under its key to the item that replaced it.

    That item is unlinked and evidently the same one: it names the link's counterpart (its
    cross-reference), or else it alone has the counterpart's subject, start and end.

    A mailbox moved to another provider (EWS to Graph, docs/from-ews-to-graph.md) lists the
    same items under new ids. The link keeps what the last pass synced, so a reset after the
    move still tells which side changed an item since; a link whose item is gone and that
    nothing takes the place of stays as it is, and the pass deletes its counterpart.
    """
    limit = planner.ctx.features.text_lengths.get("subject")
    listed = {Side.MAILBOX: mailbox_items, Side.CRM: crm_items}
    full = {Side.MAILBOX: mailbox_full, Side.CRM: crm_full}
    by_key = {side: {item_key(i): i for i in items} for side, items in listed.items()}
    for side in (Side.MAILBOX, Side.CRM):
        index = planner.ledger.keyed(side)
        if not full[side]:
            continue
        free = [i for i in listed[side] if _adoptable(i, planner) and item_key(i) not in index]
        claims = {i.counterpart_id: item_key(i) for i in free if i.counterpart_id}
        looks: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for item in free:
            looks[_signature(item, limit if side is Side.MAILBOX else None)].append(item_key(item))
        for link in list(index.values()):
            if link.kind is LinkKind.OCCURRENCE or link.key(side) in by_key[side]:
                continue
            counterpart = by_key[side.other].get(link.key(side.other))
            alike = (
                looks.get(_signature(counterpart, limit if side is Side.CRM else None), [])
                if counterpart is not None
                else []
            )
            new = claims.get(link.key(side.other)) or (alike[0] if len(alike) == 1 else None)
            if new is None or new in index:
                continue
            old = link.key(side)
            for key, other in list(index.items()):
                if other.kind is LinkKind.OCCURRENCE and key.startswith(f"{old}|"):
                    _rename(planner, other, side, new + key[len(old) :])
            _rename(planner, link, side, new)


def _rename(planner: Planner, link: Link, side: Side, key: str) -> None:
    planner.ledger.forget(link)
    if side is Side.MAILBOX:
        link.mailbox_key = key
    else:
        link.crm_key = key
    planner.adopt(link)


def adopt(
    planner: Planner,
    mailbox_items: Sequence[CalendarItem],
    crm_items: Sequence[CalendarItem],
    *,
    mailbox_full: bool,
    crm_full: bool,
) -> tuple[list[Hit], set[str]]:
    """Link unlinked items to existing counterparts.

    Returns the duplicates issues found and the item ids (either side) that must not be synced.
    """
    if not (mailbox_full or crm_full):
        return [], set()
    _follow_renames(planner, mailbox_items, crm_items, mailbox_full=mailbox_full, crm_full=crm_full)
    mailbox = [
        m
        for m in mailbox_items
        if _adoptable(m, planner) and item_key(m) not in planner.ledger.by_mailbox
    ]
    crm = {
        item_key(c): c
        for c in crm_items
        if _adoptable(c, planner) and item_key(c) not in planner.ledger.by_crm
    }
    by_id = {item_key(m): m for m in mailbox}
    taken: set[str] = set()

    # 1. The cross-reference stored on either item.
    for item in list(mailbox):
        key, ref = item_key(item), item.counterpart_id
        if ref and (ref in crm or not crm_full) and ref not in planner.ledger.by_crm:
            _link(planner, item, crm.pop(ref, None), ref)
            taken.add(key)
    for crm_key, item in list(crm.items()):
        ref = item.counterpart_id
        if ref and ref in by_id and ref not in taken:
            _link(planner, by_id[ref], item, crm_key)
            taken.add(ref)
            del crm[crm_key]
    mailbox = [m for m in mailbox if item_key(m) not in taken]
    if not (mailbox_full and crm_full):
        return [], set()

    # 2. The same subject, start and end.
    mailbox_groups: dict[tuple[str, str, str], list[CalendarItem]] = defaultdict(list)
    crm_groups: dict[tuple[str, str, str], list[CalendarItem]] = defaultdict(list)
    limit = planner.ctx.features.text_lengths.get("subject")
    for item in mailbox:
        mailbox_groups[_signature(item, limit)].append(item)
    for item in crm.values():
        if not item.attendee_copy:
            crm_groups[_signature(item)].append(item)
    hits: list[Hit] = []
    blocked: set[str] = set()
    for signature, candidates in crm_groups.items():
        copies = mailbox_groups.get(signature, [])
        if len(copies) == 1 and len(candidates) == 1:
            _link(planner, copies[0], candidates[0], item_key(candidates[0]))
        elif copies and len(copies) + len(candidates) > 2:
            ids = tuple(m.ref.id for m in copies if m.ref)
            blocked.update(ids)
            blocked.update(c.ref.id for c in candidates if c.ref)
            hits.append(
                Hit(
                    code="DUPLICATES_DETECTED",
                    side=Side.MAILBOX,
                    item_id=ids[0],
                    related_ids=ids,
                    params={
                        "count": len(copies),
                        "subject": named(copies[0]),
                        "start": signature[1],
                    },
                )
            )
    return hits, blocked
