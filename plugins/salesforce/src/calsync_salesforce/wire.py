"""Salesforce's wire formats for instants and dates, and SOQL literals.

On the wire an instant reads ``2026-03-02T09:00:00.000+0000`` (UTC, milliseconds) and a
date ``2026-03-02``. SOQL takes unquoted instant literals (``2026-03-02T09:00:00Z``) and
quoted strings with backslash escapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time

from calsync.errors import InvalidReplyError

__all__ = [
    "format_instant",
    "in_chunks",
    "midnight_utc",
    "moment_key",
    "parse_date",
    "parse_instant",
    "soql_instant",
    "soql_list",
    "soql_string",
]

#: How many characters of values one ``IN (...)`` list may carry: a GET query travels in the
#: URL, and Salesforce refuses URIs much longer than 16 KB.
IN_BUDGET = 8000
#: How many values one ``IN (...)`` list may carry at most.
IN_MAX = 500


def parse_instant(text: object) -> datetime:
    """Read an instant as Salesforce writes it (``+0000``, ``Z`` or ``+00:00``), as UTC.

    :raises InvalidReplyError: for anything that is not an instant.
    """
    if not isinstance(text, str):
        raise InvalidReplyError(f"expected a date-time, got {text!r}")
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    elif len(value) > 5 and value[-5] in "+-" and value[-4:].isdigit():
        value = f"{value[:-2]}:{value[-2:]}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidReplyError(f"expected a date-time, got {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(text: object) -> date:
    """Read a ``YYYY-MM-DD`` date.

    :raises InvalidReplyError: for anything that is not a date.
    """
    if not isinstance(text, str):
        raise InvalidReplyError(f"expected a date, got {text!r}")
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise InvalidReplyError(f"expected a date, got {text!r}") from None


def format_instant(moment: datetime) -> str:
    """Write an instant for a request body: UTC with milliseconds and ``Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def moment_key(moment: date) -> str:
    """A start as text for comparing slots: an instant to the minute in UTC, or a date."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return moment.isoformat()


def midnight_utc(day: date) -> datetime:
    """Midnight UTC of ``day``: how Salesforce stores the dates of all-day events."""
    return datetime.combine(day, time(), tzinfo=UTC)


def soql_instant(moment: datetime) -> str:
    """An unquoted SOQL date-time literal, to the second (SOQL takes no fractions)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def soql_string(value: str) -> str:
    """A quoted SOQL string literal."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def soql_list(values: Iterable[str]) -> str:
    """The parenthesised list of an ``IN`` condition."""
    return "(" + ", ".join(soql_string(v) for v in values) + ")"


def in_chunks(values: Sequence[str]) -> Iterator[list[str]]:
    """Split ``values`` (duplicates dropped) into lists short enough for one ``IN`` condition."""
    chunk: list[str] = []
    size = 0
    for value in dict.fromkeys(values):
        cost = len(value) + 4
        if chunk and (size + cost > IN_BUDGET or len(chunk) >= IN_MAX):
            yield chunk
            chunk, size = [], 0
        chunk.append(value)
        size += cost
    if chunk:
        yield chunk
