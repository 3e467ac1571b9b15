"""Shared values of the Salesforce emulator tests (a uniquely named module: the tests
directory is not a package, so names must not clash with other plugins' test helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from simple_salesforce import Salesforce

#: A Monday morning.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Person:
    """A seeded user with a connected client."""

    id: str
    session: str
    sf: Salesforce


def timed(
    start: str = "2026-03-03T09:00:00Z", minutes: int = 60, **fields: object
) -> dict[str, object]:
    """A timed event body."""
    return {"Subject": "Meeting", "StartDateTime": start, "DurationInMinutes": minutes, **fields}
