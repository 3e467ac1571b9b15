"""sObject Collections: create, upsert, update and delete Events in batches.

One call carries at most :data:`BATCH` records (``allOrNone`` false, so one refused record
never fails the others) and answers one result per record, in order. simple-salesforce
has no helper for these resources; they are reached through ``Salesforce.restful``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, TypeVar

from calsync.errors import InvalidReplyError
from calsync_salesforce.connection import Connection
from calsync_salesforce.replies import expect_dict, expect_list

__all__ = ["BATCH", "Collections", "RecordResult"]

#: Records per sObject Collections write.
BATCH: Final = 200
#: One record's result: ``{"id", "success", "errors": [...]}``.
RecordResult = dict[str, Any]
T = TypeVar("T")


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Collections:
    """The Collections resources for one sObject type."""

    def __init__(self, connection: Connection, sobject: str = "Event") -> None:
        """Write ``sobject`` records through ``connection``."""
        self.connection = connection
        self.sobject = sobject

    def _records(self, bodies: Sequence[dict[str, Any]]) -> dict[str, Any]:
        records = [{"attributes": {"type": self.sobject}, **body} for body in bodies]
        return {"allOrNone": False, "records": records}

    def _results(self, answer: object, expected: int) -> list[RecordResult]:
        results = [expect_dict(r, "a record result") for r in expect_list(answer, "results")]
        if len(results) != expected:
            raise InvalidReplyError(
                f"Salesforce answered {len(results)} results for {expected} records"
            )
        return results

    def _call(self, path: str, method: str = "GET", **options: Any) -> object:
        timeout = self.connection.timeout
        return self.connection.call(
            lambda sf: sf.restful(path, method=method, timeout=timeout, **options)
        )

    def create(self, bodies: Sequence[dict[str, Any]]) -> list[RecordResult]:
        """``POST composite/sobjects``: insert up to :data:`BATCH` records."""
        answer = self._call("composite/sobjects", "POST", json=self._records(bodies))
        return self._results(answer, len(bodies))

    def upsert(self, field: str, bodies: Sequence[dict[str, Any]]) -> list[RecordResult]:
        """``PATCH composite/sobjects/{type}/{field}``: insert or update by External ID."""
        path = f"composite/sobjects/{self.sobject}/{field}"
        answer = self._call(path, "PATCH", json=self._records(bodies))
        return self._results(answer, len(bodies))

    def update(self, bodies: Sequence[dict[str, Any]]) -> list[RecordResult]:
        """``PATCH composite/sobjects``: update up to :data:`BATCH` records (each has ``Id``)."""
        answer = self._call("composite/sobjects", "PATCH", json=self._records(bodies))
        return self._results(answer, len(bodies))

    def delete(self, ids: Sequence[str]) -> list[RecordResult]:
        """``DELETE composite/sobjects?ids=...``: delete up to :data:`BATCH` records."""
        params = {"ids": ",".join(ids), "allOrNone": "false"}
        answer = self._call("composite/sobjects", "DELETE", params=params)
        return self._results(answer, len(ids))
