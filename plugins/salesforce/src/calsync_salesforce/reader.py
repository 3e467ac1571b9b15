"""Reading events: SOQL over Event, the series context of what was read, and items.

An occurrence of a Classic series can only be told apart from an exception, and given its
original start, next to its header and the other occurrences of its series; a Classic
header's exclusions likewise. :meth:`EventReader.context` fetches those in one query
(chunked when long) for everything a read touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from calsync.errors import InvalidItemError, InvalidReplyError
from calsync.model import CalendarItem
from calsync_salesforce.org import OrgView
from calsync_salesforce.reading import ReadContext, item_of
from calsync_salesforce.replies import Record, records_of
from calsync_salesforce.series_index import SeriesIndex
from calsync_salesforce.wire import in_chunks, soql_list

__all__ = ["EventReader", "series_keys"]


def series_keys(records: Iterable[Record]) -> tuple[set[str], set[str]]:
    """Classic header ids and Lightning series ids the organizer-side records belong to."""
    classic: set[str] = set()
    lightning: set[str] = set()
    for record in records:
        if record.get("IsChild"):
            continue
        if record.get("RecurrenceActivityId"):
            classic.add(str(record["RecurrenceActivityId"]))
        if record.get("IsRecurrence2") and record.get("ActivityRecurrence2Id"):
            lightning.add(str(record["ActivityRecurrence2Id"]))
    return classic, lightning


class EventReader:
    """Queries Event records and turns them into calendar items."""

    def __init__(self, org: OrgView) -> None:
        """Read through ``org``'s connection."""
        self.org = org

    def query(
        self, where: str, *, include_deleted: bool = False, reading_changes: bool = False
    ) -> list[Record]:
        """Every Event matching ``where`` (all pages), oldest change first."""
        soql = f"SELECT {self.org.select} FROM Event WHERE {where} ORDER BY SystemModstamp, Id"
        result = self.org.connection.query_all(
            soql, include_deleted=include_deleted, reading_changes=reading_changes
        )
        return records_of(result)

    def query_in(self, field: str, values: Sequence[str], *, also: str = "") -> list[Record]:
        """Every live Event whose ``field`` is one of ``values`` (chunked ``IN`` queries)."""
        rows: list[Record] = []
        for chunk in in_chunks(values):
            rows += self.query(f"{also}{field} IN {soql_list(chunk)}")
        return rows

    def context(self, records: Iterable[Record], *, reading_changes: bool = False) -> list[Record]:
        """The live organizer-side members of every series ``records`` belong to."""
        classic, lightning = series_keys(records)
        rows: list[Record] = []
        for field, keys in (
            ("RecurrenceActivityId", classic),
            ("ActivityRecurrence2Id", lightning),
        ):
            for chunk in in_chunks(sorted(keys)):
                rows += self.query(
                    f"IsChild = false AND {field} IN {soql_list(chunk)}",
                    reading_changes=reading_changes,
                )
        return rows

    def items(self, records: Sequence[Record], index: SeriesIndex) -> list[CalendarItem]:
        """The items of the live ``records`` (pattern records left out)."""
        ctx = ReadContext(
            zones=self.org.zones(str(r.get("OwnerId") or "") for r in records),
            counterpart_field=self.org.counterpart_field,
            index=index,
        )
        items: list[CalendarItem] = []
        for record in records:
            if record.get("IsDeleted"):
                continue
            try:
                item = item_of(record, ctx)
            except InvalidItemError as exc:
                # Values no event can have: the reply is wrong, not the item.
                raise InvalidReplyError(f"Event {record.get('Id')} cannot be read: {exc}") from None
            if item is not None:
                items.append(item)
        return items

    def read(self, records: Sequence[Record]) -> list[CalendarItem]:
        """The items of ``records``, with their series context fetched."""
        index = SeriesIndex([*self.context(records), *records])
        return self.items(records, index)
