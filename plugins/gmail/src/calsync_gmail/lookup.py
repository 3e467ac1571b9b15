"""Reading items by id (``fetch``) and by stored cross-reference (``find_by_counterpart``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from calsync.identity import asked
from calsync.model import CalendarItem
from calsync_gmail import ids
from calsync_gmail.convert import own_counterpart
from calsync_gmail.errors import expect_object, provider_error
from calsync_gmail.series import complete_masters, is_cancelled, read_events
from calsync_gmail.session import Session, check_event

__all__ = ["fetch", "find_by_counterpart"]


def fetch(session: Session, event_ids: Sequence[str]) -> dict[str, CalendarItem]:
    """Current items ``event_ids`` (batched ``events.get``); gone ones are absent."""
    wanted = list(dict.fromkeys(event_ids))
    if not wanted:
        return {}
    events = read_events(session, wanted, "events.get")
    masters = complete_masters(session, {i: e for i, e in events.items() if e.get("recurrence")})
    out: dict[str, CalendarItem] = {}
    for event_id, event in events.items():
        if event.get("recurrence"):
            if event_id in masters:
                out[event_id] = masters[event_id]
        else:
            out[event_id] = session.item(event)
    return out


def find_by_counterpart(
    session: Session, counterpart_ids: Sequence[str]
) -> dict[str, CalendarItem]:
    """Items whose own ``calsyncCounterpart`` is one of ``counterpart_ids``, keyed by it.

    Calendar ANDs ``privateExtendedProperty`` filters, so each id is one ``events.list``,
    all of them batched. Copies that inherited the property (exceptions of a master) are
    not the counterpart's and are left out.
    """
    wanted = asked(counterpart_ids)
    if not wanted:
        return {}
    events, what = session.events(), "events.list(privateExtendedProperty)"

    def listing(counterpart: str, token: str | None = None) -> Any:
        return events.list(
            calendarId=session.calendar_id,
            privateExtendedProperty=f"{ids.COUNTERPART}={counterpart}",
            singleEvents=False,
            maxResults=2500,
            pageToken=token,
        )

    found: dict[str, dict[str, Any]] = {}
    outcomes = session.client.batch("calendar", [listing(c) for c in wanted], what)
    for counterpart, (reply, error) in zip(wanted, outcomes, strict=True):
        if error is not None:
            raise provider_error(error, what)
        page = expect_object(reply, what)
        while True:
            for raw in page.get("items", []) or []:
                event = check_event(raw, what)
                if not is_cancelled(event) and own_counterpart(event) == counterpart:
                    found.setdefault(counterpart, event)
            token = page.get("nextPageToken")
            if not token:
                break
            page = session.client.call(listing(counterpart, str(token)), what)
    masters = complete_masters(session, {e["id"]: e for e in found.values() if e.get("recurrence")})
    out: dict[str, CalendarItem] = {}
    for counterpart, event in found.items():
        if event.get("recurrence"):
            if event["id"] in masters:
                out[counterpart] = masters[event["id"]]
        else:
            out[counterpart] = session.item(event)
    return out
