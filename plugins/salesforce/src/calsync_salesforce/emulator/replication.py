"""``sobjects/{Object}/updated/`` and ``/deleted/`` (getUpdated / getDeleted).

REST API Developer Guide, sObject Get Updated and sObject Get Deleted
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm,
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm),
with the rules of the SOAP API's getUpdated() / getDeleted() they refer to.

Both take ``start`` and ``end`` ISO date-times (simple-salesforce percent-encodes the ``+``
of the offset, so they arrive URL-encoded). Salesforce truncates both to the minute, caps
``end`` at now, and refuses with 400 ``INVALID_REPLICATION_DATE`` a start more than 30 days
ago, an end before the start, or a value that is not a date-time. ``updated`` lists live
records whose ``SystemModstamp`` falls in ``[start, end)``; ``deleted`` lists delete-log
entries in that window, and ``earliestDateAvailable``, the deletion date of the newest entry
purged from the log so far (see :mod:`.recycle_bin`). Salesforce documents no value for an
object nothing was ever purged of; the emulator then answers the org's creation less the 15
days the bin keeps records, as a steadily purged log would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from calsync_salesforce.emulator.errors import SalesforceError
from calsync_salesforce.emulator.recycle_bin import RETENTION
from calsync_salesforce.emulator.values import format_datetime, parse_datetime

if TYPE_CHECKING:
    from calsync_salesforce.emulator.schema import ObjectDef
    from calsync_salesforce.emulator.state import OrgState

WINDOW = timedelta(days=30)


def _bad(message: str) -> SalesforceError:
    return SalesforceError(400, "INVALID_REPLICATION_DATE", message, with_fields=False)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _window(org: OrgState, start_raw: str | None, end_raw: str | None) -> tuple[datetime, datetime]:
    start = parse_datetime(start_raw) if start_raw else None
    end = parse_datetime(end_raw) if end_raw else None
    if start is None or end is None:
        raise _bad("start and end must be valid ISO-8601 date-times")
    now = org.now()
    start, end = _minute(start), _minute(min(end, now))
    if start < now - WINDOW:
        raise _bad("startDate cannot be more than 30 days ago")
    if end < start:
        raise _bad("EndDate before StartDate")
    return start, end


def updated(
    org: OrgState, sobject: ObjectDef, start_raw: str | None, end_raw: str | None
) -> dict[str, Any]:
    """Return the ``updated`` answer: ids changed (or created) in the window, and its end."""
    start, end = _window(org, start_raw, end_raw)
    table = "EventRelation" if sobject.name == "EventWhoRelation" else sobject.name
    ids = [
        r["Id"]
        for r in org.store.rows(table)
        if not r.get("IsDeleted") and start <= r["SystemModstamp"] < end
    ]
    return {"ids": ids, "latestDateCovered": format_datetime(end)}


def deleted(
    org: OrgState, sobject: ObjectDef, start_raw: str | None, end_raw: str | None
) -> dict[str, Any]:
    """Return the ``deleted`` answer: delete-log entries in the window."""
    start, end = _window(org, start_raw, end_raw)
    entries = [
        {"id": d.id, "deletedDate": format_datetime(d.deleted_at)}
        for d in org.store.deletions
        if d.sobject == sobject.name and start <= d.deleted_at < end
    ]
    return {
        "deletedRecords": entries,
        "earliestDateAvailable": format_datetime(
            _minute(org.recycle_bin.earliest_available(sobject.name, org.created_at - RETENTION))
        ),
        "latestDateCovered": format_datetime(end),
    }
