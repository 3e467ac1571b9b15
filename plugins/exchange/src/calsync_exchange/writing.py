"""Applying a batch of :class:`~calsync.providers.Write` s in as few EWS calls as possible.

1. One GetItem reads the change keys of the update targets and the series of the
   occurrences addressed by (series id, original start).
2. One CreateItem, one UpdateItem and one DeleteItem (per 100 items) apply the batch; an
   occurrence is addressed by ``OccurrenceItemId`` (master + instance index): updating it
   makes it an exception, deleting it cancels it.
3. A series written with exclusions then has those occurrences deleted (one DeleteItem).

A result carries the change key the CreateItem or UpdateItem answer gave: EWS answers each
item's ``ItemId`` with its new ``ChangeKey`` ("CreateItem operation (calendar item)",
https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/createitem-operation-calendar-item,
and "UpdateItem operation"), so nothing is read back for it. Deleting an occurrence
changes its master's key again and DeleteItem answers no item, so a series whose
exclusions were deleted gets an empty token instead of a read-back: the engine knows the
write when it comes back by the content it wrote (exclusions are not part of it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Final

from exchangelib import CalendarItem as EwsItem
from exchangelib.properties import BaseItemId, ItemId

from calsync.model import CalendarItem, ItemKind, ItemRef
from calsync.policy import Operation
from calsync.providers import ItemFailure, Write, WriteResult
from calsync_exchange import updating
from calsync_exchange.connection import Connection
from calsync_exchange.conversions import PROVIDER, Reading, ews_fieldnames, to_core, to_ews
from calsync_exchange.errors import is_gone, item_failure
from calsync_exchange.fetching import PREFETCH_FIELDS, get_items
from calsync_exchange.occurrences import instance_index, occurrence_id
from calsync_exchange.services import Fetched

__all__ = ["Writer"]

log = logging.getLogger(__name__)

_SERIES_SHAPE: Final = frozenset({"start", "end", "zone", "recurrence"})


def _failure(message: str, code: str = "INTERNAL_ERROR") -> WriteResult:
    return WriteResult(failure=ItemFailure(code=code, message=message))


def _ref(item_id: str, change_key: str | None) -> ItemRef:
    return ItemRef(provider=PROVIDER, id=item_id, change_token=change_key or "")


@dataclass(slots=True)
class _Batch:
    """The calls a batch of writes turns into, with the write index of each entry."""

    creates: list[tuple[int, EwsItem]] = field(default_factory=list)
    updates: list[tuple[int, updating.Update]] = field(default_factory=list)
    deletes: list[tuple[int, BaseItemId]] = field(default_factory=list)
    #: write index -> (the series written, the exclusions already deleted before the write).
    series: dict[int, tuple[CalendarItem, frozenset[object]]] = field(default_factory=dict)


class Writer:
    """Turns writes into batched EWS calls for one mailbox."""

    def __init__(self, connection: Connection, reading: Reading) -> None:
        """Write through ``connection``; ``reading`` converts what is read back."""
        self.connection = connection
        self.reading = reading

    def write(self, writes: list[Write]) -> list[WriteResult]:
        """Apply ``writes``; one result per write, in order."""
        results: list[WriteResult | None] = [None] * len(writes)
        current = self._prefetch(writes)
        batch = _Batch()
        for index, write in enumerate(writes):
            try:
                outcome = self._plan(index, write, current, batch)
            except ValueError as exc:  # a value Exchange cannot hold (zone, rule...)
                outcome = _failure(f"Exchange cannot hold this item: {exc}")
            if outcome is not None:
                results[index] = outcome
        self._apply(batch, writes, results)
        self._exclude(batch, results)
        return [r if r is not None else _failure("not written") for r in results]

    # -- reading what the writes address ----------------------------------------------------

    def _prefetch(self, writes: list[Write]) -> dict[str, Fetched]:
        wanted: list[str] = []
        for write in writes:
            if write.operation is Operation.UPDATE and write.target is not None:
                wanted.append(write.target)
            elif write.target is None and write.item is not None and write.item.series_id:
                wanted.append(write.item.series_id)
        ids = list(dict.fromkeys(wanted))
        answers = get_items(self.connection, ids, PREFETCH_FIELDS)
        return {i: a for i, a in zip(ids, answers, strict=True) if isinstance(a, Fetched)}

    def _master(self, fetched: Fetched) -> CalendarItem | None:
        if fetched.item.type != "RecurringMaster":
            return None
        return to_core(fetched, self.reading)

    # -- planning -----------------------------------------------------------------------------

    def _plan(
        self, index: int, write: Write, current: dict[str, Fetched], batch: _Batch
    ) -> WriteResult | None:
        item, zone = write.item, self.connection.default_zone
        if write.target is None and item is not None and item.occurrence_key is not None:
            return self._plan_occurrence(index, write, item, current, batch)
        if write.operation is Operation.CREATE:
            assert item is not None
            batch.creates.append((index, to_ews(item, zone, account=self.connection.account)))
            if item.recurrence is not None and item.recurrence.exclusions:
                batch.series[index] = (item, frozenset())
            return None
        assert write.target is not None
        if write.operation is Operation.DELETE:
            batch.deletes.append((index, ItemId(id=write.target)))
            return None
        assert item is not None
        target = current.get(write.target)
        if target is None:
            return _failure(f"item {write.target} not found")
        master = self._master(target)
        names = ews_fieldnames(write.fields, master=master is not None)
        if master is not None and item.recurrence is None:
            names = [n for n in names if n not in ("recurrence", "calsync_recurrence_rule")]
        if not names:
            return WriteResult(ref=_ref(write.target, target.item.changekey))
        key = ItemId(id=write.target, changekey=target.item.changekey)
        ews = to_ews(
            item if master is not None else item.evolve(kind=ItemKind.SINGLE, recurrence=None),
            zone,
            account=self.connection.account,
            _id=key,
        )
        batch.updates.append((index, (ews, names)))
        fields = write.fields if write.fields is not None else _SERIES_SHAPE
        if master is not None and item.recurrence is not None and "recurrence" in fields:
            done = master.recurrence.exclusions if master.recurrence else ()
            reset = bool(fields & _SERIES_SHAPE - {"recurrence"}) or item.recurrence.rule != (
                master.recurrence.rule if master.recurrence else ""
            )
            batch.series[index] = (item, frozenset() if reset else frozenset(done))
        return None

    def _plan_occurrence(
        self,
        index: int,
        write: Write,
        item: CalendarItem,
        current: dict[str, Fetched],
        batch: _Batch,
    ) -> WriteResult | None:
        series_id, original_start = item.occurrence_key  # type: ignore[misc]
        fetched = current.get(series_id)
        master = self._master(fetched) if fetched is not None else None
        position = instance_index(master, original_start) if master is not None else None
        if position is None or master is None or fetched is None:
            if write.operation is Operation.DELETE:
                return WriteResult()  # the series or the occurrence is gone already
            return _failure(f"series {series_id} has no occurrence at {original_start}")
        key = occurrence_id(series_id, fetched.item.changekey, position)
        if write.operation is Operation.DELETE:
            batch.deletes.append((index, key))
            return None
        names = ews_fieldnames(write.fields, master=False)
        names = [n for n in names if n != "calsync_counterpart" or item.counterpart_id]
        occurrence = item.evolve(kind=ItemKind.SINGLE, series_id=None, original_start=None)
        ews = to_ews(
            occurrence, self.connection.default_zone, account=self.connection.account, _id=key
        )
        batch.updates.append((index, (ews, names)))
        return None

    # -- applying ------------------------------------------------------------------------------

    def _apply(self, batch: _Batch, writes: list[Write], results: list[WriteResult | None]) -> None:
        connection = self.connection
        created = updating.create(connection, [item for _, item in batch.creates])
        for (index, _), answer in zip(batch.creates, created, strict=True):
            results[index] = self._result(answer)
        updated = updating.update(connection, [u for _, u in batch.updates])
        for (index, _), answer in zip(batch.updates, updated, strict=True):
            results[index] = self._result(answer)
        deleted = updating.delete(connection, [key for _, key in batch.deletes])
        for (index, _), outcome in zip(batch.deletes, deleted, strict=True):
            if isinstance(outcome, Exception) and not is_gone(outcome):
                results[index] = WriteResult(failure=item_failure(outcome))
            else:
                results[index] = WriteResult()  # deleted, or already gone

    @staticmethod
    def _result(answer: updating.Written) -> WriteResult:
        if isinstance(answer, Exception):
            return WriteResult(failure=item_failure(answer))
        return WriteResult(ref=_ref(*answer))

    def _exclude(self, batch: _Batch, results: list[WriteResult | None]) -> None:
        """Delete the exclusions of the series just written, then read their final keys."""
        deletes: list[tuple[int, BaseItemId]] = []
        for index, (series, done) in batch.series.items():
            result = results[index]
            if result is None or result.ref is None:
                continue
            assert series.recurrence is not None
            master = series.evolve(ref=result.ref)
            for moment in series.recurrence.exclusions:
                if moment in done:
                    continue
                position = instance_index(master, moment)
                if position is not None:
                    deletes.append(
                        (index, occurrence_id(result.ref.id, result.ref.change_token, position))
                    )
        if not deletes:
            return
        failed: set[int] = set()
        outcomes = updating.delete(self.connection, [key for _, key in deletes])
        for (index, key), outcome in zip(deletes, outcomes, strict=True):
            if isinstance(outcome, Exception) and not is_gone(outcome):
                log.warning(
                    "excluding occurrence %s of %s failed: %s",
                    key.instance_index,
                    key.id,
                    type(outcome).__name__,
                )
                failed.add(index)
        # The exclusions changed the masters' change keys: the ones answered are stale.
        for index, key in dict(deletes).items():
            results[index] = WriteResult(ref=_ref(key.id, None))
            if index in failed and index not in {i for i, _ in batch.creates}:
                # An update is tried again on the next pass; a create must not be repeated.
                results[index] = _failure("the series was written but not all its exclusions")
