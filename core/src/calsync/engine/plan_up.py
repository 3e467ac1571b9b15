"""Planning up: what a changed mailbox item needs on the CRM side.

An echo of calsync's own write is no change. An item kept private takes its CRM copies
away (EX-01); otherwise the rules decide (:mod:`calsync.rules`), an attendee's copy of an
in-org organizer's meeting joins the organizer's event (EX-09), the time zone must be one
the CRM knows (EX-19), and the item is created or updated on the CRM side. A series syncs
as a series, with its cancelled occurrences deleted and its future occurrences reset
(EX-06), or occurrence by occurrence (EX-08).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from calsync.engine import series
from calsync.engine.keys import (
    fingerprint,
    item_key,
    link_kind,
    moment_text,
    occurrence_key,
    recorded_exclusions,
)
from calsync.engine.people import people_links
from calsync.engine.plan import Planned
from calsync.engine.shape import (
    OCCURRENCE_FIELDS,
    SERIES_RESET_FIELDS,
    UP_UPDATE_FIELDS,
    occurrence_of,
)
from calsync.model import CalendarItem, ItemKind
from calsync.policy import Direction
from calsync.providers import Write
from calsync.rules import UP_RULES, Refuse, Skip, evaluate, kept_private
from calsync.state.records import Link, LinkKind, Side

if TYPE_CHECKING:
    from calsync.engine.planner import Planner

__all__ = ["up"]


def up(planner: Planner, item: CalendarItem) -> None:
    """Plan what a changed mailbox item needs on the CRM side."""
    key = item_key(item)
    if kept_private(item, planner.ctx.policy) and item.kind in (ItemKind.SINGLE, ItemKind.SERIES):
        planner.ledger.handle(Side.MAILBOX, item)
        _privatised(planner, item, key)
        return
    link = planner.ledger.by_mailbox.get(key)
    if link is not None and link.shared:
        planner.unchanged(Side.MAILBOX, item, link)
        planner.ledger.handle(Side.MAILBOX, item)
        return
    if planner.unchanged(Side.MAILBOX, item, link):
        if link is None or not _new_exclusions(item, link):
            return
        if not planner.instances:
            # Only occurrences were cancelled: delete them, the series itself is as it was.
            _up_exclusions(planner, item, link)
            return
    if item.kind in (ItemKind.OCCURRENCE, ItemKind.EXCEPTION):
        _up_occurrence(planner, item, key, link)
        return
    context = planner.rule_context(item, Direction.UP, link)
    decision = evaluate(UP_RULES, context)
    if isinstance(decision, Skip):
        planner.ledger.handle(Side.MAILBOX, item)
        return
    if isinstance(decision, Refuse):
        planner.refuse(decision, Side.MAILBOX, item)
        return
    if link is None and _joins_organizer(planner, item, key):
        return
    zone_ok, zone = _crm_zone(planner, item)
    if not zone_ok:
        return
    if planner.instances and item.kind is ItemKind.SERIES:
        _up_instances(planner, item, key, zone)
        return
    who_ids = people_links(
        context.participants, planner.matches, planner.ctx.policy, planner.ctx.features
    )
    target = planner.for_crm(item, key, zone, who_ids)
    planner.ledger.handle(Side.MAILBOX, item)
    if link is None:
        new = Link(
            mailbox=planner.ctx.name,
            kind=link_kind(item),
            mailbox_key=key,
            crm_key="",
            uid=item.uid,
            exclusions=recorded_exclusions(item),
        )
        planner.create(Side.CRM, target, new, item, key)
        return
    planner.ledger.up_touched.add(id(link))
    planner.update(Side.CRM, link.crm_key, target, UP_UPDATE_FIELDS, link, item)
    if item.kind is ItemKind.SERIES:
        resets = series.future_resets(
            item,
            target,
            link,
            planner.ctx.clock(),
            series.HORIZON,
            detached=lambda start: _detached(planner, occurrence_key(key, start)),
        )
        for planned in resets:
            planner.plan(planned)
        _up_exclusions(planner, item, link)


def _detached(planner: Planner, key: str) -> Link | None:
    """The link of the occurrence ``key`` if it was changed on its own."""
    link = planner.ledger.by_mailbox.get(key)
    return link if link is not None and link.detached else None


def _privatised(planner: Planner, item: CalendarItem, key: str) -> None:
    """EX-01: a synced item that became private takes its CRM copies away.

    The CRM copy is deleted (the CRM keeps it restorable, e.g. Salesforce's recycle bin)
    and calsync forgets the pair, exactly as if the item had been private from the start.
    Made public again, it syncs as a new item. An attendee's copy of a shared event only
    lets go of it; occurrence records of a series go with their series. A delete that
    fails is tried again through an issue on the item that names nothing of it.
    """
    links = [
        link
        for mailbox_key, link in planner.ledger.by_mailbox.items()
        if mailbox_key == key or mailbox_key.startswith(f"{key}|")
    ]
    for link in links:
        planner.ledger.up_touched.add(id(link))  # a change on the CRM side comes back no more
        gone_with_series = link.kind is LinkKind.OCCURRENCE and not planner.instances
        if link.shared or gone_with_series or not link.crm_key:
            planner.ledger.drop(link)
            continue
        planner.plan(
            Planned(
                side=Side.CRM,
                write=Write.delete(link.crm_key),
                link=link,
                source=item,
                drop_link=True,
                privatised=True,
            )
        )


def _new_exclusions(item: CalendarItem, link: Link) -> bool:
    recurrence = item.recurrence
    return recurrence is not None and any(
        moment_text(m) not in link.exclusions for m in recurrence.exclusions
    )


def _up_exclusions(planner: Planner, item: CalendarItem, link: Link) -> None:
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
        occurrence = planner.ledger.by_mailbox.get(occurrence_key(link.mailbox_key, moment))
        planner.plan(
            Planned(side=Side.CRM, write=Write.delete(None, gone), link=link, counts=False)
        )
        link.exclusions.append(text)
        if occurrence is not None:
            planner.ledger.drop(occurrence)


def _up_occurrence(planner: Planner, item: CalendarItem, key: str, link: Link | None) -> None:
    """A changed occurrence of a mailbox series updates its CRM occurrence."""
    assert item.series_id is not None and item.original_start is not None
    if kept_private(item, planner.ctx.policy):
        planner.ledger.handle(Side.MAILBOX, item)
        return
    if planner.instances:
        prefix = f"{item.series_id}|"
        synced = any(k.startswith(prefix) for k in planner.ledger.by_mailbox) or any(
            side is Side.MAILBOX and k.startswith(prefix) for side, k in planner.ledger.creating
        )
        if (link is None and (Side.MAILBOX, key) in planner.ledger.creating) or not synced:
            # Its series' occurrences are being created (or the series comes later in
            # this delta): plan it again in the next round, against their links.
            if (Side.MAILBOX, item) not in planner.ledger.deferred:
                planner.ledger.deferred.append((Side.MAILBOX, item))
            return
        target = planner.for_crm(item, key, _crm_zone(planner, item)[1])
        target = target.evolve(kind=ItemKind.SINGLE)
        planner.ledger.handle(Side.MAILBOX, item)
        if link is None:
            new = Link(
                mailbox=planner.ctx.name,
                kind=LinkKind.OCCURRENCE,
                mailbox_key=key,
                crm_key="",
                detached=True,
            )
            planner.create(Side.CRM, target, new, item, key)
        else:
            link.detached = True
            planner.update(Side.CRM, link.crm_key, target, OCCURRENCE_FIELDS, link, item)
        return
    series_link = planner.ledger.by_mailbox.get(item.series_id)
    if series_link is None:
        if (Side.MAILBOX, item.series_id) in planner.ledger.creating:
            planner.ledger.deferred.append((Side.MAILBOX, item))
        return  # the series itself is not synced; its own issue says why
    if series_link.shared:
        planner.ledger.handle(Side.MAILBOX, item)
        return
    crm_key = occurrence_key(series_link.crm_key, item.original_start)
    target = occurrence_of(item, series_id=series_link.crm_key)
    planner.ledger.handle(Side.MAILBOX, item)
    is_new = link is None
    if link is None:
        link = Link(
            mailbox=planner.ctx.name,
            kind=LinkKind.OCCURRENCE,
            mailbox_key=key,
            crm_key=crm_key,
            detached=True,
        )
        planner.ledger.new_occurrences.add(key)
    link.detached = True
    planner.ledger.up_touched.add(id(link))
    planner.update(Side.CRM, None, target, OCCURRENCE_FIELDS, link, item, new_link=is_new)


def _up_instances(planner: Planner, item: CalendarItem, key: str, zone: str | None) -> None:
    """EX-08: every occurrence of the series becomes its own CRM event."""
    planner.ledger.handle(Side.MAILBOX, item)
    wanted = set()
    now = planner.ctx.clock()
    for start in series.starts(item, now, series.HORIZON):
        okey = occurrence_key(key, start)
        wanted.add(okey)
        link = planner.ledger.by_mailbox.get(okey)
        occurrence = item.evolve(
            kind=ItemKind.SINGLE, recurrence=None, start=start, end=start + item.duration
        )
        target = planner.for_crm(occurrence, okey, zone)
        if link is not None and (series.is_past(start, now) or link.detached):
            # EX-06: past occurrences keep their values; one changed on its own keeps its
            # subject and time, and takes the series' description, location and links.
            if link.detached and not series.is_past(start, now):
                planner.plan(
                    Planned(
                        side=Side.CRM,
                        write=Write.update(link.crm_key, target, SERIES_RESET_FIELDS - {"subject"}),
                        link=None,
                        counts=False,
                        resets=link,
                    )
                )
            continue
        if link is None:
            new = Link(
                mailbox=planner.ctx.name, kind=LinkKind.OCCURRENCE, mailbox_key=okey, crm_key=""
            )
            planner.create(Side.CRM, target, new, occurrence, okey)
        elif link.mailbox_hash != fingerprint(occurrence, Side.MAILBOX):
            planner.update(Side.CRM, link.crm_key, target, UP_UPDATE_FIELDS, link, occurrence)
    for okey, link in list(planner.ledger.by_mailbox.items()):
        if okey.startswith(f"{key}|") and okey not in wanted and not link.detached and link.crm_key:
            planner.plan(
                Planned(side=Side.CRM, write=Write.delete(link.crm_key), link=link, drop_link=True)
            )


def _joins_organizer(planner: Planner, item: CalendarItem, key: str) -> bool:
    """EX-09: an attendee's copy of an in-org organizer's meeting links to the organizer's event."""
    organizer = item.organizer.address if item.organizer else None
    if not item.attendee_copy or organizer is None or organizer == planner.ctx.address:
        return False
    if organizer not in planner.ctx.org_addresses or not item.uid:
        return False  # EX-10: created as the person's own event, without attendees
    found = planner.ctx.state.organizer_event(item.uid, besides=planner.ctx.name)
    if found is None:
        planner.refuse(
            Refuse(
                code="ORGANIZER_NOT_SYNCED",
                params={"organizer": organizer, "subject": item.subject},
            ),
            Side.MAILBOX,
            item,
        )
        return True
    link = Link(
        mailbox=planner.ctx.name,
        kind=LinkKind.SINGLE,
        mailbox_key=key,
        crm_key=found[1],
        shared=True,
        uid=item.uid,
    )
    link.remember(
        Side.MAILBOX,
        token=item.ref.change_token if item.ref is not None else "",
        content=fingerprint(item, Side.MAILBOX),
    )
    planner.adopt(link)
    planner.ledger.handle(Side.MAILBOX, item)
    return True


def _crm_zone(planner: Planner, item: CalendarItem) -> tuple[bool, str | None]:
    """EX-19: whether ``item`` can sync, and the CRM zone it takes (an issue if it cannot)."""
    recurrence = item.recurrence
    zone = recurrence.zone if recurrence is not None and recurrence.zone else item.zone
    if not isinstance(item.start, datetime) or not zone:
        return True, None
    matcher = planner.ctx.matcher
    result = matcher.match(zone, matcher.default_window(item.start))
    if result.ok:
        return True, result.match
    refusal = Refuse(code="UNSUPPORTED_TIME_ZONE", params={"zone": zone, "subject": item.subject})
    planner.refuse(refusal, Side.MAILBOX, item)
    return False, None
