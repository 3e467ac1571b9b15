"""Planning a pass: from the changes on both sides to the writes that mirror them.

For each changed item the planner recognises echoes of calsync's own writes (change
token or content fingerprint unchanged, or last changed by calsync's own account since a
write whose answer carried no token), runs the documented rules, shapes the item for
the other side and plans a create, an update or a delete. Conflicts are settled as the
documents say: when both sides changed the same pair, the mailbox wins (EX-16) while the
CRM's associations are kept (EX-17).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from calsync.engine import series
from calsync.engine.keys import fingerprint, item_key, moment_text, occurrence_key, parse_moment
from calsync.engine.lengths import fit_write
from calsync.engine.people import people_links
from calsync.engine.plan import Hit, PassContext, Planned
from calsync.engine.shape import (
    DOWN_UPDATE_FIELDS,
    OCCURRENCE_FIELDS,
    SERIES_RESET_FIELDS,
    UP_UPDATE_FIELDS,
    for_crm,
    for_mailbox,
    occurrence_of,
)
from calsync.issues import named
from calsync.model import CalendarItem, ItemKind
from calsync.policy import Direction, Operation, PrivateItems, RecurrenceStrategy
from calsync.providers import PersonMatch, Removal, Write
from calsync.recurrence import Recurrence
from calsync.rules import DOWN_RULES, UP_RULES, Refuse, RuleContext, Skip, evaluate, kept_private
from calsync.state.records import Link, LinkKind, Side

__all__ = ["Planner"]

#: How far ahead series are expanded when occurrences are synced one by one (EX-06, EX-08).
HORIZON = timedelta(days=366)
#: CRMs store a bounded series' occurrences up to this many (Salesforce Classic: 100).
CRM_OCCURRENCE_CAP = 100


class Planner:
    """Plans the writes of one round of a pass."""

    def __init__(self, context: PassContext, links: Iterable[Link]) -> None:
        """Plan against the mailbox's current ``links``."""
        self.ctx = context
        self.by_mailbox: dict[str, Link] = {}
        self.by_crm: dict[str, Link] = {}
        for link in links:
            self._index(link)
        self.planned: list[Planned] = []
        self.hits: list[Hit] = []
        #: Items processed without objection: their open issues resolve.
        self.handled: set[tuple[Side, str]] = set()
        #: Links whose stored tokens or fingerprints changed without a write.
        self.dirty: dict[int, Link] = {}
        #: Links the mailbox side changed this pass: the CRM side's change loses (EX-16).
        self.up_touched: set[int] = set()
        #: Items (and removals) to plan again once their series exists on the other side.
        self.deferred: list[tuple[Side, CalendarItem | Removal]] = []
        self.matches: dict[str, tuple[PersonMatch, ...]] = {}
        #: Links to delete from the state without a write.
        self.dropped: list[Link] = []
        #: On a full CRM pull: the original starts of each CRM series' occurrence records.
        self.crm_occurrences: dict[str, set[str]] | None = None
        self._creating: set[tuple[Side, str]] = set()
        #: Mailbox keys of occurrences linked for the first time this pass, from the mailbox.
        self._new_occurrences: set[str] = set()

    # -- bookkeeping -------------------------------------------------------------------------

    def _index(self, link: Link) -> None:
        self.by_mailbox[link.mailbox_key] = link
        self.by_crm[link.crm_key] = link

    def forget(self, link: Link) -> None:
        """Drop ``link`` from the indexes (it was deleted)."""
        if self.by_mailbox.get(link.mailbox_key) is link:
            del self.by_mailbox[link.mailbox_key]
        if self.by_crm.get(link.crm_key) is link:
            del self.by_crm[link.crm_key]

    def adopt(self, link: Link) -> None:
        """Index a link made outside planning (adoption, a confirmed create)."""
        if link.synced_at is None:
            link.synced_at = self.ctx.clock()
        self._index(link)
        self.dirty[id(link)] = link

    def _handled(self, side: Side, item: CalendarItem) -> None:
        if item.ref is not None:
            self.handled.add((side, item.ref.id))

    def _hit(self, refusal: Refuse, side: Side, item: CalendarItem) -> None:
        self.hits.append(
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

    def _link(self, side: Side, key: str) -> Link | None:
        return (self.by_mailbox if side is Side.MAILBOX else self.by_crm).get(key)

    def _unchanged(self, side: Side, item: CalendarItem, link: Link | None) -> bool:
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
            self.dirty[id(link)] = link
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

    def _plan(self, planned: Planned) -> None:
        if not self.ctx.policy.allows(planned.direction, planned.write.operation):
            # EX-18: a prevented operation is simply not made; nothing else changes.
            if planned.drop_link and planned.link is not None:
                self._drop(planned.link)
            return
        write = planned.write
        if write.operation is Operation.DELETE and any(
            p.side is planned.side
            and p.write.operation is Operation.DELETE
            and p.write.target == write.target
            and (write.target is not None or p.write.item == write.item)
            for p in self.planned
        ):
            return  # already planned (an occurrence can be gone for two reasons at once)
        if planned.write.operation is Operation.CREATE and planned.source_key:
            self._creating.add((planned.side.other, planned.source_key))
        if planned.side is Side.CRM:
            planned, cut = fit_write(planned, self.ctx.features.text_lengths)
            self.hits += cut
        self.planned.append(planned)

    def _drop(self, link: Link) -> None:
        self.forget(link)
        self.dirty.pop(id(link), None)
        self.dropped.append(link)

    def _rule_context(
        self, item: CalendarItem, direction: Direction, link: Link | None
    ) -> RuleContext:
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

    @property
    def instances(self) -> bool:
        """Whether occurrences sync one by one (EX-08)."""
        return self.ctx.policy.recurrence is RecurrenceStrategy.INSTANCES

    def _create(
        self, side: Side, target: CalendarItem, new: Link, source: CalendarItem, key: str
    ) -> None:
        """Plan ``target``'s creation on ``side``, mirroring ``source`` (known as ``key``)."""
        self._plan(
            Planned(
                side=side,
                write=Write.create(target),
                link=new,
                source=source,
                source_key=key,
                new_link=True,
            )
        )

    def _update(
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
        self._plan(
            Planned(
                side=side,
                write=Write.update(at, target, fields),
                link=link,
                source=source,
                new_link=new_link,
            )
        )

    def _for_crm(
        self, item: CalendarItem, key: str, zone: str | None, who_ids: tuple[str, ...] = ()
    ) -> CalendarItem:
        return for_crm(
            item,
            owner=self.ctx.owner_id,
            counterpart=key,
            zone=zone,
            who_ids=who_ids,
            private_allowed=self.ctx.policy.private_items is PrivateItems.SYNC,
        )

    # -- up: mailbox to CRM --------------------------------------------------------------------

    def up(self, item: CalendarItem) -> None:
        """Plan what a changed mailbox item needs on the CRM side."""
        key = item_key(item)
        if kept_private(item, self.ctx.policy) and item.kind in (ItemKind.SINGLE, ItemKind.SERIES):
            self._handled(Side.MAILBOX, item)
            self._privatised(item, key)
            return
        link = self.by_mailbox.get(key)
        if link is not None and link.shared:
            self._unchanged(Side.MAILBOX, item, link)
            self._handled(Side.MAILBOX, item)
            return
        if self._unchanged(Side.MAILBOX, item, link):
            if link is None or not self._new_exclusions(item, link):
                return
            if not self.instances:
                # Only occurrences were cancelled: delete them, the series itself is as it was.
                self._up_exclusions(item, link)
                return
        if item.kind in (ItemKind.OCCURRENCE, ItemKind.EXCEPTION):
            self._up_occurrence(item, key, link)
            return
        context = self._rule_context(item, Direction.UP, link)
        decision = evaluate(UP_RULES, context)
        if isinstance(decision, Skip):
            self._handled(Side.MAILBOX, item)
            return
        if isinstance(decision, Refuse):
            self._hit(decision, Side.MAILBOX, item)
            return
        if link is None and self._joins_organizer(item, key):
            return
        zone_ok, zone = self._crm_zone(item)
        if not zone_ok:
            return
        if self.instances and item.kind is ItemKind.SERIES:
            self._up_instances(item, key, zone)
            return
        who_ids = people_links(
            context.participants, self.matches, self.ctx.policy, self.ctx.features
        )
        target = self._for_crm(item, key, zone, who_ids)
        self._handled(Side.MAILBOX, item)
        if link is None:
            new = Link(
                mailbox=self.ctx.name,
                kind=_link_kind(item),
                mailbox_key=key,
                crm_key="",
                uid=item.uid,
                exclusions=_exclusions(item),
            )
            self._create(Side.CRM, target, new, item, key)
            return
        self.up_touched.add(id(link))
        self._update(Side.CRM, link.crm_key, target, UP_UPDATE_FIELDS, link, item)
        if item.kind is ItemKind.SERIES:
            resets = series.future_resets(
                item,
                target,
                link,
                self.ctx.clock(),
                HORIZON,
                detached=lambda start: self._detached(occurrence_key(key, start)),
            )
            for planned in resets:
                self._plan(planned)
            self._up_exclusions(item, link)

    def _detached(self, key: str) -> Link | None:
        """The link of the occurrence ``key`` if it was changed on its own."""
        link = self.by_mailbox.get(key)
        return link if link is not None and link.detached else None

    def _privatised(self, item: CalendarItem, key: str) -> None:
        """EX-01: a synced item that became private takes its CRM copies away.

        The CRM copy is deleted (the CRM keeps it restorable, e.g. Salesforce's recycle bin)
        and calsync forgets the pair, exactly as if the item had been private from the start.
        Made public again, it syncs as a new item. An attendee's copy of a shared event only
        lets go of it; occurrence records of a series go with their series. A delete that
        fails is tried again through an issue on the item that names nothing of it.
        """
        links = [
            link
            for mailbox_key, link in self.by_mailbox.items()
            if mailbox_key == key or mailbox_key.startswith(f"{key}|")
        ]
        for link in links:
            self.up_touched.add(id(link))  # a change on the CRM side comes back no more
            gone_with_series = link.kind is LinkKind.OCCURRENCE and not self.instances
            if link.shared or gone_with_series or not link.crm_key:
                self._drop(link)
                continue
            self._plan(
                Planned(
                    side=Side.CRM,
                    write=Write.delete(link.crm_key),
                    link=link,
                    source=item,
                    drop_link=True,
                    privatised=True,
                )
            )

    @staticmethod
    def _new_exclusions(item: CalendarItem, link: Link) -> bool:
        recurrence = item.recurrence
        return recurrence is not None and any(
            moment_text(m) not in link.exclusions for m in recurrence.exclusions
        )

    def _up_exclusions(self, item: CalendarItem, link: Link) -> None:
        """Occurrences removed from a mailbox series go from the CRM series too."""
        assert item.recurrence is not None
        for moment in item.recurrence.exclusions:
            text = moment_text(moment)
            if text in link.exclusions:
                continue
            gone = CalendarItem(
                kind=ItemKind.OCCURRENCE,
                series_id=link.crm_key,
                original_start=moment,
                start=moment,
                end=moment + item.duration,
            )
            occurrence = self.by_mailbox.get(occurrence_key(link.mailbox_key, moment))
            self._plan(
                Planned(side=Side.CRM, write=Write.delete(None, gone), link=link, counts=False)
            )
            link.exclusions.append(text)
            if occurrence is not None:
                self._drop(occurrence)

    def _up_occurrence(self, item: CalendarItem, key: str, link: Link | None) -> None:
        """A changed occurrence of a mailbox series updates its CRM occurrence."""
        assert item.series_id is not None and item.original_start is not None
        if kept_private(item, self.ctx.policy):
            self._handled(Side.MAILBOX, item)
            return
        if self.instances:
            prefix = f"{item.series_id}|"
            synced = any(k.startswith(prefix) for k in self.by_mailbox) or any(
                side is Side.MAILBOX and k.startswith(prefix) for side, k in self._creating
            )
            if (link is None and (Side.MAILBOX, key) in self._creating) or not synced:
                # Its series' occurrences are being created (or the series comes later in
                # this delta): plan it again in the next round, against their links.
                if (Side.MAILBOX, item) not in self.deferred:
                    self.deferred.append((Side.MAILBOX, item))
                return
            target = self._for_crm(item, key, self._crm_zone(item)[1])
            target = target.evolve(kind=ItemKind.SINGLE)
            self._handled(Side.MAILBOX, item)
            if link is None:
                new = Link(
                    mailbox=self.ctx.name,
                    kind=LinkKind.OCCURRENCE,
                    mailbox_key=key,
                    crm_key="",
                    detached=True,
                )
                self._create(Side.CRM, target, new, item, key)
            else:
                link.detached = True
                self._update(Side.CRM, link.crm_key, target, OCCURRENCE_FIELDS, link, item)
            return
        series_link = self.by_mailbox.get(item.series_id)
        if series_link is None:
            if (Side.MAILBOX, item.series_id) in self._creating:
                self.deferred.append((Side.MAILBOX, item))
            return  # the series itself is not synced; its own issue says why
        if series_link.shared:
            self._handled(Side.MAILBOX, item)
            return
        crm_key = occurrence_key(series_link.crm_key, item.original_start)
        target = occurrence_of(item, series_id=series_link.crm_key)
        self._handled(Side.MAILBOX, item)
        is_new = link is None
        if link is None:
            link = Link(
                mailbox=self.ctx.name,
                kind=LinkKind.OCCURRENCE,
                mailbox_key=key,
                crm_key=crm_key,
                detached=True,
            )
            self._new_occurrences.add(key)
        link.detached = True
        self.up_touched.add(id(link))
        self._update(Side.CRM, None, target, OCCURRENCE_FIELDS, link, item, new_link=is_new)

    def _up_instances(self, item: CalendarItem, key: str, zone: str | None) -> None:
        """EX-08: every occurrence of the series becomes its own CRM event."""
        self._handled(Side.MAILBOX, item)
        wanted = set()
        now = self.ctx.clock()
        for start in series.starts(item, now, HORIZON):
            okey = occurrence_key(key, start)
            wanted.add(okey)
            link = self.by_mailbox.get(okey)
            occurrence = item.evolve(
                kind=ItemKind.SINGLE, recurrence=None, start=start, end=start + item.duration
            )
            target = self._for_crm(occurrence, okey, zone)
            if link is not None and (series.is_past(start, now) or link.detached):
                # EX-06: past occurrences keep their values; one changed on its own keeps its
                # subject and time, and takes the series' description, location and links.
                if link.detached and not series.is_past(start, now):
                    self._plan(
                        Planned(
                            side=Side.CRM,
                            write=Write.update(
                                link.crm_key, target, SERIES_RESET_FIELDS - {"subject"}
                            ),
                            link=None,
                            counts=False,
                            resets=link,
                        )
                    )
                continue
            if link is None:
                new = Link(
                    mailbox=self.ctx.name, kind=LinkKind.OCCURRENCE, mailbox_key=okey, crm_key=""
                )
                self._create(Side.CRM, target, new, occurrence, okey)
            elif link.mailbox_hash != fingerprint(occurrence, Side.MAILBOX):
                self._update(Side.CRM, link.crm_key, target, UP_UPDATE_FIELDS, link, occurrence)
        for okey, link in list(self.by_mailbox.items()):
            if (
                okey.startswith(f"{key}|")
                and okey not in wanted
                and not link.detached
                and link.crm_key
            ):
                self._plan(
                    Planned(
                        side=Side.CRM, write=Write.delete(link.crm_key), link=link, drop_link=True
                    )
                )

    def _joins_organizer(self, item: CalendarItem, key: str) -> bool:
        """EX-09: an attendee's copy of an in-org organizer's meeting links to the organizer's event."""
        organizer = item.organizer.address if item.organizer else None
        if not item.attendee_copy or organizer is None or organizer == self.ctx.address:
            return False
        if organizer not in self.ctx.org_addresses or not item.uid:
            return False  # EX-10: created as the person's own event, without attendees
        found = self.ctx.state.organizer_event(item.uid, besides=self.ctx.name)
        if found is None:
            self._hit(
                Refuse(
                    code="ORGANIZER_NOT_SYNCED",
                    params={"organizer": organizer, "subject": item.subject},
                ),
                Side.MAILBOX,
                item,
            )
            return True
        link = Link(
            mailbox=self.ctx.name,
            kind=LinkKind.SINGLE,
            mailbox_key=key,
            crm_key=found[1],
            shared=True,
            uid=item.uid,
        )
        link.remember(Side.MAILBOX, token=_token(item), content=fingerprint(item, Side.MAILBOX))
        self.adopt(link)
        self._handled(Side.MAILBOX, item)
        return True

    def _crm_zone(self, item: CalendarItem) -> tuple[bool, str | None]:
        """EX-19: whether ``item`` can sync, and the CRM zone it takes (an issue if it cannot)."""
        recurrence = item.recurrence
        zone = recurrence.zone if recurrence is not None and recurrence.zone else item.zone
        if not isinstance(item.start, datetime) or not zone:
            return True, None
        matcher = self.ctx.matcher
        result = matcher.match(zone, matcher.default_window(item.start))
        if result.ok:
            return True, result.match
        refusal = Refuse(
            code="UNSUPPORTED_TIME_ZONE", params={"zone": zone, "subject": item.subject}
        )
        self._hit(refusal, Side.MAILBOX, item)
        return False, None

    # -- down: CRM to mailbox ----------------------------------------------------------------

    def down(self, item: CalendarItem) -> None:
        """Plan what a changed CRM event needs on the mailbox side."""
        record_of_series = item.kind in (ItemKind.OCCURRENCE, ItemKind.EXCEPTION)
        if self.instances and record_of_series:
            item = item.evolve(kind=ItemKind.SINGLE, series_id=None, original_start=None)
            record_of_series = False
        key = item_key(item)
        if item.kind is ItemKind.OCCURRENCE:
            self._handled(Side.CRM, item)  # follows its series; nothing of its own to sync
            return
        if self.instances and item.kind is ItemKind.SERIES:
            self._handled(Side.CRM, item)
            return
        link = self.by_crm.get(key)
        if link is not None and (link.shared or id(link) in self.up_touched):
            self._handled(Side.CRM, item)
            return
        if self._unchanged(Side.CRM, item, link):
            return
        decision = evaluate(DOWN_RULES, self._rule_context(item, Direction.DOWN, link))
        if isinstance(decision, Skip):
            self._handled(Side.CRM, item)
            return
        if isinstance(decision, Refuse):
            self._hit(decision, Side.CRM, item)
            return
        if record_of_series:
            self._down_occurrence(item, key, link)
            return
        self._handled(Side.CRM, item)
        if link is not None and link.kind is LinkKind.OCCURRENCE:
            # EX-08: a CRM event mirroring one occurrence changes that occurrence.
            series_key, _, _ = link.mailbox_key.rpartition("|")
            target = occurrence_of(item.evolve(original_start=item.start), series_id=series_key)
            target = target.evolve(original_start=_original_start(link))
            link.detached = True
            self._update(Side.MAILBOX, None, target, OCCURRENCE_FIELDS, link, item)
            return
        target = for_mailbox(item, owner=self.ctx.address, counterpart=key)
        if target.recurrence is not None:
            target = target.evolve(recurrence=self._crm_exclusions(item, target, link))
        if link is None:
            new = Link(
                mailbox=self.ctx.name,
                kind=_link_kind(item),
                mailbox_key="",
                crm_key=key,
                exclusions=_exclusions(target),
            )
            self._create(Side.MAILBOX, target, new, item, key)
            return
        self._update(Side.MAILBOX, link.mailbox_key, target, DOWN_UPDATE_FIELDS, link, item)

    def _crm_exclusions(
        self, header: CalendarItem, target: CalendarItem, link: Link | None
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
        present = (self.crm_occurrences or {}).get(header.ref.id)
        bounded = target.recurrence.is_bounded
        for index, start in enumerate(series.starts(header, self.ctx.clock(), HORIZON)):
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

    def _down_occurrence(self, item: CalendarItem, key: str, link: Link | None) -> None:
        """A CRM occurrence changed on its own changes the mailbox occurrence."""
        assert item.series_id is not None and item.original_start is not None
        series_link = self.by_crm.get(item.series_id)
        if series_link is None:
            if (Side.CRM, item.series_id) in self._creating:
                self.deferred.append((Side.CRM, item))
            return
        self._handled(Side.CRM, item)
        is_new = link is None
        if link is None:
            mailbox_key = occurrence_key(series_link.mailbox_key, item.original_start)
            if mailbox_key in self._new_occurrences:
                # Both sides hold this changed occurrence (a first sync adopted its series):
                # the mailbox's copy is on its way to the CRM, and the mailbox wins (EX-16).
                return
            link = Link(
                mailbox=self.ctx.name,
                kind=LinkKind.OCCURRENCE,
                mailbox_key=mailbox_key,
                crm_key=key,
                detached=True,
            )
        target = occurrence_of(item, series_id=series_link.mailbox_key)
        self._update(Side.MAILBOX, None, target, OCCURRENCE_FIELDS, link, item, new_link=is_new)

    # -- removals ----------------------------------------------------------------------------

    def removed(self, side: Side, removal: Removal) -> None:
        """Plan what an item (or occurrence) gone from ``side`` needs on the other side."""
        key = removal.id
        if removal.series_id is not None and removal.original_start is not None:
            key = occurrence_key(removal.series_id, removal.original_start)
        occurrence = key != removal.id
        # An item that is gone has nothing left to fix: its open issues resolve.
        self.handled.add((side, removal.id))
        link = self._link(side, key) or self._link(side, removal.id)
        if link is None:
            if occurrence and side is Side.CRM and not self.instances:
                self._cancel_occurrence(removal)
            return
        if link.shared:
            self._drop(link)
            return
        other = side.other
        if link.kind is LinkKind.OCCURRENCE and not self.instances:
            if side is Side.CRM:
                self._cancel_occurrence(removal, link)
            else:
                self._drop(link)  # the series' exclusions carry the cancellation
            return
        if not link.key(other):
            self._drop(link)
            return
        self._plan(
            Planned(side=other, write=Write.delete(link.key(other)), link=link, drop_link=True)
        )
        if link.kind is LinkKind.SERIES:
            prefix = f"{link.key(side)}|"
            for okey, occurrence_link in list(
                (self.by_mailbox if side is Side.MAILBOX else self.by_crm).items()
            ):
                if okey.startswith(prefix):
                    self._drop(occurrence_link)

    def _cancel_occurrence(self, removal: Removal, link: Link | None = None) -> None:
        """A CRM occurrence deleted on its own: delete the mailbox occurrence too."""
        assert removal.series_id is not None and removal.original_start is not None
        series_link = self.by_crm.get(removal.series_id)
        if series_link is None and (Side.CRM, removal.series_id) in self._creating:
            self.deferred.append((Side.CRM, removal))
            return
        if series_link is None or not series_link.mailbox_key:
            if link is not None:
                self._drop(link)
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
            self._plan(
                Planned(
                    side=Side.MAILBOX,
                    write=Write.delete(None, gone),
                    link=series_link,
                    counts=False,
                )
            )
        if link is not None:
            self._drop(link)


def _token(item: CalendarItem) -> str:
    return item.ref.change_token if item.ref is not None else ""


def _original_start(link: Link) -> object:
    return parse_moment(link.mailbox_key.rpartition("|")[2])


def _link_kind(item: CalendarItem) -> LinkKind:
    return LinkKind.SERIES if item.kind is ItemKind.SERIES else LinkKind.SINGLE


def _exclusions(item: CalendarItem) -> list[str]:
    """The exclusions a new series' link starts with: those the series already had."""
    return sorted(moment_text(m) for m in item.recurrence.exclusions) if item.recurrence else []
