"""Google provider: API calls for a 10,000-event initial sync and 1,000 writes, against the minimum."""

from __future__ import annotations

import math
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calsync.emulation import FrozenClock, HttpRequest, HttpResponse
from calsync.model import CalendarItem
from calsync.providers import Write
from calsync_gmail import pull
from calsync_gmail.emulator import GoogleEmulator
from calsync_gmail.harness import GmailHarness
from calsync_gmail.settings import MAX_CALENDAR_BATCH, GmailSettings

ADDRESS = "alice@example.com"
EVENTS = 10_000
CREATES, UPDATES, DELETES = 500, 400, 100
ZONE = ZoneInfo("Europe/Copenhagen")
#: What the emulator adds to a batch part; parts are not round trips of their own.
_PART = "x-calsync-batch-part"


class Wire:
    """Counts HTTP round trips (batches once) and batch parts by method."""

    def __init__(self, emulator: GoogleEmulator) -> None:
        self.trips: Counter[str] = Counter()
        self.parts: Counter[str] = Counter()
        self._emulator = emulator
        self._handle = emulator.handle
        emulator.handle = self._count  # type: ignore[method-assign]

    def _count(self, request: HttpRequest) -> HttpResponse:
        name = self._emulator.endpoint_of(request)
        (self.parts if _PART in request.headers else self.trips)[name] += 1
        return self._handle(request)

    def reset(self) -> None:
        self.trips.clear()
        self.parts.clear()


def _seed(emulator: GoogleEmulator) -> list[str]:
    start = datetime(2025, 1, 6, 9, tzinfo=ZONE)
    ids = []
    for n in range(EVENTS):
        begin = start + timedelta(hours=n % 8, days=n // 8)
        ids.append(
            emulator.seed_event(
                ADDRESS,
                {
                    "summary": f"Event {n}",
                    "start": {"dateTime": begin.isoformat(), "timeZone": "Europe/Copenhagen"},
                    "end": {
                        "dateTime": (begin + timedelta(minutes=30)).isoformat(),
                        "timeZone": "Europe/Copenhagen",
                    },
                },
            )
        )
    return ids


def _writes(existing: list[str]) -> list[Write]:
    base = datetime(2026, 1, 5, 9, tzinfo=ZONE)
    out = [
        Write.create(
            CalendarItem(
                start=base + timedelta(days=n),
                end=base + timedelta(days=n, hours=1),
                subject=f"New {n}",
                counterpart_id=f"00U{n:012d}",
            )
        )
        for n in range(CREATES)
    ]
    renamed = CalendarItem(start=base, end=base + timedelta(hours=1), subject="Renamed")
    out += [Write.update(i, renamed, frozenset({"subject"})) for i in existing[:UPDATES]]
    out += [Write.delete(i) for i in existing[UPDATES : UPDATES + DELETES]]
    return out


def _show(label: str, counts: Counter[str]) -> str:
    return f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def main() -> None:
    emulator = GoogleEmulator(clock=FrozenClock(datetime(2025, 1, 1, tzinfo=UTC)))
    emulator.add_user(ADDRESS, time_zone="Europe/Copenhagen")
    existing = _seed(emulator)
    settings = GmailSettings()
    provider = GmailHarness(emulator, settings).open_mailbox(ADDRESS)
    wire = Wire(emulator)

    started = time.perf_counter()
    delta = provider.pull(None)
    took = time.perf_counter() - started
    assert len(delta.changed) == EVENTS
    pages = math.ceil(EVENTS / pull.PAGE_SIZE)
    api_calls = sum(v for k, v in wire.trips.items() if k != "oauth2.token")
    print(f"initial sync: {EVENTS:,} events in {took:.2f} s ({EVENTS / took:,.0f} events/s)")
    print("  " + _show("round trips", wire.trips))
    print(f"  minimum: {pages} list pages of {pull.PAGE_SIZE} (+1 calendars.get for the zone)")
    print(f"  API calls / minimum: {api_calls} / {pages} = {api_calls / pages:.2f}")

    wire.reset()
    started = time.perf_counter()
    quiet = provider.pull(delta.cursor)
    took = time.perf_counter() - started
    print(
        f"pass with no changes: {len(quiet.changed)} items, {sum(wire.trips.values())} call(s), {took * 1000:.1f} ms"
    )

    writes = _writes(existing)
    wire.reset()
    started = time.perf_counter()
    results = provider.write(writes)
    took = time.perf_counter() - started
    assert all(r.ok for r in results), [r.failure for r in results if r.failure][:3]
    total = len(writes)
    ours = math.ceil(total / settings.batch_size)
    floor = math.ceil(total / MAX_CALENDAR_BATCH)
    trips = sum(wire.trips.values())
    print(
        f"writes: {total:,} ({CREATES} creates, {UPDATES} updates, {DELETES} deletes) "
        f"in {took:.2f} s ({total / took:,.0f} writes/s)"
    )
    print("  " + _show("round trips", wire.trips))
    print("  " + _show("batch parts", wire.parts))
    print(
        f"  minimum: {ours} batches of {settings.batch_size} (our batch size); "
        f"{floor} at Google's limit of {MAX_CALENDAR_BATCH}"
    )
    print(
        f"  round trips / minimum: {trips} / {ours} = {trips / ours:.2f} ({trips / floor:.0f}x Google's floor)"
    )
    print(f"  guest notifications requested: {emulator.notifications_requested}")


if __name__ == "__main__":
    main()
