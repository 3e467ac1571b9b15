"""Delta pulls with Calendar sync tokens.

``events.list(singleEvents=false, showDeleted=true, maxResults=2500)`` is paged to its end;
only the last page carries ``nextSyncToken``, which becomes the delta's cursor (the engine
stores it after its writes commit). Every page of an incremental pull repeats the
``syncToken``, so a token Google drops while we page answers 410 on whichever page comes
next: the pages read so far are discarded and :class:`CursorExpiredError` is raised, and the
engine pulls again with no cursor (a full delta; ids and cross-references are unchanged, so
nothing is duplicated).

Full pulls list everything, cancelled instances included, so each master's exclusions are
complete from the listing itself. Incremental pulls report:

* live singles, masters and exceptions as changed (masters re-read with all exclusions, see
  :mod:`calsync_gmail.series`);
* a deleted single or series as ``Removal(id)``;
* a cancelled instance as ``Removal(id, series_id, original_start)`` *and* its master,
  re-read, with the occurrence among its exclusions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from calsync.errors import InvalidReplyError
from calsync.model import CalendarItem, Moment
from calsync.providers import Delta, Removal
from calsync_gmail.errors import SIDE
from calsync_gmail.moments import canonical_zone, from_event_time
from calsync_gmail.series import complete_masters, is_cancelled
from calsync_gmail.session import Session, check_event

__all__ = ["PAGE_SIZE", "pull"]

#: The largest page Calendar serves.
PAGE_SIZE = 2500


def _list_all(session: Session, cursor: str | None) -> tuple[list[dict[str, Any]], str]:
    events = session.events()

    def page(token: str | None) -> Any:
        return events.list(
            calendarId=session.calendar_id,
            singleEvents=False,
            showDeleted=True,
            maxResults=PAGE_SIZE,
            syncToken=cursor,
            pageToken=token,
        )

    found: list[dict[str, Any]] = []
    sync_token: Any = None
    for reply in session.client.pages(page, "events.list"):
        items = reply.get("items", [])
        if not isinstance(items, list):
            raise InvalidReplyError("Google's events.list items are not a list", source=SIDE)
        found.extend(check_event(item, "events.list") for item in items)
        sync_token = reply.get("nextSyncToken")
    if not isinstance(sync_token, str) or not sync_token:
        raise InvalidReplyError("Google's last events.list page carried no sync token", source=SIDE)
    return found, sync_token


def _original(event: dict[str, Any], zone: str) -> Moment:
    try:
        return from_event_time(event["originalStartTime"], zone)
    except (KeyError, ValueError):
        raise InvalidReplyError(
            f"Google sent a cancelled instance without its original start: {event['id']}",
            source=SIDE,
        ) from None


def _full(session: Session, events: list[dict[str, Any]]) -> list[CalendarItem]:
    live = {e["id"]: e for e in events if not is_cancelled(e)}
    cancelled: dict[str, list[Moment]] = defaultdict(list)
    for event in events:
        series = event.get("recurringEventId")
        if is_cancelled(event) and isinstance(series, str) and series in live:
            master = live[series]
            zone = canonical_zone(master.get("start", {}).get("timeZone")) or session.zone
            cancelled[series].append(_original(event, zone))
    items = []
    for event in live.values():
        series = event.get("recurringEventId")
        if series is not None and series not in live:
            continue  # an exception whose series is gone
        items.append(session.item(event, cancelled.get(event["id"], ())))
    return items


def _incremental(
    session: Session, events: list[dict[str, Any]]
) -> tuple[list[CalendarItem], list[Removal]]:
    changed: list[CalendarItem] = []
    removed: list[Removal] = []
    masters: dict[str, dict[str, Any] | None] = {}
    deleted = {e["id"] for e in events if is_cancelled(e) and not e.get("recurringEventId")}
    for event in events:
        series = event.get("recurringEventId")
        if is_cancelled(event):
            if series is None:
                removed.append(Removal(id=event["id"]))
            elif series not in deleted:
                original = _original(event, session.zone)
                removed.append(Removal(id=event["id"], series_id=series, original_start=original))
                masters.setdefault(series, None)
        elif event.get("recurrence"):
            masters[event["id"]] = event
        elif series not in deleted:  # an exception of a series deleted meanwhile: gone too
            changed.append(session.item(event))
    changed.extend(complete_masters(session, masters).values())
    return changed, removed


def pull(session: Session, cursor: str | None) -> Delta:
    """What changed since ``cursor``; everything (``full=True``) when it is ``None``."""
    events, sync_token = _list_all(session, cursor)
    if cursor is None:
        return Delta(changed=tuple(_full(session, events)), cursor=sync_token, full=True)
    changed, removed = _incremental(session, events)
    return Delta(changed=tuple(changed), removed=tuple(removed), cursor=sync_token)
