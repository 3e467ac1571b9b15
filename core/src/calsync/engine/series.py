"""Series helpers: expanding occurrences, and EX-06's future-only reset.

EX-06: when a series changes in the mailbox, the mailbox changes every occurrence, past
ones included; on the CRM side only occurrences that start now or later change, and the
description, location and related-to record of each of them — modified ones included —
are reset from the series (those of them that changed on it: see
:mod:`calsync.engine.refine`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta

from calsync.engine.plan import Planned
from calsync.engine.shape import SERIES_RESET_FIELDS
from calsync.model import CalendarItem, ItemKind, Moment
from calsync.providers import Write
from calsync.state.records import Link, Side

__all__ = ["HORIZON", "future_resets", "is_past", "starts"]

#: How far ahead series are expanded when occurrences are synced one by one (EX-06, EX-08).
HORIZON = timedelta(days=366)


def _as_instant(moment: Moment) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(), UTC)


def is_past(start: Moment, now: datetime) -> bool:
    """Whether an occurrence starting at ``start`` has begun (EX-06 leaves it as it was)."""
    return _as_instant(start) < now


def starts(master: CalendarItem, now: datetime, horizon: timedelta) -> Iterator[Moment]:
    """Every occurrence start of ``master`` up to ``now + horizon`` (a bounded series: all)."""
    assert master.recurrence is not None
    until: Moment = now + horizon
    if master.is_all_day:
        until = (now + horizon).date()
    yield from master.recurrence.starts(master.start, until=until)


def future_resets(
    master: CalendarItem,
    crm_master: CalendarItem,
    link: Link,
    now: datetime,
    horizon: timedelta,
    *,
    detached: Callable[[Moment], Link | None] = lambda start: None,
) -> list[Planned]:
    """Updates of every CRM occurrence starting now or later, from the changed ``master``.

    :param crm_master: the master as shaped for the CRM (its links and counterpart).
    :param link: the series' link; its CRM key addresses the CRM series.
    :param detached: the link of the occurrence at a start if it was changed on its own: it
        keeps its subject and time (EX-06 resets only description, location and related
        record), and its link learns the reset's change token.
    """
    planned = []
    duration = master.duration
    for start in starts(master, now, horizon):
        if is_past(start, now):
            continue
        own = detached(start)
        occurrence = CalendarItem(
            kind=ItemKind.EXCEPTION,
            series_id=link.crm_key,
            original_start=start,
            start=start,
            end=start + duration,
            subject=crm_master.subject,
            body=crm_master.body,
            location=crm_master.location,
            links=crm_master.links,
        )
        planned.append(
            Planned(
                side=Side.CRM,
                write=Write.update(
                    None,
                    occurrence,
                    SERIES_RESET_FIELDS - {"subject"} if own else SERIES_RESET_FIELDS,
                ),
                link=None,
                source=master,
                counts=False,
                resets=own,
            )
        )
    return planned
