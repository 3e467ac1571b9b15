"""Helpers shared by the provider tests: providers bound to the in-process emulator."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from exchangelib import Credentials

from calsync.emulation import Emulator
from calsync.emulation.requests_transport import InProcessAdapter
from calsync.model import CalendarItem
from calsync.providers import Delta
from calsync_exchange import ExchangeMailbox, ExchangeSettings
from calsync_exchange.emulator import EwsEmulator

BERLIN = ZoneInfo("Europe/Berlin")


def provider_for(
    emulator: EwsEmulator | Emulator,
    address: str,
    password: str,
    *,
    clock: Any = None,
    credentials: Any = None,
    **settings: Any,
) -> ExchangeMailbox:
    """A provider for ``address`` talking to ``emulator`` in process."""
    settings.setdefault("time_zone", "Europe/Berlin")
    return ExchangeMailbox(
        ExchangeSettings(**settings),
        address,
        credentials=credentials or Credentials(address, password),
        transport=InProcessAdapter.bound_to(emulator),  # type: ignore[arg-type]
        clock=clock,
    )


def by_subject(
    delta: Delta | list[CalendarItem] | tuple[CalendarItem, ...],
) -> dict[str, CalendarItem]:
    """The items of a delta (or list) by subject."""
    items = delta.changed if isinstance(delta, Delta) else delta
    return {item.subject: item for item in items}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Berlin wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


__all__ = ["BERLIN", "berlin", "by_subject", "date", "provider_for", "utc"]
