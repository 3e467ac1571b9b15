"""Reading what changed among some users' events since a cursor, split by user.

The organisation's round reads every synced owner at once (:func:`pull_owners`); a pass
for one mailbox reads its owner alone (:func:`pull`) through the same code. A full pull
lists every live event the users own (attendee copies included), in ``OwnerId IN`` lists
short enough for one URL each. A delta pull runs one ``queryAll`` over the users' events
stamped since the cursor (over every owner's, filtered here, when the users need more than
one ``IN`` list) (less an overlap, see
:mod:`.cursor`): live rows are changes, rows with ``IsDeleted`` are removals. Rows already
reported at the same ``SystemModstamp`` are skipped. A deleted occurrence of a Classic
series is reported as the cancellation of its slot, and its header is listed too, with the
slot as a new exclusion.

``queryAll`` shows deleted rows only while Salesforce keeps them: a full recycle bin is
purged of its oldest records once they are two hours old, and a purged record leaves
``queryAll`` after about a day (see the emulator's :mod:`.emulator.recycle_bin` for the
documentation). After each delta query, one ``getDeleted`` call reads the delete log's
``earliestDateAvailable``: when Salesforce purged deletions made since the cursor, the pull
refuses the cursor (:class:`~calsync.errors.CursorExpiredError`) and the engine lists every
event again, so events deleted meanwhile are found missing instead of staying as ghosts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Final

from calsync.errors import CursorExpiredError, InvalidReplyError
from calsync.model import CalendarItem, Moment
from calsync.providers import Delta, OwnersDelta, Removal
from calsync_salesforce.cursor import Cursor, seen_key
from calsync_salesforce.reader import EventReader
from calsync_salesforce.reading import removal_of
from calsync_salesforce.replies import Record
from calsync_salesforce.series_index import SeriesIndex
from calsync_salesforce.wire import in_chunks, parse_instant, soql_instant, soql_list, soql_string

__all__ = ["pull", "pull_owners"]

_MINUTE: Final = timedelta(minutes=1)


def pull(
    reader: EventReader, cursor: str | None, owner: str, clock: Callable[[], datetime]
) -> Delta:
    """What changed among ``owner``'s events since ``cursor`` (everything for ``None``)."""
    return pull_owners(reader, cursor, [owner], clock).share(owner)


def pull_owners(
    reader: EventReader, cursor: str | None, owners: Sequence[str], clock: Callable[[], datetime]
) -> OwnersDelta:
    """What changed among the events of ``owners`` since ``cursor``, split by owner."""
    now = clock()
    wanted = set(owners)
    if cursor is None:
        rows = [r for where in _owned_by(wanted) for r in reader.query(where)]
        start = Cursor(mark=None, issued=now).advanced(_stamps(rows), now)
        # Each owner's items read next to its own rows only, as a pull for it alone would.
        changed = {
            owner: tuple(reader.items(mine, SeriesIndex(mine)))
            for owner, mine in _by_owner(rows).items()
        }
        return OwnersDelta(changed=changed, cursor=start.encode(), full=True)
    previous = Cursor.decode(cursor, now)
    since = previous.since
    owned = _owned_by(wanted)
    stamped = since and f"SystemModstamp >= {soql_instant(since)}"
    # Changes are few: when the owners take several IN lists, one query over every owner's
    # changes, filtered here, costs less than one query per list.
    wheres = (
        [stamped]
        if stamped and len(owned) > 1
        else [" AND ".join(c for c in (where, stamped) if c) for where in owned]
    )
    rows = [r for w in wheres for r in reader.query(w, include_deleted=True, reading_changes=True)]
    if since is not None:
        _refuse_if_purged(reader, since, now)
    fresh = [
        r
        for r in rows
        if r.get("OwnerId") in wanted and seen_key(str(r["Id"]), _stamp(r)) not in previous.seen
    ]
    context = reader.context(fresh, reading_changes=True) if _in_series(fresh) else []
    changed_by: dict[str, tuple[CalendarItem, ...]] = {}
    removed_by: dict[str, tuple[Removal, ...]] = {}
    for owner, mine in _by_owner(fresh).items():
        live = [r for r in mine if not r.get("IsDeleted")]
        gone = [r for r in mine if r.get("IsDeleted")]
        index = SeriesIndex([*context, *live])
        changed = reader.items(live, index)
        removed, touched = _removals(gone, index)
        changed += _headers(reader, index, touched, {i.ref.id for i in changed if i.ref}, owner)
        changed_by[owner], removed_by[owner] = tuple(changed), tuple(removed)
    following = previous.advanced(_stamps(fresh), now)
    return OwnersDelta(changed=changed_by, removed=removed_by, cursor=following.encode())


def _owned_by(owners: set[str]) -> list[str]:
    """SOQL conditions selecting the events of ``owners``, one per ``IN`` list that fits."""
    if len(owners) == 1:
        return [f"OwnerId = {soql_string(next(iter(owners)))}"]
    return [f"OwnerId IN {soql_list(chunk)}" for chunk in in_chunks(sorted(owners))]


def _by_owner(rows: list[Record]) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for row in rows:
        grouped.setdefault(str(row.get("OwnerId") or ""), []).append(row)
    return grouped


def _refuse_if_purged(reader: EventReader, since: datetime, now: datetime) -> None:
    """Refuse the cursor when Salesforce purged Event deletions stamped since ``since``."""
    log = reader.org.connection.deleted("Event", since, max(now, since + _MINUTE))
    raw = log.get("earliestDateAvailable") if isinstance(log, dict) else None
    if not isinstance(raw, str):
        raise InvalidReplyError("Salesforce's getDeleted answer has no earliestDateAvailable")
    try:
        earliest = parse_instant(raw)
    except ValueError:
        raise InvalidReplyError(f"getDeleted's earliestDateAvailable {raw!r} is no date") from None
    # Salesforce gives the minute: a purge within that minute may be later than ``since``.
    if earliest + _MINUTE > since:
        raise CursorExpiredError(
            f"Salesforce purged Event deletions up to {raw} from its recycle bin, after the "
            f"cursor's {soql_instant(since)}: every event is listed again"
        )


def _stamp(record: Record) -> str:
    return str(record.get("SystemModstamp") or "")


def _stamps(rows: list[Record]) -> list[tuple[str, str]]:
    return [(str(r["Id"]), _stamp(r)) for r in rows if _stamp(r)]


def _in_series(rows: list[Record]) -> bool:
    return any(r.get("RecurrenceActivityId") or r.get("ActivityRecurrence2Id") for r in rows)


def _removals(gone: list[Record], index: SeriesIndex) -> tuple[list[Removal], set[str]]:
    """Removals of the deleted rows, and the Classic headers that gained exclusions."""
    removed: list[Removal] = []
    claimed: dict[str, set[Moment]] = {}
    for record in gone:
        header = str(record.get("RecurrenceActivityId") or "")
        removal = removal_of(record, index, claimed.setdefault(header, set()))
        if removal is not None:
            removed.append(removal)
    return removed, {r.series_id for r in removed if r.series_id}


def _headers(
    reader: EventReader, index: SeriesIndex, touched: set[str], listed: set[str], owner: str
) -> list[CalendarItem]:
    """The headers of series that lost an occurrence, unless already listed."""
    headers = [
        index.headers[h]
        for h in sorted(touched - listed)
        if h in index.headers and index.headers[h].get("OwnerId") == owner
    ]
    return reader.items(headers, index) if headers else []
