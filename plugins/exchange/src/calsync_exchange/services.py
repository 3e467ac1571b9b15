"""exchangelib's item services, subclassed for a sync's needs (exchangelib itself unchanged).

* Every per-item answer of a batch comes back as an exception instance in its place, not
  only the handful exchangelib lets through (``ErrorIrresolvableConflict`` or
  ``ErrorCalendarDurationIsTooLong`` would otherwise abort the whole batch).
* :class:`GetCalendarItems` keeps what exchangelib drops: the raw ``Start``/``End`` instants
  and the raw ``StartTimeZone``/``EndTimeZone`` elements (a custom definition's rules, the
  exact Windows id), read before exchangelib parses the item. Its warning about zones it
  cannot name is silenced: the provider resolves those itself.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any, final

from exchangelib import CalendarItem
from exchangelib.errors import ResponseMessageError
from exchangelib.services import CreateItem, DeleteItem, GetItem, UpdateItem
from lxml import etree

__all__ = ["CreateItems", "DeleteItems", "Fetched", "GetCalendarItems", "UpdateItems"]

_T = "{http://schemas.microsoft.com/exchange/services/2006/types}"


@final
@dataclass(slots=True, eq=False)
class Fetched:
    """One calendar item from GetItem, with the raw values exchangelib would lose."""

    item: CalendarItem
    start: datetime | None
    end: datetime | None
    start_zone: etree._Element | None
    end_zone: etree._Element | None


def _instant(elem: etree._Element, tag: str) -> datetime | None:
    text = elem.findtext(f"{_T}{tag}")
    return datetime.fromisoformat(text.strip()) if text else None


def _copy(elem: etree._Element, tag: str) -> etree._Element | None:
    found = elem.find(f"{_T}{tag}")
    return copy.deepcopy(found) if found is not None else None


class _EveryItemError:
    """Return every per-message EWS error in its place instead of raising it."""

    ERRORS_TO_CATCH_IN_RESPONSE: Any = (ResponseMessageError,)


class GetCalendarItems(_EveryItemError, GetItem):
    """GetItem answering :class:`Fetched` records (or exception instances, per item)."""

    def _elem_to_obj(self, elem: etree._Element) -> Fetched | Any:
        if elem.tag != f"{_T}CalendarItem":
            return super()._elem_to_obj(elem)
        start, end = _instant(elem, "Start"), _instant(elem, "End")
        start_zone, end_zone = _copy(elem, "StartTimeZone"), _copy(elem, "EndTimeZone")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Cannot convert value", category=UserWarning)
            item = CalendarItem.from_xml(elem=elem, account=self.account)
        return Fetched(item, start, end, start_zone, end_zone)


class CreateItems(_EveryItemError, CreateItem):
    """CreateItem with every per-item error returned in place."""


class UpdateItems(_EveryItemError, UpdateItem):
    """UpdateItem with every per-item error returned in place."""


class DeleteItems(_EveryItemError, DeleteItem):
    """DeleteItem with every per-item error returned in place."""
