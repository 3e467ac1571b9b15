"""Series masters with every exclusion: EXDATE values plus cancelled instances.

Google does not turn a deleted occurrence into an ``EXDATE`` on the master; it stores a
cancelled instance (an event ``<master>_<suffix>`` with ``status: cancelled``). The master
calsync reports must nevertheless carry every excluded occurrence, so its cancelled
instances are read with one ``events.instances(showDeleted=true)`` per master, batched: the
Calendar API reference documents that it "Returns instances of the specified recurring
event" and that ``showDeleted`` includes those "with status equals 'cancelled'"
(https://developers.google.com/calendar/api/v3/reference/events/instances).
A master known only by id (a delta that carried just a cancelled instance) is read first
with a batched ``events.get``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from calsync.model import CalendarItem, Moment
from calsync_gmail.errors import expect_object, provider_error
from calsync_gmail.moments import canonical_zone, from_event_time
from calsync_gmail.session import Session, check_event

__all__ = ["GONE", "complete_masters", "is_cancelled", "read_events"]

#: Statuses of a read that mean "no such event (any more)".
GONE = frozenset({404, 410})


def is_cancelled(event: Mapping[str, Any]) -> bool:
    """Whether the event is deleted, or a cancelled instance."""
    return event.get("status") == "cancelled"


def read_events(session: Session, event_ids: Sequence[str], what: str) -> dict[str, dict[str, Any]]:
    """Read events by id in batches; gone ones (404, 410, cancelled) are left out."""
    requests = [session.events().get(calendarId=session.calendar_id, eventId=i) for i in event_ids]
    found: dict[str, dict[str, Any]] = {}
    for event_id, (reply, error) in zip(
        event_ids, session.client.batch("calendar", requests, what), strict=True
    ):
        if error is not None:
            if error.resp.status in GONE:
                continue
            raise provider_error(error, what)
        event = check_event(reply, what)
        if not is_cancelled(event):
            found[event_id] = event
    return found


def _instances(session: Session, master_ids: list[str]) -> dict[str, list[Any]]:
    """Every instance of each master, cancelled ones included; masters gone are absent."""
    events = session.events()

    def listing(master_id: str, token: str | None = None) -> Any:
        return events.instances(
            calendarId=session.calendar_id,
            eventId=master_id,
            showDeleted=True,
            maxResults=2500,
            pageToken=token,
        )

    what = "events.instances"
    out: dict[str, list[Any]] = {}
    outcomes = session.client.batch("calendar", [listing(m) for m in master_ids], what)
    for master_id, (reply, error) in zip(master_ids, outcomes, strict=True):
        if error is not None:
            if error.resp.status in GONE:
                continue  # deleted since it was read
            raise provider_error(error, what)
        page = expect_object(reply, what)
        found: list[Any] = []
        while True:
            items = page.get("items", [])
            found.extend(items if isinstance(items, list) else [])
            token = page.get("nextPageToken")
            if not token:
                break
            page = session.client.call(listing(master_id, str(token)), what)
        out[master_id] = found
    return out


def complete_masters(
    session: Session, masters: Mapping[str, dict[str, Any] | None]
) -> dict[str, CalendarItem]:
    """Convert series masters with all their exclusions.

    :param masters: master id -> its event when already read, ``None`` to read it here.
    :returns: master id -> item; masters that are gone are absent.
    """
    known = {m: e for m, e in masters.items() if e is not None and not is_cancelled(e)}
    missing = [m for m, e in masters.items() if e is None]
    if missing:
        known.update(read_events(session, missing, "events.get(master)"))
    known = {m: e for m, e in known.items() if e.get("recurrence")}
    if not known:
        return {}
    listing = _instances(session, list(known))
    out: dict[str, CalendarItem] = {}
    for master_id, master in known.items():
        if master_id not in listing:
            continue
        cancelled = [
            event
            for event in (check_event(e, "events.instances") for e in listing[master_id])
            if is_cancelled(event)
        ]
        zone = canonical_zone(master.get("start", {}).get("timeZone")) or session.zone
        originals: list[Moment] = []
        for instance in cancelled:
            try:
                originals.append(from_event_time(instance["originalStartTime"], zone))
            except (KeyError, ValueError):
                continue  # a cancelled instance without its original start excludes nothing
        out[master_id] = session.item(master, originals)
    return out
