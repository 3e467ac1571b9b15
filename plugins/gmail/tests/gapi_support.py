"""Helpers shared by the Google emulator tests.

A uniquely named module: test directories are not packages, so names must not clash.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

ALICE = "alice@example.com"
BOB = "bob@example.com"
#: Where the frozen clock starts.
START = datetime(2025, 3, 1, 12, tzinfo=UTC)


def timed(start: str, end: str, tz: str = "Europe/Copenhagen", **fields: Any) -> dict[str, Any]:
    """An event body with timed start/end in ``tz``."""
    return {
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        **fields,
    }


def all_day(first: str, end_exclusive: str, **fields: Any) -> dict[str, Any]:
    """An all-day event body (``end`` is exclusive, as Google has it)."""
    return {"start": {"date": first}, "end": {"date": end_exclusive}, **fields}


def error_of(exc: Any) -> dict[str, Any]:
    """The JSON error body of a googleapiclient ``HttpError``."""
    return json.loads(exc.content)["error"]
