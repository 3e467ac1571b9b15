"""Time-zone matching: lookups per second, cold and cached."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tzlocal.windows_tz import win_tz

from calsync.timezones import TimeZoneMatcher, salesforce_zones, tzdb

WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2037, 1, 1, tzinfo=UTC))


def main() -> None:
    inputs = sorted(tzdb.available()) + sorted(k for k in win_tz if k)
    matcher = TimeZoneMatcher(salesforce_zones())
    started = time.perf_counter()
    methods: dict[str, int] = {}
    for zone in inputs:
        method = str(matcher.match(zone, WINDOW).method)
        methods[method] = methods.get(method, 0) + 1
    cold = time.perf_counter() - started
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        for zone in inputs:
            matcher.match(zone, WINDOW)
    warm = time.perf_counter() - started
    print(f"inputs: {len(inputs)} (tzdata {tzdb.IANA_VERSION} names + Windows ids)")
    print(f"by method: {dict(sorted(methods.items()))}")
    print(f"cold (first lookup of each): {len(inputs) / cold:,.0f} lookups/s ({cold:.2f} s)")
    print(f"cached: {len(inputs) * rounds / warm:,.0f} lookups/s")
