"""One pass for one mailbox (architecture §5).

1. Read the state: links, cursors, open issues, the outbox.
2. Replay the outbox: adopt what an interrupted pass already created.
3. Pull what changed on both sides since their cursors (everything on a first pass).
4. Plan: rules, counterparts (the id map, the cross-reference on the item, then the same
   subject, start and end), creates, updates, deletes; hold back suspicious mass deletes.
5. Write in batches through the outbox; a second round writes occurrences of series the
   first round created.
6. Record issues, render or clear markers; the cursors advance only after all of it is
   committed, with the pass's end (:mod:`.mailbox_run`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Final

from calsync.engine.adopt import adopt
from calsync.engine.apply import apply, replay_outbox
from calsync.engine.issuelog import record, sync_markers
from calsync.engine.keys import item_key, moment_text, parse_moment
from calsync.engine.people import look_up, to_look_up
from calsync.engine.plan import Hit, PassContext
from calsync.engine.planner import Planner
from calsync.engine.refine import keep_mailbox_text, refine_crm_updates
from calsync.errors import CursorExpiredError
from calsync.issues import Disposition, Issue, Source, definition
from calsync.model import CalendarItem
from calsync.policy import Direction
from calsync.providers import Delta, PersonMatch, Removal
from calsync.state.records import LinkKind, Side

__all__ = ["MASS_DELETE_FRACTION", "MASS_DELETE_MINIMUM", "MailboxPass", "PassResult"]

#: A side that suddenly removes this many of its synced items (and this share of them)
#: does not delete their counterparts until someone confirms (MASS_DELETE_HELD).
MASS_DELETE_MINIMUM: Final = 5
MASS_DELETE_FRACTION: Final = 0.8


@dataclass(slots=True, kw_only=True)
class PassResult:
    """What one pass did."""

    synced: Counter[Direction] = field(default_factory=Counter)
    issues: list[Issue] = field(default_factory=list)
    markers_changed: int = 0
    initial: dict[Side, bool] = field(default_factory=dict)
    #: The pass found identical items and the mailbox must be suspended (EX-23).
    suspend_for: str | None = None
    #: Where each side's next pull continues (``None``: from the start), for the sides that
    #: may advance; stored with the pass's end, in its one transaction.
    cursors: dict[Side, str | None] = field(default_factory=dict)


class MailboxPass:
    """Runs one pass; see the module docstring."""

    def __init__(self, ctx: PassContext) -> None:
        """Work with ``ctx``."""
        self.ctx = ctx

    def run(self) -> PassResult:
        """Run the pass; provider errors that fail it as a whole propagate."""
        ctx = self.ctx
        planner = Planner(ctx, ctx.state.links(ctx.name))
        replay_outbox(planner)
        cursors = ctx.state.cursors(ctx.name)
        mailbox_delta = self._pull(Side.MAILBOX, cursors.get(Side.MAILBOX))
        ctx.keep_alive()
        crm_delta = self._pull(Side.CRM, cursors.get(Side.CRM))
        ctx.keep_alive()
        result = PassResult(initial={Side.MAILBOX: mailbox_delta.full, Side.CRM: crm_delta.full})

        mailbox_changed = list(mailbox_delta.changed) + self._retries(Side.MAILBOX, mailbox_delta)
        crm_changed = list(crm_delta.changed) + self._retries(Side.CRM, crm_delta)
        planner.matches = self._matches(mailbox_changed)
        if ctx.records is not None:
            # What the pass's own CRM changes name is fetched afresh (see refine.current_records).
            changed = [i.ref.id for i in crm_changed if i.ref is not None]
            planner.records = ctx.records.without(changed + [r.id for r in crm_delta.removed])
        duplicates, blocked = adopt(
            planner,
            mailbox_changed,
            crm_changed,
            mailbox_full=mailbox_delta.full,
            crm_full=crm_delta.full,
        )
        planner.ledger.hits += duplicates

        for item in mailbox_changed:
            if item.ref is None or item.ref.id not in blocked:
                planner.up(item)
        for removal in mailbox_delta.removed:
            planner.removed(Side.MAILBOX, removal)
        self._implied_removals(planner, Side.MAILBOX, mailbox_delta)
        if crm_delta.full:
            planner.crm_occurrences = defaultdict(set)
            for item in crm_delta.changed:
                if item.series_id is not None and item.original_start is not None:
                    planner.crm_occurrences[item.series_id].add(moment_text(item.original_start))
        for item in crm_changed:
            if item.ref is None or item.ref.id not in blocked:
                planner.down(item)
        for removal in crm_delta.removed:
            planner.removed(Side.CRM, removal)
        self._implied_removals(planner, Side.CRM, crm_delta)
        held = self._hold_mass_deletes(planner)

        for _round in range(2):
            refine_crm_updates(planner)
            keep_mailbox_text(planner)
            result.synced += apply(planner, planner.ledger.planned)
            ctx.keep_alive()
            planner.ledger.planned = []
            deferred, planner.ledger.deferred = planner.ledger.deferred, []
            for side, pending in deferred:
                if isinstance(pending, Removal):
                    planner.removed(side, pending)
                elif side is Side.MAILBOX:
                    planner.up(pending)
                else:
                    planner.down(pending)
            if not planner.ledger.planned:
                break
        with ctx.state.atomic():
            planner.ledger.save(ctx.state)

        now = ctx.clock()
        result.issues = record(
            ctx.state,
            ctx.name,
            planner.ledger.hits,
            handled=planner.ledger.handled,
            succeeded=True,
            now=now,
        )
        result.markers_changed = sync_markers(ctx, planner.ledger.by_mailbox)
        if duplicates:
            # EX-23: the mailbox stops here. Its cursors stay where they were, so the pass
            # after `calsync enable` lists both sides again and matches what is left.
            result.suspend_for = "DUPLICATES_DETECTED"
            held |= {Side.MAILBOX, Side.CRM}
        for side, delta in ((Side.MAILBOX, mailbox_delta), (Side.CRM, crm_delta)):
            if side not in held:
                result.cursors[side] = delta.cursor
        return result

    # -- pulling -------------------------------------------------------------------------------

    def _pull(self, side: Side, cursor: str | None) -> Delta:
        ahead = self.ctx.mailbox_read
        if side is Side.MAILBOX and ahead is not None and cursor == ahead.since:
            return ahead.delta  # read by the round, from where this mailbox continues
        read = self.ctx.crm_read
        if side is Side.CRM and read is not None:
            share = read.share(self.ctx.owner_id, cursor)
            if share is not None:
                return share
            # Read by itself after the round's read began: it may continue with the others.
            return replace(self._read(side, cursor), cursor=read.cursor)
        return self._read(side, cursor)

    def _read(self, side: Side, cursor: str | None) -> Delta:
        ctx = self.ctx
        try:
            if side is Side.MAILBOX:
                return ctx.mailbox.pull(cursor)
            return ctx.crm.pull(cursor, owner=ctx.owner_id)
        except CursorExpiredError:
            if cursor is None:
                raise
            # The service forgot our place: list everything again; adoption and the id map
            # make sure nothing is created twice.
            return self._read(side, None)

    def _retries(self, side: Side, delta: Delta) -> list[CalendarItem]:
        """Items with open retry issues that did not change: they are tried again."""
        source = Source.MAILBOX if side is Side.MAILBOX else Source.CRM
        present = {i.ref.id for i in delta.changed if i.ref is not None}
        ids = sorted(
            {
                issue.item_id
                for issue in self.ctx.state.issues(self.ctx.name, open_only=True)
                if issue.side is source
                and issue.item_id
                and issue.item_id not in present
                and definition(issue.code).disposition is Disposition.RETRY
            }
        )
        if not ids:
            return []
        provider = self.ctx.mailbox if side is Side.MAILBOX else self.ctx.crm
        return list(provider.fetch(ids).values())

    def _matches(self, items: list[CalendarItem]) -> dict[str, tuple[PersonMatch, ...]]:
        """CRM contacts and leads for everyone on the changed items (see :mod:`.people`).

        What the round looked up for every mailbox at once is taken from it; the rest is
        looked up in one call.
        """
        wanted = to_look_up(items, self.ctx.policy, self.ctx.address)
        read = self.ctx.people
        if read is None:
            return look_up(self.ctx.crm, wanted)
        known = {a: read.found[a] for a in wanted & read.asked if a in read.found}
        return known | look_up(self.ctx.crm, wanted - read.asked)

    def _implied_removals(self, planner: Planner, side: Side, delta: Delta) -> None:
        """A full listing implies that linked items it does not list are gone."""
        if not delta.full:
            return
        present = {item_key(item) for item in delta.changed}
        if side is Side.CRM:
            present |= {item.ref.id for item in delta.changed if item.ref is not None}
        index = planner.ledger.keyed(side)
        for key, link in list(index.items()):
            if not key or key in present:
                continue
            if link.kind is LinkKind.OCCURRENCE:
                series_key, _, start = key.rpartition("|")
                if side is Side.MAILBOX or series_key not in present:
                    continue  # carried by the series' own exclusions or removal
                planner.removed(
                    side, Removal(id=key, series_id=series_key, original_start=parse_moment(start))
                )
                continue
            planner.removed(side, Removal(id=key))

    # -- safety -------------------------------------------------------------------------------

    def _hold_mass_deletes(self, planner: Planner) -> set[Side]:
        """Hold back deletes when a side suddenly removed most of what it synced.

        The share is taken of the synced pairs, each counted once (a pair with a delete
        planned is still one pair, not two). Deletes of items that became private (EX-01)
        are not removals and are never held.
        """
        if self.ctx.allow_mass_delete:
            return set()
        known = _pairs(planner)
        held: set[Side] = set()
        for target in (Side.CRM, Side.MAILBOX):
            deletes = [
                p
                for p in planner.ledger.planned
                if p.side is target and p.drop_link and not p.privatised
            ]
            if len(deletes) < MASS_DELETE_MINIMUM or len(deletes) < MASS_DELETE_FRACTION * known:
                continue
            source = target.other
            held.add(source)
            held_back = {id(d) for d in deletes}
            planner.ledger.planned = [p for p in planner.ledger.planned if id(p) not in held_back]
            planner.ledger.hits.append(
                Hit(
                    code="MASS_DELETE_HELD",
                    side=source,
                    item_id=None,
                    params={
                        "side": "CRM" if source is Side.CRM else "mailbox",
                        "remaining": known - len(deletes),
                        "known": known,
                        "count": len(deletes),
                    },
                )
            )
        return held


def _pairs(planner: Planner) -> int:
    """How many synced pairs whose removal deletes a counterpart calsync knows of.

    Attendees' links to a shared event delete nothing; nor do the links of a series'
    moved occurrences, unless occurrences are synced one by one (EX-08).
    """
    links = {
        id(link): link
        for link in (*planner.ledger.by_mailbox.values(), *planner.ledger.by_crm.values())
    }
    return sum(
        1
        for link in links.values()
        if link.mailbox_key
        and link.crm_key
        and not link.shared
        and (link.kind is not LinkKind.OCCURRENCE or planner.instances)
    )
