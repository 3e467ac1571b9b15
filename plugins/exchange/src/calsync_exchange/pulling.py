"""Delta pulls: SyncFolderItems with the sync state as the cursor, then batched GetItem.

SyncFolderItems lists singles and series masters only; a change to an occurrence (moved,
retitled, deleted) shows up as an update of its master. Each page of up to 512 changes is
followed by one GetItem for the page's items; masters name their modified occurrences,
which are fetched together at the end (one GetItem per 512) and reported as exceptions,
and their deleted occurrences, which become the master's exclusions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from exchangelib.properties import RecurringMasterItemId
from exchangelib.services import SyncFolderItems

from calsync.model import CalendarItem, ItemKind
from calsync.providers import Delta, Removal
from calsync_exchange.connection import Connection
from calsync_exchange.conversions import Reading, to_core
from calsync_exchange.fetching import get_items
from calsync_exchange.services import Fetched
from calsync_exchange.zones import ZoneReading, read_zone

__all__ = ["MAX_CHANGES", "pull", "read_items"]

log = logging.getLogger(__name__)

#: The most changes one SyncFolderItems answer may hold (the schema's limit).
MAX_CHANGES: Final = 512


def pull(connection: Connection, cursor: str | None, reading: Reading) -> Delta:
    """What changed since ``cursor`` (a sync state); everything when ``None``."""
    service = SyncFolderItems(account=connection.account)
    state = cursor
    changed: dict[str, CalendarItem] = {}
    removed: dict[str, Removal] = {}
    masters: dict[str, tuple[CalendarItem, Fetched]] = {}
    while True:
        page = list(
            service.call(
                folder=connection.calendar,
                shape="IdOnly",
                additional_fields=set(),
                sync_state=state,
                ignore=None,
                max_changes_returned=MAX_CHANGES,
                sync_scope=None,
            )
        )
        ids = []
        for change, value in page:
            if change == "delete":
                removed[value.id] = Removal(id=value.id)
                changed.pop(value.id, None)
                masters.pop(value.id, None)
            elif change in ("create", "update"):
                ids.append(value.id)
                removed.pop(value.id, None)
        for fetched in get_items(connection, ids):
            if not isinstance(fetched, Fetched):
                continue  # deleted since the page was listed: the next pull says so
            item = to_core(fetched, reading)
            assert item.ref is not None
            changed[item.ref.id] = item
            if item.kind is ItemKind.SERIES:
                masters[item.ref.id] = (item, fetched)
        new_state = service.sync_state
        if new_state == state or service.includes_last_item_in_range:
            state = new_state
            break
        state = new_state
    exceptions = read_exceptions(connection, masters.values(), reading)
    return Delta(
        changed=(*changed.values(), *exceptions),
        removed=tuple(removed.values()),
        cursor=state or "",
        full=cursor is None,
    )


def read_exceptions(
    connection: Connection, masters: Iterable[tuple[CalendarItem, Fetched]], reading: Reading
) -> list[CalendarItem]:
    """Every modified occurrence of ``masters``, fetched in batches, as exceptions."""
    wanted: list[tuple[str, ZoneReading]] = []
    ids: list[str] = []
    for master, fetched in masters:
        assert master.ref is not None
        zone = read_zone(fetched.start_zone, reading.now) or reading.default_zone
        for occurrence in fetched.item.modified_occurrences or ():
            if occurrence.id:
                ids.append(occurrence.id)
                wanted.append((master.ref.id, zone))
    found = []
    for (series_id, zone), answer in zip(wanted, get_items(connection, ids), strict=True):
        if isinstance(answer, Fetched):
            found.append(to_core(answer, reading, series_id=series_id, series_zone=zone))
    return found


def read_items(connection: Connection, ids: Iterable[str], reading: Reading) -> list[CalendarItem]:
    """The items ``ids`` (absent when gone); an exception is given its master's id."""
    answers = get_items(connection, list(dict.fromkeys(ids)))
    fetched = [a for a in answers if isinstance(a, Fetched)]
    exceptions = [f for f in fetched if f.item.type in ("Exception", "Occurrence")]
    series = _masters_of(connection, exceptions, reading)
    items = []
    for entry in fetched:
        if entry.item.type in ("Exception", "Occurrence"):
            master = series.get(entry.item.id)
            if master is None:
                continue
            items.append(to_core(entry, reading, series_id=master[0], series_zone=master[1]))
        else:
            items.append(to_core(entry, reading))
    return items


def _masters_of(
    connection: Connection, exceptions: list[Fetched], reading: Reading
) -> dict[str, tuple[str, ZoneReading | None]]:
    """Exception id -> (its master's id, the master's zone), in one GetItem."""
    if not exceptions:
        return {}
    refs = [RecurringMasterItemId(id=e.item.id, changekey=e.item.changekey) for e in exceptions]
    answers = get_items(connection, refs, fields=("type", "_start_timezone", "is_all_day"))
    found: dict[str, tuple[str, ZoneReading | None]] = {}
    for exception, master in zip(exceptions, answers, strict=True):
        if isinstance(master, Fetched) and master.item.id:
            found[exception.item.id] = (master.item.id, read_zone(master.start_zone, reading.now))
    return found
