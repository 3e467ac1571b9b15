"""Applying a batch of writes through sObject Collections, with one result per write.

Order of work, so that each step sees what the previous one did:

1. deletes of events named by id;
2. updates of events named by id;
3. creates: singles that carry a counterpart id are *upserted* by it (a create replayed
   after a lost answer updates what the first attempt made instead of duplicating it);
   series and items without one are inserted;
4. writes to occurrences of Classic series, addressed by series id and original start:
   the series' records are read in one query (after step 2, which may have recreated
   them) and each occurrence found by its slot; occurrences excluded from a series just
   created are deleted with them.

Each step makes one Collections call per 200 records. Deleting what is already gone is a
success; so is deleting an occurrence a series no longer has.

A Collections save answers only ``id``, ``success`` and ``errors`` per record ("Create
Records Using sObject Collections", a list of SaveResult:
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_create.htm),
so a result carries the record's id and no change token. Nothing is read back for one:
the engine knows the write when it comes back by the content it wrote, or by its last
modifier being the integration user (``LastModifiedById``, see :meth:`.SalesforceCrm.own_account`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from calsync.model import CalendarItem, ItemKind, ItemRef
from calsync.policy import Operation
from calsync.providers import ItemFailure, Write, WriteResult
from calsync_salesforce.classic import UnsupportedRule
from calsync_salesforce.collections_api import BATCH, Collections, RecordResult, batches
from calsync_salesforce.failures import GONE_CODES, failure_of, first_error
from calsync_salesforce.org import OrgView
from calsync_salesforce.payloads import event_fields
from calsync_salesforce.reader import EventReader
from calsync_salesforce.reading import PROVIDER
from calsync_salesforce.series_index import SeriesIndex
from calsync_salesforce.wire import moment_key

__all__ = ["Writer"]


@dataclass(slots=True)
class _Batch:
    """The work of one ``write`` call, by step; values are indexes into the writes."""

    deletes: list[tuple[int, str]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    upserts: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    inserts: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    occurrences: list[int] = field(default_factory=list)
    #: index -> the id written
    written: dict[int, str] = field(default_factory=dict)


class Writer:
    """Writes events for the provider (see the module docstring)."""

    def __init__(self, org: OrgView, reader: EventReader) -> None:
        """Write through ``org``'s connection."""
        self.org = org
        self.reader = reader
        self.api = Collections(org.connection)

    def write(self, writes: Sequence[Write]) -> list[WriteResult]:
        """Apply ``writes``; one result per write, in order."""
        results: list[WriteResult | None] = [None] * len(writes)
        batch = _Batch()
        for index, write in enumerate(writes):
            failure = self._plan(index, write, batch)
            if failure is not None:
                results[index] = WriteResult(failure=failure)
        self._delete(batch.deletes, results)
        self._save(batch.updates, batch, results, self.api.update)
        field_name = self.org.counterpart_field
        self._save(batch.upserts, batch, results, lambda b: self.api.upsert(field_name, b))
        self._save(batch.inserts, batch, results, self.api.create)
        self._occurrences(writes, batch, results)
        for index, record_id in batch.written.items():
            results[index] = WriteResult(ref=ItemRef(provider=PROVIDER, id=record_id))
        return [r if r is not None else WriteResult() for r in results]

    # -- planning ------------------------------------------------------------------------

    def _plan(self, index: int, write: Write, batch: _Batch) -> ItemFailure | None:
        item = write.item
        if write.operation is Operation.DELETE:
            if write.target is not None:
                batch.deletes.append((index, write.target))
            else:
                batch.occurrences.append(index)
            return None
        assert item is not None
        creating = write.operation is Operation.CREATE
        if not creating and write.target is None:
            batch.occurrences.append(index)
            return None
        try:
            body = event_fields(item, write.fields, creating=creating, shape=self.org.shape)
        except UnsupportedRule as exc:
            return ItemFailure(
                code="UNSUPPORTED_ITEM_KIND", message=f"Salesforce cannot hold this series: {exc}"
            )
        if not creating:
            assert write.target is not None
            batch.updates.append((index, {"Id": write.target, **body}))
        elif (
            item.counterpart_id
            and item.kind is not ItemKind.SERIES
            and self.org.has_counterpart_field
        ):
            batch.upserts.append((index, body))
        else:
            batch.inserts.append((index, body))
        return None

    # -- the calls -----------------------------------------------------------------------

    def _delete(self, deletes: list[tuple[int, str]], results: list[WriteResult | None]) -> None:
        by_id: dict[str, list[int]] = {}
        for index, target in deletes:
            by_id.setdefault(target, []).append(index)
        for chunk in batches(list(by_id.items())):
            answers = self.api.delete([target for target, _ in chunk])
            for (_, indexes), answer in zip(chunk, answers, strict=True):
                for index in indexes:
                    results[index] = _deleted(answer)

    def _save(
        self,
        work: list[tuple[int, dict[str, Any]]],
        batch: _Batch,
        results: list[WriteResult | None],
        call: Any,
    ) -> None:
        for chunk in batches(_merged(work)):
            answers: list[RecordResult] = call([body for _, body in chunk])
            for (indexes, body), answer in zip(chunk, answers, strict=True):
                for index in indexes:
                    if answer.get("success") and answer.get("id"):
                        batch.written[index] = str(answer["id"])
                    else:
                        series = bool(body.get("IsRecurrence"))
                        results[index] = WriteResult(
                            failure=failure_of(answer.get("errors"), creating_series=series)
                        )

    def _occurrences(
        self, writes: Sequence[Write], batch: _Batch, results: list[WriteResult | None]
    ) -> None:
        """Step 4: writes addressed to occurrences, and exclusions of new series."""
        # A series written with its pattern has a record at every slot, excluded or not.
        pruned = [
            (batch.written[i], writes[i].item)
            for i, body in (*batch.inserts, *batch.updates)
            if i in batch.written and "RecurrenceType" in body and _excludes(writes[i].item)
        ]
        if not batch.occurrences and not pruned:
            return
        series = {header for header, _ in pruned}
        for i in batch.occurrences:
            item = writes[i].item
            if item is not None and item.series_id:
                series.add(item.series_id)
        rows = self.reader.query_in(
            "RecurrenceActivityId", sorted(series), also="IsChild = false AND "
        )
        index = SeriesIndex(rows)
        updates: list[tuple[int, dict[str, Any]]] = []
        deletes: list[tuple[int, str]] = []
        for i in batch.occurrences:
            write = writes[i]
            assert write.item is not None
            found = _occurrence_id(index, write.item)
            if found is None:
                # Deleting an occurrence the series no longer has is done already.
                if write.operation is not Operation.DELETE:
                    results[i] = WriteResult(failure=ItemFailure(
                        code="INTERNAL_ERROR",
                        message=f"series {write.item.series_id} has no occurrence at {write.item.original_start}",
                    ))  # fmt: skip
                continue
            if write.operation is Operation.DELETE:
                deletes.append((i, found))
            else:
                body = event_fields(write.item, write.fields, creating=False, shape=self.org.shape)
                updates.append((i, {"Id": found, **body}))
        extra = [_excluded(index, header, item) for header, item in pruned]
        self._save(updates, batch, results, self.api.update)
        self._delete(deletes, results)
        for chunk in batches([record_id for ids in extra for record_id in ids], BATCH):
            self.api.delete(chunk)  # best effort: the series exists either way


