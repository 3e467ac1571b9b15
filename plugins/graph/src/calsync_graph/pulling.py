"""Delta pulls over a calendarView window, and the window's design.

Graph v1.0 has one event delta, on a calendarView: a bounded window fixed in the delta
token for good ("follow-up requests no longer have to specify the same startDateTime and
endDateTime", https://learn.microsoft.com/en-us/graph/delta-query-events). So:

* a round starts with the window [today - ``window_past_days``, today + ``window_future_days``];
  the cursor keeps its deltaLink (relative to the Graph endpoint) and the window;
* while less than ``slide_days`` have passed, each pull follows the deltaLink;
* after that a new round starts over the window as it is today. The listing of a new round
  is not "full" for the engine: an item that left the window at the back is not gone, its
  counterpart stays (it is more than ``window_past_days`` old and is no longer watched);
* the first pull is the engine's full listing of what is in scope, the window. The cursor
  also keeps the **origin**, the start of the first round's window, which no slide moves: when
  a delta token expires, the full listing that follows reaches back to the origin, so no item
  calsync linked in an earlier round is missing from it (a missing one would count as deleted);
* ``@removed`` covers deletions and changes outside the window alike ("you must filter these
  yourself", https://learn.microsoft.com/en-us/graph/api/event-delta): every removed id is
  read back; an event that is still there is reported as changed, one that is gone as removed;
* occurrences come as stubs; their series master is read instead (with its exceptions and
  cancelled occurrences), which is also how a deleted occurrence shows (no tombstone).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from calsync.errors import CursorExpiredError
from calsync.providers import Delta, Removal
from calsync_graph.reading import Reader, query
from calsync_graph.settings import GraphSettings

__all__ = ["origin_of", "pull"]


def _window(settings: GraphSettings, now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=settings.window_past_days), today + timedelta(
        days=settings.window_future_days
    )


def _cursor(cursor: str) -> dict[str, Any]:
    try:
        state = json.loads(cursor)
        assert {"link", "start", "end"} <= state.keys()
        return dict(state)
    except (ValueError, AssertionError, AttributeError):
        raise CursorExpiredError("the cursor is not one the graph provider wrote") from None


def origin_of(cursor: str) -> datetime | None:
    """The origin an (expired) cursor kept, if it is one of ours."""
    try:
        return datetime.fromisoformat(_cursor(cursor).get("origin") or "")
    except (CursorExpiredError, ValueError):
        return None


def pull(
    reader: Reader,
    settings: GraphSettings,
    cursor: str | None,
    now: datetime,
    *,
    origin: datetime | None = None,
) -> Delta:
    """What changed since ``cursor``; the whole window when ``None``.

    :param origin: for a full listing after an expired cursor, where that cursor's first
        round began: the listing reaches back to it.
    """
    client = reader.client
    start, end = _window(settings, now)
    state = _cursor(cursor) if cursor else None
    full = state is None
    if full and origin is not None:
        start = min(start, origin)
    behind = start - timedelta(days=settings.slide_days)
    if state is not None and datetime.fromisoformat(state["start"]) < behind:
        # The window fell behind: a new round, not a full listing; the origin stays.
        origin = datetime.fromisoformat(state.get("origin") or state["start"])
        state = None
    if state is None:
        first = f"{client.user}/calendarView/delta?" + query(
            {
                "startDateTime": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "endDateTime": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
        state = {
            "link": first,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "origin": min(start, origin or start).isoformat(),
        }
    changed: dict[str, None] = {}
    removed: dict[str, None] = {}
    link = ""
    for page in client.pages(state["link"]):
        for entry in page.get("value") or ():
            if "@removed" in entry:
                removed[entry["id"]] = None
            elif entry.get("type") == "occurrence":
                changed[entry["seriesMasterId"]] = None
            else:
                changed[entry["id"]] = None
        link = page.get("@odata.deltaLink") or link
    items = reader.items([*changed, *removed])
    present = {i.ref.id for i in items if i.ref is not None}
    gone = tuple(Removal(id=i) for i in removed if i not in present)
    # Kept relative to the Graph endpoint: the same cursor serves through another address.
    _, found, relative = link.partition("/v1.0")
    next_state = {**state, "link": relative if found else link}
    return Delta(changed=tuple(items), removed=gone, cursor=json.dumps(next_state), full=full)
