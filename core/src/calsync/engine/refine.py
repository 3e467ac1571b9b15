"""Refining planned CRM updates against what the CRM holds now, in one fetch.

* EX-17: people and related records set on the CRM side are kept (merged, never replaced).
* Only fields that differ are written. CRMs react to fields, not values: Salesforce
  regenerates every occurrence of a series when its pattern fields are written, past ones
  included (which EX-06 forbids), and refuses a field the sync user may not write even when
  its value would not change (EX-20).
* EX-06's resets of future occurrences go out before the occurrences' own changes, so that
  a changed occurrence keeps what was changed on it.
* An update whose target is gone becomes a create again.
* EX-01: an event made private in the CRM is not written over (nor made public again).

And one for updates going down: text the CRM holds cut to its field length (see
:mod:`calsync.engine.lengths`) never replaces the mailbox's full text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time
from typing import Any

from calsync.engine.keys import fingerprint
from calsync.engine.lengths import cut, units
from calsync.engine.people import merge_links
from calsync.engine.plan import Planned
from calsync.engine.planner import Planner
from calsync.model import CalendarItem, Moment
from calsync.policy import Operation
from calsync.providers import PersonKind, Write
from calsync.recurrence import Recurrence
from calsync.rules import kept_private
from calsync.state.records import Link, Side

__all__ = ["current_records", "keep_mailbox_text", "refine_crm_updates"]

#: A change to any of these on a series header resets its future occurrences (EX-06).
_RESET_CAUSES = frozenset({"subject", "body", "location", "links"})
#: Occurrences compared to tell whether two rules describe the same series.
_COMPARED = 60


def refine_crm_updates(planner: Planner) -> None:
    """Rewrite ``planner.ledger.planned``'s CRM updates as the module docstring says."""
    updates = [
        p
        for p in planner.ledger.planned
        if p.side is Side.CRM and p.write.operation is Operation.UPDATE
    ]
    wanted = {p.write.target for p in updates if p.write.target}
    wanted |= {
        p.write.item.series_id
        for p in updates
        if p.write.target is None and p.write.item and p.write.item.series_id
    }
    if not wanted:
        return
    current = current_records(planner, sorted(w for w in wanted if w))
    leads = frozenset(
        m.id for matches in planner.matches.values() for m in matches if m.kind is PersonKind.LEAD
    )
    resets: list[Planned] = []
    kept: list[Planned] = []
    for planned in planner.ledger.planned:
        item = planned.write.item
        if planned not in updates or item is None:
            kept.append(planned)
        elif planned.write.target is None:
            header = current.get(item.series_id or "")
            links = header.links if header is not None else item.links
            refined = replace(planned, write=replace(planned.write, item=item.evolve(links=links)))
            (resets if planned.link is None else kept).append(refined)
        else:
            existing = current.get(planned.write.target)
            if existing is None:
                if planned.link is not None:
                    kept.append(_recreate(planner, planned))
                continue
            if kept_private(existing, planner.ctx.policy):
                continue  # EX-01: made private in the CRM, it stays as the CRM holds it
            merged = item.evolve(links=merge_links(existing.links, item.links.who_ids, leads))
            fields = frozenset(
                f for f in (planned.write.fields or frozenset()) if _differs(f, merged, existing)
            )
            if not fields:
                _confirm_unchanged(planner, planned, existing)
                continue
            kept.append(replace(planned, write=Write.update(planned.write.target, merged, fields)))
    # EX-06 resets follow a series' own change, and carry its related record and what changed
    # on it (a field the sync user may not write must not fail a reset of the others).
    changed = {
        p.write.target: p.write.fields & _RESET_CAUSES
        for p in kept
        if p.side is Side.CRM and p.write.operation is Operation.UPDATE and p.write.fields
    }
    resets = [
        # The related record always follows the series (it may have been set on the CRM side).
        replace(
            p,
            write=replace(
                p.write, fields=p.write.fields & (changed[p.write.item.series_id] | {"links"})
            ),
        )
        for p in resets
        if p.write.item is not None and p.write.fields and changed.get(p.write.item.series_id)
    ]
    planner.ledger.planned = resets + kept


def current_records(planner: Planner, ids: Sequence[str]) -> Mapping[str, CalendarItem]:
    """What the CRM holds for ``ids``: the round's fetch where it has them, the rest fetched.

    The round fetched the records linked to every mailbox's changes at once
    (:func:`calsync.engine.organisation.linked_records`), after it read the CRM's changes,
    so each record is at least as new as what the round's delta says of it. A pass that
    read its CRM changes by itself read them later than that fetch: the records its own
    changes (or removals) name were left out of :attr:`Planner.records` and are fetched
    here as before, so the pass never compares with an older version than it has seen.

    The round's fetch is used only while fresh
    (:meth:`~calsync.engine.org_round.RecordsRead.fresh`), checked here, right before the
    write, wherever the round's read came from (the round itself, or a share handed to
    another process). A person's CRM edit after it (a contact added, the event made
    private) would be written over by an update computed without it, and the next round
    would take the record, last written by calsync, for an echo: the edit lost. Older, the
    pass fetches its own, as a round of one does, and the window is again about one request;
    in a round run in this process it fetches them with every record the passes after it
    take from the round (:class:`~calsync.engine.org_round.RoundRecords`), in the same one
    request, and those passes compare with that fetch while it is fresh.
    The records are taken once: a later round of the pass fetches afresh.
    """
    read, planner.records = planner.records, None
    now = planner.ctx.clock()
    if read is not None and not read.fresh(now):
        if read.round is not None:
            return read.round.refresh(planner.ctx.crm, ids, now)
        read = None
    if read is not None and read.round is not None:
        read.round.take(ids)
    known = {} if read is None else {i: read.found[i] for i in ids if i in read.found}
    rest = [i for i in ids if read is None or i not in read.asked]
    return (known | dict(planner.ctx.crm.fetch(rest))) if rest else known