def _merged(work: list[tuple[int, dict[str, Any]]]) -> list[tuple[list[int], dict[str, Any]]]:
    """One body per record: several writes to one record in a batch apply in order.

    A collection may not name a record twice; the writes' fields are merged instead (the
    later write's values win) and every one of them gets the record's result.
    """
    merged: dict[str, tuple[list[int], dict[str, Any]]] = {}
    out: list[tuple[list[int], dict[str, Any]]] = []
    for index, body in work:
        record_id = body.get("Id")
        if record_id is None:
            out.append(([index], body))
        elif record_id in merged:
            indexes, first = merged[record_id]
            indexes.append(index)
            first.update(body)
        else:
            merged[record_id] = ([index], dict(body))
            out.append(merged[record_id])
    return out


def _deleted(answer: RecordResult) -> WriteResult:
    if answer.get("success"):
        return WriteResult()
    code, _, _ = first_error(answer.get("errors"))
    if code in GONE_CODES:
        return WriteResult()
    return WriteResult(failure=failure_of(answer.get("errors")))


def _excludes(item: CalendarItem | None) -> bool:
    return item is not None and item.recurrence is not None and bool(item.recurrence.exclusions)


def _occurrence_id(index: SeriesIndex, item: CalendarItem) -> str | None:
    """The record of the occurrence ``item`` addresses (series id + original start)."""
    if item.series_id is None or item.original_start is None:
        return None
    slots = index.slots(item.series_id)
    if slots is None:
        return None
    wanted = moment_key(item.original_start)
    return next((rid for rid, slot in slots.of_record.items() if moment_key(slot) == wanted), None)


def _excluded(index: SeriesIndex, header: str, item: CalendarItem | None) -> list[str]:
    """Records of a new series at the slots its item excludes."""
    slots = index.slots(header)
    if slots is None or item is None or item.recurrence is None:
        return []
    gone = {moment_key(m) for m in item.recurrence.exclusions}
    return [rid for rid, slot in slots.of_record.items() if moment_key(slot) in gone]
