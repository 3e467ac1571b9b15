"""Series masters with every exclusion: EXDATE values plus cancelled instances.

Google does not turn a deleted occurrence into an ``EXDATE`` on the master; it stores a
cancelled instance (an event ``<master>_<suffix>`` with ``status: cancelled``). The master
calsync reports must nevertheless carry every excluded occurrence, so its cancelled
instances are read with one ``events.list(iCalUID=..., showDeleted=true,
singleEvents=false)`` per master (the master and all its exceptions share the UID), batched.
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


def _series_listing(session: Session, masters: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    """Every event sharing each master's iCalUID (cancelled ones included), by master id."""
    with_uid = [(m, e["iCalUID"]) for m, e in masters.items() if isinstance(e.get("iCalUID"), str)]
    events = session.events()

    def listing(uid: str, token: str | None = None) -> Any:
        return events.list(
            calendarId=session.calendar_id,
            iCalUID=uid,
            showDeleted=True,
            singleEvents=False,
            maxResults=2500,
            pageToken=token,
        )

    what = "events.list(iCalUID)"
    out: dict[str, list[Any]] = {m: [] for m in masters}
    outcomes = session.client.batch("calendar", [listing(uid) for _, uid in with_uid], what)
    for (master_id, uid), (reply, error) in zip(with_uid, outcomes, strict=True):
        if error is not None:
            raise provider_error(error, what)
        page = expect_object(reply, what)
        while True:
            items = page.get("items", [])
            out[master_id].extend(items if isinstance(items, list) else [])
            token = page.get("nextPageToken")
            if not token:
                break
            page = session.client.call(listing(uid, str(token)), what)
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
    listing = _series_listing(session, known)
    out: dict[str, CalendarItem] = {}
    for master_id, master in known.items():
        cancelled: list[dict[str, Any]] = []
        for event in listing[master_id]:
            event = check_event(event, "events.list(iCalUID)")
            if event["id"] == master_id:
                master = event  # read later than the delta: its etag matches the exclusions
            elif event.get("recurringEventId") == master_id and is_cancelled(event):
                cancelled.append(event)
        if is_cancelled(master):
            continue
        zone = canonical_zone(master.get("start", {}).get("timeZone")) or session.zone
        originals: list[Moment] = []
        for instance in cancelled:
            try:
                originals.append(from_event_time(instance["originalStartTime"], zone))
            except (KeyError, ValueError):
                continue  # a cancelled instance without its original start excludes nothing
        out[master_id] = session.item(master, originals)
    return out
