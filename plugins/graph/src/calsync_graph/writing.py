"""Applying a batch of :class:`~calsync.providers.Write` s through JSON ``$batch`` (20 a call).

1. One batch reads the update targets; one more finds the ids of the occurrences addressed
   by (series id, original start) (``GET /events/{master}/instances`` around each original
   start, https://learn.microsoft.com/en-us/graph/api/event-list-instances).
2. One batch of POST / PATCH / DELETE applies the writes; an occurrence is patched (it
   becomes an exception) or deleted (it is cancelled) by its own id. Attendees are never
   written (see :mod:`calsync_graph.convert`), so no write sends mail.
3. A series written with exclusions has the missing ones deleted.

A result carries the ``changeKey`` of the event the POST or PATCH answered: Graph answers
a create with the new event (201) and an update with the updated one (200)
(https://learn.microsoft.com/en-us/graph/api/user-post-events,
https://learn.microsoft.com/en-us/graph/api/event-update), so nothing is read back for it.
Cancelling an occurrence changes its master's ``changeKey`` again and a DELETE answers no
body, so a series whose exclusions were deleted gets an empty token instead of a
read-back: the engine knows the write when it comes back by the content it wrote
(exclusions are not part of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from calsync.model import CalendarItem, ItemKind, ItemRef, Moment
from calsync.policy import Operation
from calsync.providers import SYNCED_FIELDS, ItemFailure, Write, WriteResult
from calsync_graph.convert import PROVIDER, ref_of, to_core, to_graph
from calsync_graph.errors import is_gone, item_failure
from calsync_graph.reading import Reader, query

__all__ = ["Writer"]


def _failure(message: str, code: str = "INTERNAL_ERROR") -> WriteResult:
    return WriteResult(failure=ItemFailure(code=code, message=message))


@dataclass(slots=True)
class _Plan:
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: request index -> write index.
    owners: list[int] = field(default_factory=list)
    #: write index -> the series whose exclusions must hold after the write.
    series: dict[int, CalendarItem] = field(default_factory=dict)
    #: write indexes of creates (never repeated, even when an exclusion failed).
    creates: set[int] = field(default_factory=set)

    def add(self, index: int, request: dict[str, Any]) -> None:
        self.requests.append(request)
        self.owners.append(index)


#: What a write may change on a meeting the mailbox organizes without Graph mailing anyone:
#: calsync's own extended properties (categories go through the markers).
QUIET: Final = frozenset({"singleValueExtendedProperties", "categories"})


def _refused(held: dict[str, Any], body: dict[str, Any] | None = None) -> WriteResult | None:
    """A refusal when writing ``body`` (deleting, for ``None``) would mail attendees.

    Graph mails the attendees of a meeting whose organizer's copy is updated or deleted, and
    has no way not to (https://learn.microsoft.com/en-us/graph/api/event-update,
    https://learn.microsoft.com/en-us/graph/api/event-delete); calsync never sends mail.
    """
    if not (held.get("isOrganizer", True) and held.get("attendees")):
        return None
    if body is not None and not set(body) - QUIET:
        return None
    change = "deleting" if body is None else "changing"
    reason = f"{change} it would make Microsoft 365 mail its {len(held['attendees'])} attendees"
    return WriteResult(failure=ItemFailure(code="MEETING_MAIL_AVOIDED", message=reason))


class Writer:
    """Turns writes into ``$batch`` calls for one mailbox."""

    def __init__(self, reader: Reader, default_zone: str) -> None:
        """Write through ``reader``'s client; ``default_zone`` for items without a zone."""
        self.reader = reader
        self.default_zone = default_zone

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes``; one result per write, in order."""
        results: list[WriteResult | None] = [None] * len(writes)
        current = self._prefetch(writes)
        occurrences = self._occurrence_ids(
            [
                w.item.occurrence_key
                for w in writes
                if w.target is None and w.item is not None and w.item.occurrence_key
            ]
        )
        plan = _Plan()
        for index, write in enumerate(writes):
            try:
                results[index] = self._plan(index, write, current, occurrences, plan)
            except ValueError as exc:  # a value Graph cannot hold (a rule, a zone...)
                results[index] = _failure(f"Microsoft 365 cannot hold this item: {exc}")
        parts = self.reader.client.batch(plan.requests)
        for index, request, part in zip(plan.owners, plan.requests, parts, strict=True):
            if request["method"] == "DELETE":
                ok = part.ok or is_gone(part)
                results[index] = WriteResult() if ok else WriteResult(failure=item_failure(part))
            else:
                results[index] = (
                    WriteResult(ref=ref_of(part.body))
                    if part.ok
                    else WriteResult(failure=item_failure(part))
                )
        self._exclude(plan, results)
        return [r if r is not None else _failure("not written") for r in results]

    # -- reading what the writes address ----------------------------------------------------

    def _prefetch(self, writes: Sequence[Write]) -> dict[str, dict[str, Any]]:
        wanted = [
            w.target for w in writes if w.operation is not Operation.CREATE and w.target is not None
        ]
        found = self.reader.get(wanted, with_exceptions=False) if wanted else {}
        return {i: p.body for i, p in found.items() if p.ok}

    def _occurrence_ids(
        self, keys: Sequence[tuple[str, Moment] | None]
    ) -> dict[tuple[str, Moment], dict[str, Any]]:
        """The occurrences (series id, original start) names, as Graph lists them; absent when none."""
        wanted = [k for k in dict.fromkeys(keys) if k is not None]
        requests = []
        for series_id, original in wanted:
            moment = (
                original
                if isinstance(original, datetime)
                else datetime.combine(original, datetime.min.time())
            )
            window = {
                "startDateTime": (moment - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S"),
                "endDateTime": (moment + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S"),
                "$select": (
                    "id,type,start,end,originalStart,originalStartTimeZone,isAllDay,"
                    "seriesMasterId,isOrganizer,attendees"
                ),
            }
            requests.append(
                {
                    "method": "GET",
                    "url": f"{self.reader.event_url(series_id)}/instances?{query(window)}",
                }
            )
        found: dict[tuple[str, Moment], dict[str, Any]] = {}
        for key, part in zip(wanted, self.reader.client.batch(requests), strict=True):
            if not part.ok:
                continue
            for data in part.body.get("value") or ():
                if to_core(data, self.reader.reading).original_start == key[1]:
                    found[key] = data
        return found

    # -- planning -----------------------------------------------------------------------------

    def _plan(
        self,
        index: int,
        write: Write,
        current: dict[str, dict[str, Any]],
        occurrences: dict[tuple[str, Moment], dict[str, Any]],
        plan: _Plan,
    ) -> WriteResult | None:
        item = write.item
        events = f"{self.reader.client.user}/events"
        if write.target is None and item is not None and item.occurrence_key is not None:
            held = occurrences.get(item.occurrence_key)
            if held is None:
                if write.operation is Operation.DELETE:
                    return WriteResult()  # the series or the occurrence is gone already
                return _failure(
                    f"series {item.series_id} has no occurrence at {item.original_start}"
                )
            url = self.reader.event_url(held["id"])
            if write.operation is Operation.DELETE:
                request: dict[str, Any] = {"method": "DELETE", "url": url}
                body = None
            else:
                single = item.evolve(kind=ItemKind.SINGLE, series_id=None, original_start=None)
                fields = (write.fields or SYNCED_FIELDS) - {"recurrence"}
                body = to_graph(single, self.default_zone, fields)
                request = {"method": "PATCH", "url": url, "body": body}
            refused = _refused(held, body)
            if refused is None:
                plan.add(index, request)
            return refused
        if write.operation is Operation.CREATE:
            assert item is not None
            plan.add(
                index, {"method": "POST", "url": events, "body": to_graph(item, self.default_zone)}
            )
            plan.creates.add(index)
            if item.recurrence is not None and item.recurrence.exclusions:
                plan.series[index] = item
            return None
        assert write.target is not None
        if write.operation is Operation.DELETE:
            held = current.get(write.target)  # None: gone already (the DELETE says so)
            refused = _refused(held) if held is not None else None
            if refused is None:
                plan.add(index, {"method": "DELETE", "url": self.reader.event_url(write.target)})
            return refused
        assert item is not None
        held = current.get(write.target)
        if held is None:
            return _failure(f"item {write.target} not found")
        master = held.get("type") == "seriesMaster"
        if not master:
            item = item.evolve(kind=ItemKind.SINGLE, recurrence=None)
        body = to_graph(
            item, self.default_zone, write.fields, series=master and item.recurrence is not None
        )
        if not body:
            return WriteResult(ref=ref_of(held))
        refused = _refused(held, body)
        if refused is not None:
            return refused
        plan.add(
            index, {"method": "PATCH", "url": self.reader.event_url(write.target), "body": body}
        )
        if master and item.recurrence is not None and "recurrence" in body:
            plan.series[index] = item
        return None

    # -- exclusions ---------------------------------------------------------------------------

    def _exclude(self, plan: _Plan, results: list[WriteResult | None]) -> None:
        """Cancel the occurrences a written series excludes but still holds."""
        series = plan.series
        written = {
            i: r.ref.id
            for i, r in ((i, results[i]) for i in series)
            if r is not None and r.ref is not None
        }
        if not written:
            return
        # An updated series may have cancelled some already; one just created has none.
        updated = [m for i, m in written.items() if i not in plan.creates]
        held = {
            i.ref.id: i.recurrence.exclusions
            for i in (self.reader.items(updated) if updated else ())
            if i.ref is not None and i.kind is ItemKind.SERIES and i.recurrence is not None
        }
        keys: list[tuple[str, Moment]] = []
        for index, master_id in written.items():
            done = () if index in plan.creates else held.get(master_id)
            wanted = series[index].recurrence
            if done is None or wanted is None:
                continue
            keys += [(master_id, m) for m in wanted.exclusions if m not in set(done)]
        if not keys:
            return
        ids = {key: data["id"] for key, data in self._occurrence_ids(keys).items()}
        parts = self.reader.client.batch(
            [{"method": "DELETE", "url": self.reader.event_url(i)} for i in ids.values()]
        )
        failed = {
            key[0] for key, part in zip(ids, parts, strict=True) if not (part.ok or is_gone(part))
        }
        cancelled = {key[0] for key in ids}
        for index, master_id in written.items():
            if master_id in cancelled:
                # The answered changeKey went with the cancellations: unknown now.
                results[index] = WriteResult(ref=ItemRef(provider=PROVIDER, id=master_id))
            if master_id in failed and index not in plan.creates:
                # An update is tried again on the next pass; a create must not be repeated.
                results[index] = _failure("the series was written but not all its exclusions")
