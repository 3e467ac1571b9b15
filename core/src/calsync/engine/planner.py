"""Planning a pass: from the changes on both sides to the writes that mirror them.

For each changed item the planner recognises echoes of calsync's own writes (change
token or content fingerprint unchanged, or last changed by calsync's own account since a
write whose answer carried no token), runs the documented rules, shapes the item for
the other side and plans a create, an update or a delete. Conflicts are settled as the
documents say: when both sides changed the same pair, the mailbox wins (EX-16) while the
CRM's associations are kept (EX-17).

:class:`Planner` holds what every direction shares: the pass's context, its bookkeeping
(:class:`~calsync.engine.ledger.Ledger`), echo recognition and the planning of one write.
What a mailbox change needs is planned in :mod:`.plan_up`, a CRM change in
:mod:`.plan_down`, and an item gone from either side in :mod:`.plan_removals`.
"""

from __future__ import annotations

from collections.abc import Iterable

from calsync.engine import plan_down, plan_removals, plan_up
from calsync.engine.keys import fingerprint
from calsync.engine.ledger import Ledger
from calsync.engine.lengths import fit_write
from calsync.engine.org_round import RecordsRead
from calsync.engine.plan import Hit, PassContext, Planned
from calsync.engine.shape import for_crm
from calsync.issues import named
from calsync.model import CalendarItem
from calsync.policy import Direction, Operation, PrivateItems, RecurrenceStrategy
from calsync.providers import PersonMatch, Removal, Write
from calsync.rules import Refuse, RuleContext
from calsync.state.records import Link, LinkKind, Side

__all__ = ["Planner"]


