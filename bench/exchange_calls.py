"""Exchange initial sync: EWS calls and wall time to pull 10,000 items through the provider."""

from __future__ import annotations

import math
import time
from datetime import UTC, date, datetime, timedelta

from exchangelib import Credentials

from calsync.emulation.requests_transport import InProcessAdapter
from calsync_exchange import ExchangeMailbox, ExchangeSettings
from calsync_exchange.emulator import EwsEmulator, Recurrence, WeeklyPattern
from calsync_exchange.pulling import MAX_CHANGES

ADDRESS = "bench@example.com"
SINGLES = 9_900
SERIES = 100  # each with one modified occurrence: 100 more items, as exceptions


def _seed(emulator: EwsEmulator) -> None:
    start = datetime(2026, 1, 5, 7, tzinfo=UTC)
    for n in range(SINGLES):
        begin = start + timedelta(hours=n)
        emulator.seed_item(
            ADDRESS, subject=f"Item {n}", start=begin, end=begin + timedelta(minutes=30)
        )
    for n in range(SERIES):
        first = date(2026, 1, 5) + timedelta(weeks=n)
        master = emulator.seed_item(
            ADDRESS,
            subject=f"Series {n}",
            start=datetime.combine(first, datetime.min.time()).replace(hour=9),
            end=datetime.combine(first, datetime.min.time()).replace(hour=10),
            recurrence=Recurrence(
                pattern=WeeklyPattern(weekdays=("Monday",)), start_date=first, count=4
            ),
        )
        emulator.modify_occurrence(ADDRESS, master, index=2, subject=f"Series {n} (moved)")


def main() -> None:
    emulator = EwsEmulator()
    emulator.add_mailbox(ADDRESS, password="bench", time_zone="W. Europe Standard Time")
    _seed(emulator)
    provider = ExchangeMailbox(
        ExchangeSettings(time_zone="Europe/Berlin"),
        ADDRESS,
        credentials=Credentials(ADDRESS, "bench"),
        transport=InProcessAdapter.bound_to(emulator),
    )
    emulator.reset_counts()
    started = time.perf_counter()
    delta = provider.pull(None)
    elapsed = time.perf_counter() - started
    provider.close()
    listed = SINGLES + SERIES
    pages = math.ceil(listed / MAX_CHANGES)
    minimum = pages + pages + math.ceil(SERIES / MAX_CHANGES)
    counts = emulator.counts
    calls = sum(counts.values())
    print(
        f"items pulled: {len(delta.changed):,} ({listed:,} singles and masters, {SERIES} exceptions)"
    )
    print(f"EWS calls by operation: {dict(sorted(counts.items()))}")
    print(
        f"minimum: {minimum} = {pages} SyncFolderItems (512 per page) + {pages} GetItem "
        f"(one per page) + {math.ceil(SERIES / MAX_CHANGES)} GetItem (exceptions)"
    )
    print(f"calls / minimum: {calls / minimum:.2f}")
    print(f"wall time: {elapsed:.2f} s ({len(delta.changed) / elapsed:,.0f} items/s, in process)")


if __name__ == "__main__":
    main()
