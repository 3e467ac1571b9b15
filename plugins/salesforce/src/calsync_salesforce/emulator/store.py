"""The record store: one table per sObject, a delete log, and savepoints for rollback.

Records are plain dicts keyed by canonical field names. A stored dict is never changed in
place: every write puts a new dict, so a savepoint only has to remember the dict that was
there before (copy-on-write). A failed single call rolls back to the savepoint taken when
it started; an ``allOrNone`` collection rolls back to the one taken before its first record.

Look-ups by field value (:meth:`Store.find_by`: relation rows of an event, members of a
series, external ids) use secondary indexes built on first use and kept up to date by every
write and rollback, so saves do not scan whole tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calsync_salesforce.emulator.ids import KEY_PREFIXES, make_id, prefix_of

Record = dict[str, Any]

_OBJECT_OF_PREFIX = {prefix: name for name, prefix in KEY_PREFIXES.items()}
# 0RE is shared by EventRelation and its read-only view; records live in EventRelation.
_OBJECT_OF_PREFIX["0RE"] = "EventRelation"


@dataclass(frozen=True, slots=True)
class Deletion:
    """One entry of the delete log (what ``/deleted`` reports)."""

    sobject: str
    id: str
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class Savepoint:
    """A position in the journal to roll back to."""

    journal: int
    deletions: int


class Store:
    """Every record of the org, by sObject and id, in insertion order."""

    def __init__(self) -> None:
        """Start empty."""
        self.tables: dict[str, dict[str, Record]] = {}
        self.deletions: list[Deletion] = []
        self._sequence = itertools.count(1)
        self._journal: list[tuple[str, str, Record | None]] = []
        self._depth = 0
        # (sobject, field) -> folded value -> ids (a dict keeps insertion order).
        self._indexes: dict[tuple[str, str], dict[Any, dict[str, None]]] = {}

    # -- ids -----------------------------------------------------------------------------

    def new_id(self, sobject: str) -> str:
        """Issue a fresh 18-character id for ``sobject``."""
        return make_id(KEY_PREFIXES[sobject], next(self._sequence))

    @staticmethod
    def object_of(record_id: str) -> str | None:
        """Return the sObject an id belongs to, from its key prefix."""
        return _OBJECT_OF_PREFIX.get(prefix_of(record_id))

    # -- reading -------------------------------------------------------------------------

    def get(self, sobject: str, record_id: str) -> Record | None:
        """Return the stored record (deleted ones included); treat it as read-only."""
        return self.tables.get(sobject, {}).get(record_id)

    def find(self, record_id: str) -> tuple[str, Record] | None:
        """Locate a record by id alone."""
        sobject = self.object_of(record_id)
        if sobject is None:
            return None
        record = self.get(sobject, record_id)
        return (sobject, record) if record is not None else None

    def find_by(
        self, sobject: str, field: str, value: Any, *, case_sensitive: bool = False
    ) -> list[Record]:
        """Return the records (deleted ones included) whose ``field`` equals ``value``.

        Text compares case-insensitively, as Salesforce compares external ids, unless the
        field is ``case_sensitive``.
        """
        index = self._indexes.get((sobject, field))
        if index is None:
            index = {}
            for record_id, record in self.tables.get(sobject, {}).items():
                index.setdefault(_folded(record.get(field)), {})[record_id] = None
            self._indexes[(sobject, field)] = index
        table = self.tables.get(sobject, {})
        found = [table[i] for i in index.get(_folded(value), {})]
        return [r for r in found if r.get(field) == value] if case_sensitive else found

    def rows(self, sobject: str) -> list[Record]:
        """Every record of ``sobject``, deleted ones included, oldest first."""
        return list(self.tables.get(sobject, {}).values())

    # -- writing -------------------------------------------------------------------------

    def put(self, sobject: str, record: Record) -> None:
        """Store ``record`` (a new dict) under its ``Id``."""
        record_id = record["Id"]
        if self._depth:
            self._journal.append((sobject, record_id, self.get(sobject, record_id)))
        self._set(sobject, record_id, record)

    def _set(self, sobject: str, record_id: str, record: Record | None) -> None:
        table = self.tables.setdefault(sobject, {})
        previous = table.get(record_id)
        for (indexed, field), index in self._indexes.items():
            if indexed != sobject:
                continue
            if previous is not None:
                index.get(_folded(previous.get(field)), {}).pop(record_id, None)
            if record is not None:
                index.setdefault(_folded(record.get(field)), {})[record_id] = None
        if record is None:
            table.pop(record_id, None)
        else:
            table[record_id] = record

    def log_deletion(self, sobject: str, record_id: str, when: datetime) -> None:
        """Remember that a record went to the recycle bin."""
        self.deletions.append(Deletion(sobject, record_id, when))

    def expunge(self, sobject: str, record_id: str) -> None:
        """Remove a deleted record for good (purged from the recycle bin; see .recycle_bin)."""
        record = self.get(sobject, record_id)
        if record is not None and record.get("IsDeleted") and not self._depth:
            self._set(sobject, record_id, None)

    # -- savepoints ----------------------------------------------------------------------

    def mark(self) -> Savepoint:
        """Open a savepoint; close it with :meth:`release` or :meth:`rollback`."""
        self._depth += 1
        return Savepoint(len(self._journal), len(self.deletions))

    def rollback(self, point: Savepoint) -> None:
        """Undo every write since ``point`` and close it."""
        while len(self._journal) > point.journal:
            sobject, record_id, previous = self._journal.pop()
            self._set(sobject, record_id, previous)
        del self.deletions[point.deletions :]
        self.release(point)

    def release(self, point: Savepoint) -> None:
        """Close ``point`` keeping its writes (the journal empties with the outermost one)."""
        self._depth -= 1
        if self._depth == 0:
            self._journal.clear()

    @contextmanager
    def atomic(self) -> Iterator[Savepoint]:
        """Run a block that either completes or leaves the store as it found it."""
        point = self.mark()
        try:
            yield point
        except BaseException:
            self.rollback(point)
            raise
        self.release(point)

    def clear(self) -> None:
        """Forget everything (ids keep counting so that none is ever reused)."""
        self.tables.clear()
        self.deletions.clear()
        self._journal.clear()
        self._indexes.clear()
        self._depth = 0


def _folded(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return None  # lists are not indexable values
    return value