class Planner:
    """Plans the writes of one round of a pass."""

    def __init__(self, context: PassContext, links: Iterable[Link]) -> None:
        """Plan against the mailbox's current ``links``."""
        self.ctx = context
        self.ledger = Ledger.of(links)
        #: The CRM people each mailbox item's participants are (by mailbox key).
        self.matches: dict[str, tuple[PersonMatch, ...]] = {}
        #: On a full CRM pull: the original starts of each CRM series' occurrence records.
        self.crm_occurrences: dict[str, set[str]] | None = None
        #: CRM records the round fetched for this pass, until refinement takes them.
        self.records: RecordsRead | None = None

    # -- what a pass plans -------------------------------------------------------------------

    def up(self, item: CalendarItem) -> None:
        """Plan what a changed mailbox item needs on the CRM side."""
        plan_up.up(self, item)

    def down(self, item: CalendarItem) -> None:
        """Plan what a changed CRM event needs on the mailbox side."""
        plan_down.down(self, item)

    def removed(self, side: Side, removal: Removal) -> None:
        """Plan what an item (or occurrence) gone from ``side`` needs on the other side."""
        plan_removals.removed(self, side, removal)

    def adopt(self, link: Link) -> None:
        """Index a link made outside planning (adoption, a confirmed create)."""
        if link.synced_at is None:
            link.synced_at = self.ctx.clock()
        self.ledger.index(link)
        self.ledger.changed(link)

    @property
    def instances(self) -> bool:
        """Whether occurrences sync one by one (EX-08)."""
        return self.ctx.policy.recurrence is RecurrenceStrategy.INSTANCES

    # -- shared by every direction -----------------------------------------------------------

    def unchanged(self, side: Side, item: CalendarItem, link: Link | None) -> bool:
        """Whether ``item`` is what the link already knows (an echo of calsync's own write)."""
        if link is None:
            return False
        token = item.ref.change_token if item.ref else ""
        print_ = fingerprint(item, side)
        if (
            (token and token == link.token(side))
            or print_ == link.hash(side)
            or self._own_write(side, item, link)
        ):
            # Nothing new: the item's open issues (if any) stand as they are.
            link.remember(side, token=token, content=print_)
            self.ledger.changed(link)
            return True
        return False

    def _own_write(self, side: Side, item: CalendarItem, link: Link) -> bool:
        """Whether ``item`` is calsync's last write to it, as its service stored it.

        A write whose answer carried no change token leaves the link's token empty until the
        item comes back. If calsync's own account made the change it comes back with, that
        change is the write, even when the service reshaped a value (trimmed, normalised):
        a person's edit names the person (and one that leaves what calsync wrote is no change).
        """
        by = item.ref.modified_by if item.ref else ""
        if link.token(side) or not by:
            return False
        provider = self.ctx.crm if side is Side.CRM else self.ctx.mailbox
        return by == provider.own_account()

    def refuse(self, refusal: Refuse, side: Side, item: CalendarItem) -> None:
        """A rule refused ``side``'s ``item``: its issue."""
        self.ledger.hits.append(
            Hit(
                code=refusal.code,
                side=side,
                item_id=item.ref.id if item.ref else None,
                # A rule names the item by subject; a private one is never named so (EX-01).
                params={
                    **refusal.params,
                    **({"subject": named(item)} if "subject" in refusal.params else {}),
                },
            )
        )

    def rule_context(
        self, item: CalendarItem, direction: Direction, link: Link | None
    ) -> RuleContext:
        """What the rules are asked about ``item`` going ``direction``."""
        return RuleContext(
            item=item,
            direction=direction,
            policy=self.ctx.policy,
            features=self.ctx.features,
            owner=self.ctx.address,
            linked_as=link.kind
            if link is not None and link.kind is not LinkKind.OCCURRENCE
            else None,
            matches=self.matches,
        )

    def plan(self, planned: Planned) -> None:
        """Plan one write, unless the policy prevents it or it is planned already."""
        ledger = self.ledger
        if not self.ctx.policy.allows(planned.direction, planned.write.operation):
            # EX-18: a prevented operation is simply not made; nothing else changes.
            if planned.drop_link and planned.link is not None:
                ledger.drop(planned.link)
            return
        write = planned.write
        if write.operation is Operation.DELETE and any(
            p.side is planned.side
            and p.write.operation is Operation.DELETE
            and p.write.target == write.target
            and (write.target is not None or p.write.item == write.item)
            for p in ledger.planned
        ):
            return  # already planned (an occurrence can be gone for two reasons at once)
        if planned.write.operation is Operation.CREATE and planned.source_key:
            ledger.creating.add((planned.side.other, planned.source_key))
        if planned.side is Side.CRM:
            planned, cut = fit_write(planned, self.ctx.features.text_lengths)
            ledger.hits += cut
        ledger.planned.append(planned)

    def create(
        self, side: Side, target: CalendarItem, new: Link, source: CalendarItem, key: str
    ) -> None:
        """Plan ``target``'s creation on ``side``, mirroring ``source`` (known as ``key``)."""
        self.plan(
            Planned(
                side=side,
                write=Write.create(target),
                link=new,
                source=source,
                source_key=key,
                new_link=True,
            )
        )

    def update(
        self,
        side: Side,
        at: str | None,
        target: CalendarItem,
        fields: frozenset[str],
        link: Link,
        source: CalendarItem,
        *,
        new_link: bool = False,
    ) -> None:
        """Plan an update of ``fields`` of the item ``at`` on ``side``, mirroring ``source``.

        ``at`` None addresses the occurrence ``target`` names by series and original start.
        """
        self.plan(
            Planned(
                side=side,
                write=Write.update(at, target, fields),
                link=link,
                source=source,
                new_link=new_link,
            )
        )

    def for_crm(
        self, item: CalendarItem, key: str, zone: str | None, who_ids: tuple[str, ...] = ()
    ) -> CalendarItem:
        """``item`` shaped for the CRM, in ``zone``, related to ``who_ids``."""
        return for_crm(
            item,
            owner=self.ctx.owner_id,
            counterpart=key,
            zone=zone,
            who_ids=who_ids,
            private_allowed=self.ctx.policy.private_items is PrivateItems.SYNC,
        )
