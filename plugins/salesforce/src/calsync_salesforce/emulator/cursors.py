"""Open query cursors: what ``nextRecordsUrl`` points at.

A query whose result is larger than one batch leaves a cursor holding the rows it has not
returned yet (rendered when the query ran, as Salesforce's snapshot semantics have it).
Like Salesforce, a cursor idle for 15 minutes expires and a user keeps at most 10 open
cursors (opening an eleventh drops the oldest); a stale locator answers
``INVALID_QUERY_LOCATOR``.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from calsync_salesforce.emulator.ids import KEY_PREFIXES, make_id

IDLE_LIMIT = timedelta(minutes=15)
MAX_OPEN_PER_USER = 10


@dataclass(slots=True)
class Cursor:
    """The remaining rows of one query."""

    locator: str
    user_id: str
    rows: list[dict[str, Any]]
    include_deleted: bool
    last_used: datetime


class QueryCursors:
    """Every open cursor of the org, oldest first."""

    def __init__(self) -> None:
        """Start with none open."""
        self._open: OrderedDict[str, Cursor] = OrderedDict()
        self._sequence = itertools.count(1)

    def open(
        self, user_id: str, rows: list[dict[str, Any]], include_deleted: bool, now: datetime
    ) -> str:
        """Keep ``rows`` for later pages and return the new locator."""
        locator = make_id(KEY_PREFIXES["QueryLocator"], next(self._sequence))
        self._open[locator] = Cursor(locator, user_id, rows, include_deleted, now)
        mine = [c.locator for c in self._open.values() if c.user_id == user_id]
        for stale in mine[:-MAX_OPEN_PER_USER]:
            del self._open[stale]
        return locator

    def get(self, locator: str, user_id: str, now: datetime) -> Cursor | None:
        """Return the cursor for ``locator`` if it is still open for this user; touching it."""
        cursor = self._open.get(locator)
        if cursor is None or cursor.user_id != user_id:
            return None
        if now - cursor.last_used > IDLE_LIMIT:
            del self._open[locator]
            return None
        cursor.last_used = now
        return cursor

    def close(self, locator: str) -> None:
        """Forget a cursor (its last page was read, or a fault expired it)."""
        self._open.pop(locator, None)

    def expire_all(self) -> None:
        """Invalidate every open cursor."""
        self._open.clear()

    def clear(self) -> None:
        """Forget everything."""
        self._open.clear()

    @property
    def locators(self) -> tuple[str, ...]:
        """The open locators, oldest first."""
        return tuple(self._open)
