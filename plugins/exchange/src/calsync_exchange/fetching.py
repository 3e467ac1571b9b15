"""Batched GetItem: one request per page of ids, with exactly the fields a sync reads.

exchangelib's own ``account.fetch`` would first fetch the root folder to validate fields
and, without ``only_fields``, ask for some 80 properties; :func:`get_items` names the
fields itself and sends one GetItem per :data:`PAGE` ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from exchangelib import CalendarItem
from exchangelib.fields import FieldPath
from exchangelib.properties import BaseItemId, ItemId

from calsync_exchange.connection import Connection
from calsync_exchange.properties import COUNTERPART, RULE
from calsync_exchange.services import Fetched, GetCalendarItems

__all__ = ["ITEM_FIELDS", "PAGE", "PREFETCH_FIELDS", "get_items", "paths"]

#: Ids per GetItem request (a SyncFolderItems page is at most 512 changes).
PAGE: Final = 512
#: What a pull or fetch reads of an item.
ITEM_FIELDS: Final = (
    "subject",
    "body",
    "text_body",
    "location",
    "start",
    "end",
    "is_all_day",
    "_start_timezone",
    "_end_timezone",
    "sensitivity",
    "legacy_free_busy_status",
    "organizer",
    "required_attendees",
    "optional_attendees",
    "resources",
    "my_response_type",
    "is_meeting",
    "uid",
    "categories",
    "type",
    "recurrence",
    "modified_occurrences",
    "deleted_occurrences",
    "original_start",
    COUNTERPART,
    RULE,
)
#: What a write needs to know about its targets and the series of the occurrences it writes.
PREFETCH_FIELDS: Final = (
    "start",
    "end",
    "is_all_day",
    "_start_timezone",
    "_end_timezone",
    "type",
    "recurrence",
    "deleted_occurrences",
    "original_start",
    RULE,
)


def paths(names: Iterable[str]) -> set[FieldPath]:
    """The ``FieldPath`` of each named ``CalendarItem`` field."""
    return {FieldPath(field=CalendarItem.get_field_by_fieldname(name)) for name in names}


def get_items(
    connection: Connection, ids: Sequence[str | BaseItemId], fields: Iterable[str] = ITEM_FIELDS
) -> list[Fetched | Exception]:
    """GetItem ``ids`` (plain ids or id objects), one request per :data:`PAGE`, in order.

    Each answer is a :class:`Fetched` item or the exception EWS answered for that id.
    """
    if not ids:
        return []
    wanted = [ItemId(id=i) if isinstance(i, str) else i for i in ids]
    service = GetCalendarItems(account=connection.account, chunk_size=PAGE)
    answers: list[Any] = list(
        service.call(items=wanted, additional_fields=paths(fields), shape="IdOnly")
    )
    return answers
