"""Checking the shape of what Salesforce answered before using it.

A reply of the wrong shape (a proxy's page, a truncated body, an API change) raises
:class:`~calsync.errors.InvalidReplyError` here instead of a ``KeyError`` somewhere deeper.
"""

from __future__ import annotations

from typing import Any

from calsync.errors import InvalidReplyError

__all__ = ["Record", "expect_dict", "expect_list", "expect_str", "records_of"]

#: One record as the REST API renders it (``attributes`` plus fields, wire values).
Record = dict[str, Any]


def expect_dict(value: object, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise InvalidReplyError(f"expected {what} as a JSON object, got {type(value).__name__}")
    return value


def expect_list(value: object, what: str) -> list[Any]:
    """``value`` if it is a JSON array (``None`` counts as an empty one)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidReplyError(f"expected {what} as a JSON array, got {type(value).__name__}")
    return value


def expect_str(record: dict[str, Any], key: str, what: str) -> str:
    """The non-empty text ``record[key]``."""
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidReplyError(f"{what} has no {key}")
    return value


def records_of(result: object) -> list[Record]:
    """The records of a query answer, each checked to be an object with an ``Id``."""
    body = expect_dict(result, "a query answer")
    rows = expect_list(body.get("records"), "the query's records")
    out: list[Record] = []
    for row in rows:
        record = expect_dict(row, "a query record")
        if "Id" in record:
            expect_str(record, "Id", "a query record")
        out.append(record)
    return out