def _differs(field: str, wanted: CalendarItem, existing: CalendarItem) -> bool:
    a, b = getattr(wanted, field), getattr(existing, field)
    if field == "recurrence":
        return bool(_pattern(wanted, a) != _pattern(existing, b))
    if field in ("start", "end"):
        return bool(_instant(a) != _instant(b))
    if field == "privacy":
        return bool(wanted.is_private) != bool(existing.is_private)
    if field == "zone":
        # A CRM keeps a zone only where it matters (series): compare it there.
        return wanted.recurrence is not None and a != b
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() != b.strip()
    return bool(a != b)


def _pattern(item: CalendarItem, recurrence: Recurrence | None) -> Any:
    """What a series' rule does (services rewrite rule text), without its exclusions.

    Exclusions travel as deletes of single occurrences, never as a new pattern.
    """
    if recurrence is None:
        return None
    bare = Recurrence(rule=recurrence.rule, zone=recurrence.zone)
    return (recurrence.zone, tuple(_instant(s) for s in bare.starts(item.start, limit=_COMPARED)))


def _instant(moment: Moment) -> Any:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC)
    return datetime.combine(moment, time(), UTC).date()


def _confirm_unchanged(planner: Planner, planned: Planned, existing: CalendarItem) -> None:
    """Nothing to write: remember both sides as they are, as a write would have."""
    link, source = planned.link, planned.source
    if link is None:
        return
    if source is not None:
        _remember(link, Side.MAILBOX, source)
    _remember(link, Side.CRM, existing)
    planner.ledger.changed(link)


def _recreate(planner: Planner, planned: Planned) -> Planned:
    """The CRM event an update targets is gone: create it again (a new link)."""
    assert planned.write.item is not None and planned.link is not None
    link = planned.link
    fresh = Link(
        mailbox=planner.ctx.name,
        kind=link.kind,
        mailbox_key=link.mailbox_key,
        crm_key="",
        uid=link.uid,
    )
    planner.ledger.drop(link)
    return Planned(
        side=Side.CRM,
        write=Write.create(planned.write.item),
        link=fresh,
        source=planned.source,
        source_key=link.mailbox_key,
        new_link=True,
    )


def keep_mailbox_text(planner: Planner) -> None:
    """Mailbox updates leave alone text that the CRM holds cut from the mailbox's own.

    Only updates carrying text as long as the CRM holds (so possibly cut) look at the
    mailbox items, in one fetch; usually none do and nothing is read.
    """
    lengths = planner.ctx.features.text_lengths
    candidates = [
        p
        for p in planner.ledger.planned
        if p.side is Side.MAILBOX
        and p.write.operation is Operation.UPDATE
        and p.write.target
        and p.write.item is not None
        and any(
            name in (p.write.fields or ()) and units(getattr(p.write.item, name)) >= limit - 1
            for name, limit in lengths.items()
        )
    ]
    if not candidates:
        return
    current = planner.ctx.mailbox.fetch(
        sorted({p.write.target for p in candidates if p.write.target})
    )
    kept: list[Planned] = []
    for planned in planner.ledger.planned:
        existing = current.get(planned.write.target or "") if planned in candidates else None
        item, fields = planned.write.item, planned.write.fields or frozenset()
        if existing is None or item is None:
            kept.append(planned)
            continue
        full = {
            name: getattr(existing, name)
            for name, limit in lengths.items()
            if name in fields
            and getattr(existing, name) != getattr(item, name)
            and cut(getattr(existing, name), limit).strip() == getattr(item, name).strip()
        }
        if not full:
            kept.append(planned)
        elif fields - full.keys():
            write = Write.update(planned.write.target, item.evolve(**full), fields - full.keys())
            kept.append(replace(planned, write=write))
        elif planned.link is not None and planned.source is not None:
            # Nothing else changed: both sides are as they should be.
            _remember(planned.link, Side.CRM, planned.source)
            _remember(planned.link, Side.MAILBOX, existing)
            planner.ledger.changed(planned.link)
    planner.ledger.planned = kept


def _remember(link: Link, side: Side, item: CalendarItem) -> None:
    link.remember(
        side,
        token=item.ref.change_token if item.ref else None,
        content=fingerprint(item, side),
    )
