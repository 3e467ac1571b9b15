"""Markers on Exchange items: a red flag category and a colourless detail category.

A marker is two categories on the item — the red ``"Sync Error"`` flag and the detail
``"Sync Error: <detail>"`` with no colour — both registered in the mailbox's master
category list with those colours. Removing it removes only calsync's labels; the person's
own categories stay as they are, in their order. One GetItem reads the items' categories,
one UpdateItem writes the ones that change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from exchangelib import CalendarItem as EwsItem
from exchangelib.properties import ItemId

from calsync.markers import MarkerChange, MarkerLabels
from calsync.model import ItemRef
from calsync.providers import ItemFailure, WriteResult
from calsync_exchange import updating
from calsync_exchange.categorylist import NO_COLOUR, RED, CategoryList
from calsync_exchange.connection import Connection
from calsync_exchange.conversions import PROVIDER
from calsync_exchange.errors import item_failure
from calsync_exchange.fetching import get_items
from calsync_exchange.services import Fetched

__all__ = ["Markers"]


class Markers(MarkerLabels):
    """Renders markers on one mailbox's items."""

    def __init__(self, connection: Connection, clock: Callable[[], datetime]) -> None:
        """Mark items through ``connection``."""
        super().__init__()
        self.connection = connection
        self.category_list = CategoryList(connection)
        self.clock = clock

    def set(self, changes: Sequence[MarkerChange]) -> list[WriteResult]:
        """Show or remove the markers ``changes`` name; one result per change, in order."""
        self.learn(changes)
        ids = list(dict.fromkeys(c.item_id for c in changes))
        current = dict(zip(ids, get_items(self.connection, ids, ("categories",)), strict=True))
        results: list[WriteResult | None] = [None] * len(changes)
        updates: list[tuple[int, updating.Update]] = []
        for index, change in enumerate(changes):
            fetched = current[change.item_id]
            if not isinstance(fetched, Fetched):
                results[index] = WriteResult(failure=item_failure(fetched))
                continue
            item = fetched.item
            before = list(item.categories or ())
            labels = self.after(before, change.marker)
            if labels == before:
                results[index] = WriteResult(ref=_ref(item.id, item.changekey))
                continue
            target = EwsItem(
                account=self.connection.account,
                _id=ItemId(id=item.id, changekey=item.changekey),
                categories=labels or None,
            )
            updates.append((index, (target, ["categories"])))
        colours = self.colours(changes, flag=RED, detail=NO_COLOUR)
        if colours:
            self.category_list.ensure(colours, self.clock())
        answers = updating.update(self.connection, [u for _, u in updates])
        for (index, _), answer in zip(updates, answers, strict=True):
            if isinstance(answer, Exception):
                results[index] = WriteResult(failure=item_failure(answer))
            else:
                results[index] = WriteResult(ref=_ref(*answer))
        return [
            r or WriteResult(failure=ItemFailure(code="INTERNAL_ERROR", message="not marked"))
            for r in results
        ]


def _ref(item_id: str, change_key: str | None) -> ItemRef:
    return ItemRef(provider=PROVIDER, id=item_id, change_token=change_key or "")
