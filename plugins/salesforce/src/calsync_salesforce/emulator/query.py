"""``query`` / ``queryAll`` and ``nextRecordsUrl`` paging.

A result larger than the batch size (2000 by default; a ``Sforce-Query-Options:
batchSize=N`` header asks for 200..2000) is returned page by page: ``done: false`` and a
``nextRecordsUrl`` of the form ``/services/data/vXX.X/query/01g...-2000`` that
``query_more`` follows. ``queryAll`` also returns deleted rows (``IsDeleted = true``).

REST API Developer Guide: Query ("If the initial query returns only part of the results,
the end of the response will contain a field called nextRecordsUrl",
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm),
QueryAll ("includes records that have been deleted because of a merge or delete",
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm)
and the Query Options header (batch sizes 200 to 2,000,
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm).
How long deleted rows stay is :mod:`.recycle_bin`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.rendering import render_selected, version_of
from calsync_salesforce.emulator.schema import FieldDef, ObjectDef
from calsync_salesforce.emulator.soql import compile_query, parse
from calsync_salesforce.emulator.store import Record

if TYPE_CHECKING:
    from calsync_salesforce.emulator.context import Caller
    from calsync_salesforce.emulator.state import OrgState

DEFAULT_BATCH = 2000
MIN_BATCH = 200
_LOCATOR = re.compile(r"^(01g[0-9A-Za-z]{15})-(\d+)$")


@dataclass(frozen=True, slots=True)
class OrgCatalog:
    """The org as one caller sees it, for the SOQL evaluator."""

    org: OrgState
    caller: Caller
    now: datetime
    zone: ZoneInfo

    @classmethod
    def of(cls, org: OrgState, caller: Caller) -> OrgCatalog:
        """Return the catalog of ``caller`` at the org's current time."""
        return cls(org, caller, org.now(), org.user_zone(caller.user_id))

    def visible_object(self, name: str) -> ObjectDef | None:
        """See :class:`~calsync_salesforce.emulator.soql.Catalog`."""
        return self.org.visible_object(self.caller, name)

    def visible_field(self, sobject: ObjectDef, name: str) -> FieldDef | None:
        """See :class:`~calsync_salesforce.emulator.soql.Catalog`."""
        return self.org.visible_field(self.caller, sobject, name)

    def resolve(self, record_id: str) -> tuple[str, Record] | None:
        """See :class:`~calsync_salesforce.emulator.soql.Catalog`."""
        return self.org.resolve(record_id)

    def name_view(self, sobject: str, record: Record) -> Record:
        """See :class:`~calsync_salesforce.emulator.soql.Catalog`."""
        return self.org.name_view(sobject, record)


def batch_size(header: str | None) -> int:
    """Return the page size a ``Sforce-Query-Options`` header asks for, clamped to 200..2000."""
    match = re.search(r"batchSize\s*=\s*(\d+)", header or "")
    if match is None:
        return DEFAULT_BATCH
    return max(MIN_BATCH, min(DEFAULT_BATCH, int(match[1])))


def source_rows(org: OrgState, sobject: str, include_deleted: bool) -> list[Record]:
    """Return the rows a query scans (``EventWhoRelation`` is a view over ``EventRelation``)."""
    if sobject == "EventWhoRelation":
        rows = [
            {**r, "Type": org.store.object_of(r["RelationId"])}
            for r in org.store.rows("EventRelation")
            if r["IsParent"] and not r["IsWhat"]
        ]
    else:
        rows = org.store.rows(sobject)
    return rows if include_deleted else [r for r in rows if not r.get("IsDeleted")]


def run(
    org: OrgState, caller: Caller, soql: str, *, include_deleted: bool, batch: int
) -> dict[str, Any]:
    """Run one SOQL query and return its first page."""
    catalog = OrgCatalog.of(org, caller)
    compiled = compile_query(parse(soql), catalog)
    matched = [
        r for r in source_rows(org, compiled.sobject.name, include_deleted) if compiled.matches(r)
    ]
    rows = compiled.sort(matched, catalog)
    offset = compiled.query.offset or 0
    rows = rows[offset:]
    if compiled.query.limit is not None:
        rows = rows[: compiled.query.limit]
    if compiled.query.count:
        return {"totalSize": len(rows), "done": True, "records": []}
    rendered = [
        render_selected(caller, catalog, compiled.sobject.name, r, compiled.select) for r in rows
    ]
    locator = None
    if len(rendered) > batch:
        locator = org.cursors.open(caller.user_id, rendered, include_deleted, org.now())
    return _page(caller, rendered, 0, batch, locator, include_deleted)


def more(org: OrgState, caller: Caller, token: str, *, batch: int) -> dict[str, Any]:
    """Return the page a ``nextRecordsUrl`` token (``01g...-2000``) points at.

    :raises SalesforceError: 400 ``INVALID_QUERY_LOCATOR`` for an unknown, expired or
        foreign cursor.
    """
    match = _LOCATOR.match(token)
    cursor = org.cursors.get(match[1], caller.user_id, org.now()) if match else None
    if match is None or cursor is None:
        raise invalid_locator()
    start = int(match[2])
    page = _page(caller, cursor.rows, start, batch, cursor.locator, cursor.include_deleted)
    if page["done"]:
        org.cursors.close(cursor.locator)
    return page


def invalid_locator() -> SalesforceError:
    """400 for a query cursor that no longer exists."""
    return SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator", with_fields=False)


def _page(
    caller: Caller,
    rows: list[dict[str, Any]],
    start: int,
    batch: int,
    locator: str | None,
    include_deleted: bool,
) -> dict[str, Any]:
    end = start + batch
    page: dict[str, Any] = {
        "totalSize": len(rows),
        "done": end >= len(rows),
        "records": rows[start:end],
    }
    if not page["done"]:
        resource = "queryAll" if include_deleted else "query"
        page["nextRecordsUrl"] = f"/services/data/v{version_of(caller)}/{resource}/{locator}-{end}"
    return page
