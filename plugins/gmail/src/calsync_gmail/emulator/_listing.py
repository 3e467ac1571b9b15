"""``events.list`` and ``events.instances``: selecting, ordering and paging events.

A listing is computed once, on its first page; later pages are served from that snapshot
through their page token, and the last page of an ``events.list`` carries a sync token that
remembers the change number the snapshot was taken at. So a change made while a client is
paging is never lost: it is newer than the token and comes back on the next sync.

Google's guide "Synchronize resources efficiently"
(https://developers.google.com/calendar/api/guides/sync): ``nextSyncToken`` is "present
only on the very last page"; an invalidated token is answered with 410 and calls for a new
full sync. events.list's ``syncToken``: "All events deleted since the previous list request
will always be in the result set" (Calendar API reference, events.list).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from calsync.emulation import Clock
from calsync_gmail.emulator import _series
from calsync_gmail.emulator._errors import ApiError, invalid
from calsync_gmail.emulator._query import ListQuery
from calsync_gmail.emulator._recurrence import DEFAULT_HORIZON
from calsync_gmail.emulator._render import render_event
from calsync_gmail.emulator._store import Calendar, PageCursor, Store, SyncCursor, new_token
from calsync_gmail.emulator._times import format_stamp, parse_instant


def _until(query: ListQuery, clock: Clock) -> datetime:
    if query.time_max is not None:
        return query.time_max
    return (query.time_min or clock.now()) + DEFAULT_HORIZON


def _in_window(event: dict[str, Any], query: ListQuery) -> bool:
    start, end = _series.bounds(event, query.tz)
    if query.time_max is not None and start >= query.time_max:
        return False
    return not (query.time_min is not None and end <= query.time_min)


def _properties_match(event: dict[str, Any], scope: str, wanted: tuple[str, ...]) -> bool:
    stored = event.get("extendedProperties", {}).get(scope, {})
    return all(stored.get(k) == v for k, v in (w.split("=", 1) for w in wanted))


def _matches(event: dict[str, Any], query: ListQuery) -> bool:
    """Return the filters other than the time window (AND of every ``k=v``)."""
    if not _properties_match(event, "private", query.private_properties):
        return False
    if not _properties_match(event, "shared", query.shared_properties):
        return False
    if query.ical_uid is not None and event.get("iCalUID") != query.ical_uid:
        return False
    if query.event_types and event.get("eventType", "default") not in query.event_types:
        return False
    if query.updated_min is not None and parse_instant(event["updated"]) < query.updated_min:
        return False
    if query.query:
        haystack = " ".join(
            [str(event.get(k, "")) for k in ("summary", "description", "location")]
            + [str(a.get("email", "")) for a in event.get("attendees", [])]
        ).lower()
        return query.query.lower() in haystack
    return True


def _deleted_shown(event: dict[str, Any], query: ListQuery) -> bool:
    """Whether a listing shows a cancelled event, as the Calendar API reference says.

    ``events.list`` (https://developers.google.com/calendar/api/v3/reference/events/list):
    ``updatedMin``: "entries deleted since this time will always be included
    regardless of showDeleted"; ``showDeleted``: "Cancelled instances of recurring events
    (but not the underlying recurring event) will still be included if showDeleted and
    singleEvents are both False. If showDeleted and singleEvents are both True, only single
    instances of deleted events (but not the underlying recurring events) are returned."
    """
    if query.updated_min is not None:
        return True
    if query.single_events:
        return query.show_deleted and not _series.is_master(event)
    return query.show_deleted or _series.is_exception(event)


class Lister:
    """Answer list requests over a :class:`Store`."""

    def __init__(self, store: Store, clock: Clock) -> None:
        """List from ``store``; ``clock`` bounds unbounded recurrences."""
        self.store = store
        self.clock = clock

    def _changed(self, calendar: Calendar, event_id: str, since: int | None) -> bool:
        return since is None or calendar.changes.get(event_id, 0) > since

    def _candidates(self, calendar: Calendar, query: ListQuery) -> Iterator[dict[str, Any]]:
        """Yield every item the query may return, before filters (instances in time order)."""
        until, since = _until(query, self.clock), query.since
        for event in list(calendar.events.values()):
            changed = self._changed(calendar, event["id"], since)
            if not query.single_events:
                if changed:
                    yield event
            elif _series.is_exception(event):
                # Exceptions come with their master's expansion, unless only they changed.
                master_changed = self._changed(calendar, event["recurringEventId"], since)
                if since is not None and changed and not master_changed:
                    yield event
            elif _series.is_master(event):
                if _series.is_cancelled(event):
                    if changed:
                        yield event
                elif changed:
                    yield from _series.expand(calendar, event, until=until, window_zone=query.tz)
            elif changed:
                yield event

    def _keep(self, calendar: Calendar, event: dict[str, Any], query: ListQuery) -> bool:
        if _series.is_cancelled(event):
            if query.since is not None:
                return True  # incremental results always carry deletions, in any window
            if not _deleted_shown(event, query):
                return False
        if not _matches(event, query):
            return False
        if _series.is_master(event) and not query.single_events:
            until = _until(query, self.clock)
            # A deleted series is in the window where its instances were.
            deleted = _series.is_cancelled(event)
            live = (
                i
                for i in _series.expand(calendar, event, until=until, window_zone=query.tz)
                if deleted or not _series.is_cancelled(i)
            )
            return any(_in_window(i, query) for i in live)
        return _in_window(event, query)

    def _ordered(self, rows: list[dict[str, Any]], query: ListQuery) -> list[dict[str, Any]]:
        if query.order_by == "startTime":
            return sorted(rows, key=lambda e: (_series.bounds(e, query.tz)[0], e["id"]))
        if query.order_by == "updated":
            return sorted(rows, key=lambda e: (parse_instant(e["updated"]), e["id"]))
        return rows

    def _envelope(self, calendar: Calendar, caller: str, query: ListQuery) -> dict[str, Any]:
        stamps = [parse_instant(e["updated"]) for e in calendar.events.values()]
        return {
            "kind": "calendar#events",
            "etag": f'"{self.store.sequence}"',
            "summary": calendar.summary,
            "description": "",
            "updated": format_stamp(max(stamps, default=self.clock.now())),
            "timeZone": calendar.time_zone,
            "accessRole": "owner" if caller == calendar.owner else "reader",
            "defaultReminders": [{"method": "popup", "minutes": 10}],
        }

    def _page(
        self,
        calendar: Calendar,
        caller: str,
        query: ListQuery,
        items: tuple[dict[str, Any], ...],
        sync: SyncCursor | None,
    ) -> dict[str, Any]:
        out = self._envelope(calendar, caller, query)
        page, rest = items[: query.max_results], items[query.max_results :]
        if rest:
            token = new_token("EjY")
            self.store.page_tokens[token] = PageCursor(calendar.owner, calendar.id, rest, sync)
            out["nextPageToken"] = token
        elif sync is not None:
            token = new_token("CP")
            self.store.sync_tokens[token] = dataclasses.replace(sync, issued_at=self.clock.now())
            out["nextSyncToken"] = token
        out["items"] = list(page)
        return out

    def _resume(
        self, calendar: Calendar, caller: str, query: ListQuery, token: str
    ) -> dict[str, Any]:
        cursor = self.store.page_tokens.get(token)
        if cursor is None or (cursor.owner, cursor.calendar_id) != (calendar.owner, calendar.id):
            raise invalid("Invalid page token value.", location="pageToken")
        return self._page(calendar, caller, query, cursor.items, cursor.sync)

    def list(
        self, calendar: Calendar, caller: str, query: ListQuery, page_token: str | None
    ) -> dict[str, Any]:
        """Answer ``events.list`` (a page token resumes an earlier listing)."""
        if page_token is not None:
            return self._resume(calendar, caller, query, page_token)
        watermark = self.store.sequence
        rows = [e for e in self._candidates(calendar, query) if self._keep(calendar, e, query)]
        minimal = query.since is not None or query.show_deleted
        items = tuple(
            render_event(e, caller=caller, tz=query.tz, minimal=minimal)
            for e in self._ordered(rows, query)
        )
        sync = query.cursor(calendar.owner, calendar.id, watermark)
        return self._page(calendar, caller, query, items, sync)

    def instances(
        self,
        calendar: Calendar,
        caller: str,
        event_id: str,
        query: ListQuery,
        page_token: str | None,
    ) -> dict[str, Any]:
        """Answer ``events.instances`` for the master ``event_id``.

        ``showDeleted`` adds the cancelled instances: "Whether to include deleted events (with
        status equals 'cancelled') in the result" (Calendar API reference, events.instances,
        https://developers.google.com/calendar/api/v3/reference/events/instances).
        """
        if page_token is not None:
            return self._resume(calendar, caller, query, page_token)
        master = calendar.event(event_id)
        if _series.is_cancelled(master):
            raise ApiError(410, "deleted", "Resource has been deleted")
        rows: list[dict[str, Any]] = []
        if _series.is_master(master):
            until = _until(query, self.clock)
            for instance in _series.expand(calendar, master, until=until, window_zone=query.tz):
                if _series.is_cancelled(instance) and not query.show_deleted:
                    continue
                if query.original_start is not None:
                    original = instance["originalStartTime"]
                    when = original.get("dateTime") or original["date"] + "T00:00:00Z"
                    if parse_instant(when) != query.original_start:
                        continue
                if _in_window(instance, query):
                    rows.append(instance)
        items = tuple(
            render_event(e, caller=caller, tz=query.tz, minimal=query.show_deleted) for e in rows
        )
        return self._page(calendar, caller, query, items, None)
