"""Batched CreateItem / UpdateItem / DeleteItem calls that never tell attendees anything.

Every call sends ``SendMeetingInvitations`` / ``SendMeetingInvitationsOrCancellations`` /
``SendMeetingCancellations`` = ``SendToNone``: a sync must not mail the people invited to
the meetings it writes. Results come back in order, one per item: the new (id, change
key), ``True`` for a delete, or the exception EWS answered for that item.

An update whose change key went stale between reading the item and writing it
(``ErrorIrresolvableConflict``) is read again and sent once more with the fresh key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from exchangelib import CalendarItem as EwsItem
from exchangelib.errors import ErrorIrresolvableConflict
from exchangelib.items import (
    ALL_OCCURRENCES,
    AUTO_RESOLVE,
    HARD_DELETE,
    SAVE_ONLY,
    SEND_TO_NONE,
)
from exchangelib.properties import BaseItemId, ItemId, OccurrenceItemId

from calsync_exchange.connection import Connection
from calsync_exchange.fetching import get_items
from calsync_exchange.services import CreateItems, DeleteItems, Fetched, UpdateItems

__all__ = ["BATCH", "Update", "create", "delete", "update"]

#: Items per write request (exchangelib's default chunk size).
BATCH: Final = 100
#: (id, change key) of a written item, or the error EWS answered for it.
Written = tuple[str, str] | Exception
#: An item to update and the exchangelib fields to set on it.
Update = tuple[EwsItem, list[str]]


def create(connection: Connection, items: Sequence[EwsItem]) -> list[Written]:
    """CreateItem ``items`` in the calendar, without invitations."""
    if not items:
        return []
    service = CreateItems(account=connection.account, chunk_size=BATCH)
    answers = service.call(
        items=items,
        folder=connection.calendar,
        message_disposition=SAVE_ONLY,
        send_meeting_invitations=SEND_TO_NONE,
    )
    return [a if isinstance(a, Exception) else (a.id, a.changekey) for a in answers]


def _send_updates(connection: Connection, updates: Sequence[Update]) -> list[Any]:
    service = UpdateItems(account=connection.account, chunk_size=BATCH)
    return list(
        service.call(
            items=updates,
            conflict_resolution=AUTO_RESOLVE,
            message_disposition=SAVE_ONLY,
            send_meeting_invitations_or_cancellations=SEND_TO_NONE,
            suppress_read_receipts=True,
        )
    )


def update(connection: Connection, updates: Sequence[Update]) -> list[Written]:
    """UpdateItem ``updates`` without meeting updates; a stale change key is retried once."""
    if not updates:
        return []
    answers: list[Any] = _send_updates(connection, updates)
    stale = [i for i, a in enumerate(answers) if isinstance(a, ErrorIrresolvableConflict)]
    if stale:
        # Someone changed the item since it was read: read the key again, send once more.
        fresh = get_items(connection, [_key_holder(updates[i][0]) for i in stale], ("type",))
        retry: list[tuple[int, Update]] = []
        for index, current in zip(stale, fresh, strict=True):
            if isinstance(current, Fetched):
                retry.append((index, _with_key(updates[index], current.item.changekey)))
            else:
                answers[index] = current
        again = _send_updates(connection, [u for _, u in retry]) if retry else []
        for (index, _), answer in zip(retry, again, strict=True):
            answers[index] = answer
    return [a if isinstance(a, Exception) else (a[0], a[1]) for a in answers]


def _key_holder(item: EwsItem) -> ItemId:
    """Whose change key an update sends: the item's, or an occurrence's master's."""
    return ItemId(id=item._id.id)


def _with_key(update: Update, change_key: str | None) -> Update:
    """The same update carrying ``change_key``."""
    item, names = update
    target = item._id
    if isinstance(target, OccurrenceItemId):
        item._id = OccurrenceItemId(
            id=target.id, changekey=change_key, instance_index=target.instance_index
        )
    else:
        item._id = ItemId(id=target.id, changekey=change_key)
    return (item, names)


def delete(connection: Connection, ids: Sequence[BaseItemId]) -> list[bool | Exception]:
    """DeleteItem ``ids`` (items or occurrences) for good, without cancellations."""
    if not ids:
        return []
    service = DeleteItems(account=connection.account, chunk_size=BATCH)
    answers = service.call(
        items=ids,
        delete_type=HARD_DELETE,
        send_meeting_cancellations=SEND_TO_NONE,
        affected_task_occurrences=ALL_OCCURRENCES,
        suppress_read_receipts=True,
    )
    return [a if isinstance(a, Exception) else True for a in answers]
