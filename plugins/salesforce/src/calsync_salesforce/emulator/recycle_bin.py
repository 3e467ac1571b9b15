"""The recycle bin: how long a deleted record stays visible, and when it is purged.

What Salesforce documents, and what this module does with it:

* "Your org can have up to 5,000 records per license in the Recycle Bin at any one time
  [...] If your org reaches its Recycle Bin limit, Salesforce automatically removes the
  oldest records, as long as they have been in the recycle bin for at least two hours."
  (SOAP API Developer Guide, ``emptyRecycleBin()``,
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_emptyrecyclebin.htm)
  -> ``OrgSettings.recycle_bin_capacity``; :meth:`RecycleBin.purge` removes the oldest
  entries at least :data:`MIN_AGE` old while the bin holds more than that. An administrator
  emptying the bin (``emptyRecycleBin()``, the same page) is :meth:`RecycleBin.empty`.
* "A background process that runs every two hours purges records that have been in an
  organization's delete log for more than two hours if the number of records is above a
  certain limit. Starting with the oldest records [...]" and "Results are returned for no
  more than 15 days previous" (REST API Developer Guide, sObject Get Deleted,
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm)
  -> the delete log is the bin; entries older than :data:`RETENTION` go too. The emulator
  runs the purge before answering each request, as if the process had just run.
* "After records are deleted from the Recycle Bin using this call, they can be queried
  using queryAll() for some time. Typically this time is 24 hours, but may be shorter or
  longer." (``emptyRecycleBin()``, as above) -> a purged record stays in ``queryAll`` for
  :data:`QUERYALL_GRACE`, then it is gone from the store.
* ``earliestDateAvailable``: "For the object type of the getDeleted() call, the timestamp
  [...] of the last physically deleted object." (SOAP API Developer Guide, GetDeletedResult,
  https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getdeleted_getdeletedresult.htm)
  -> :meth:`RecycleBin.earliest_available`, the latest deletion date purged per object (the
  org's creation while none was).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from calsync_salesforce.emulator.store import Deletion, Store

__all__ = ["MIN_AGE", "QUERYALL_GRACE", "RETENTION", "RecycleBin"]

#: Entries younger than this are never purged to make room.
MIN_AGE: Final = timedelta(hours=2)
#: Deleted records are kept this long in any case.
RETENTION: Final = timedelta(days=15)
#: How long a purged record is still returned by ``queryAll``.
QUERYALL_GRACE: Final = timedelta(hours=24)


class RecycleBin:
    """Purges the delete log of a :class:`Store` and remembers what was purged when."""

    def __init__(self, store: Store) -> None:
        """Watch ``store``'s delete log."""
        self.store = store
        #: (sobject, id) -> when the record leaves ``queryAll`` for good.
        self._expunge_at: dict[tuple[str, str], datetime] = {}
        #: sobject -> the latest deletion date purged from the log.
        self._last_purged: dict[str, datetime] = {}

    def empty(self, ids: set[str] | None, now: datetime) -> None:
        """``emptyRecycleBin()``: purge ``ids`` (every record when ``None``) at once."""
        self._remove(
            {(e.sobject, e.id) for e in self.store.deletions if ids is None or e.id in ids}, now
        )

    def _remove(self, keys: set[tuple[str, str]], now: datetime) -> None:
        """Take ``keys`` out of the bin: gone from getDeleted now, from queryAll a day later."""
        if not keys:
            return
        kept: list[Deletion] = []
        for entry in self.store.deletions:
            if (entry.sobject, entry.id) not in keys:
                kept.append(entry)
                continue
            self._expunge_at[(entry.sobject, entry.id)] = now + QUERYALL_GRACE
            last = self._last_purged.get(entry.sobject, entry.deleted_at)
            self._last_purged[entry.sobject] = max(last, entry.deleted_at)
        self.store.deletions[:] = kept

    def clear(self) -> None:
        """Forget every purge."""
        self._expunge_at.clear()
        self._last_purged.clear()

    def earliest_available(self, sobject: str, default: datetime) -> datetime:
        """``earliestDateAvailable`` for ``sobject`` (``default`` while nothing was purged)."""
        return self._last_purged.get(sobject, default)

    def purge(self, now: datetime, capacity: int) -> None:
        """Purge what Salesforce would have purged by ``now``; drop rows past their grace."""
        over = len(self.store.deletions) - capacity
        due: set[tuple[str, str]] = set()
        for entry in self.store.deletions:  # oldest first
            age = now - entry.deleted_at
            if age > RETENTION or (over > 0 and age >= MIN_AGE):
                over -= 1
                due.add((entry.sobject, entry.id))
        self._remove(due, now)
        for key, when in list(self._expunge_at.items()):
            if when <= now:
                del self._expunge_at[key]
                self.store.expunge(*key)
