"""Reading events by id, in ``$batch`` calls of 20, with what a core item needs.

One ``GET /users/{id}/events/{id}`` per event, with the two extended properties expanded
(https://learn.microsoft.com/en-us/graph/api/singlevaluelegacyextendedproperty-get) and,
for a series master, ``cancelledOccurrences`` ("Requires $select ... only returned in a Get
operation that specifies the ID of a series master") and ``exceptionOccurrences``
(https://learn.microsoft.com/en-us/graph/api/resources/event?view=graph-rest-1.0). A master
is read with all its exceptions, as a core series always is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import quote, urlencode

from calsync.errors import ThrottledError
from calsync.model import CalendarItem
from calsync.retry import Backoff, parse_retry_after
from calsync_graph import properties
from calsync_graph.client import GraphClient, Part
from calsync_graph.convert import Reading, to_core

__all__ = ["READ_BACKOFF", "SELECT", "Reader", "query"]

#: How long throttled reads are waited out within one call: hints up to a minute each,
#: six tries (a few minutes at most; a pass does not hold its mailbox much longer).
READ_BACKOFF: Final = Backoff(attempts=6)

SELECT: Final = ",".join(
    (
        "subject",
        "body",
        "start",
        "end",
        "originalStartTimeZone",
        "originalEndTimeZone",
        "isAllDay",
        "sensitivity",
        "showAs",
        "categories",
        "organizer",
        "attendees",
        "isOrganizer",
        "iCalUId",
        "type",
        "seriesMasterId",
        "originalStart",
        "recurrence",
        "changeKey",
        "cancelledOccurrences",
        "exceptionOccurrences",
    )
)


def query(params: dict[str, str]) -> str:
    """A query string with spaces and quotes escaped as Graph expects (``%20``, not ``+``)."""
    return urlencode(params, quote_via=quote, safe="$,()'=")


class Reader:
    """Reads one mailbox's events for the provider's calls."""

    def __init__(self, client: GraphClient, reading: Reading) -> None:
        """Read through ``client``; ``reading`` converts."""
        self.client = client
        self.reading = reading

    def event_url(self, event_id: str) -> str:
        """The URL of one event, relative to the Graph endpoint."""
        return f"{self.client.user}/events/{quote(event_id, safe='')}"

    def get(self, ids: Iterable[str], *, with_exceptions: bool = True) -> dict[str, Part]:
        """The raw answers for ``ids`` (one per id, order kept).

        Reads are idempotent, so reads Graph throttled (an inner 429: every request in a
        batch counts against the mailbox's 10,000 per 10 minutes) are sent again after the
        wait Graph asked for, as :data:`READ_BACKOFF` allows; only then is it THROTTLED. A
        first sync of a mailbox with more events in its window than the limit completes so.
        """
        wanted = list(dict.fromkeys(ids))
        expand = properties.expand() + (",exceptionOccurrences" if with_exceptions else "")
        suffix = "?" + query({"$select": SELECT, "$expand": expand})
        answers: dict[str, Part] = {}
        for attempt in READ_BACKOFF.retrying(sleep=self.client.sleep, name="reading events"):
            with attempt:
                pending = [i for i in wanted if i not in answers]
                parts = self.client.batch(
                    [{"method": "GET", "url": self.event_url(i) + suffix} for i in pending]
                )
                throttled = [p for p in parts if p.status == 429]
                answers.update(
                    (i, p) for i, p in zip(pending, parts, strict=True) if p.status != 429
                )
                if throttled:
                    hint = max((parse_retry_after(p.error().retry_after) or 0.0) for p in throttled)
                    raise ThrottledError(
                        f"Microsoft Graph throttled {len(throttled)} reads",
                        retry_after=hint or None,
                    )
        return {i: answers[i] for i in wanted}

    def items(self, ids: Iterable[str]) -> list[CalendarItem]:
        """The items ``ids`` (gone ones absent); a master comes with all its exceptions.

        An occurrence's id (delta may name one) stands for its series master.
        """
        found: dict[str, dict[str, Any]] = {}
        pending = list(dict.fromkeys(ids))
        while pending:
            more: list[str] = []
            for event_id, part in self.get(pending).items():
                if part.status in (404, 410):
                    continue
                if not part.ok:
                    raise part.error()
                data = part.body
                if data.get("type") == "occurrence":
                    more.append(data["seriesMasterId"])
                    continue
                found[event_id] = data
                more += [e["id"] for e in data.get("exceptionOccurrences") or () if e.get("id")]
            pending = [i for i in dict.fromkeys(more) if i not in found]
        return [to_core(data, self.reading) for data in found.values()]
