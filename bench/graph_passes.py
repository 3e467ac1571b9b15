"""Microsoft 365 (Graph) -> Salesforce passes: 10,000 items initial, 1% incremental, no change.

The scenarios of :mod:`bench.sync_passes` with the ``graph`` mailbox provider, each in its
own process. Graph calls are counted by the emulator per endpoint; requests inside a
``$batch`` are counted under their own endpoint too (Graph's throttling counts each of
them), so two figures are given: HTTP calls (what goes over the wire; the provider sends
every ``events.*`` request inside a ``$batch``) and requests. The
minimum is what the batch sizes allow: calendarView delta pages (the emulator's 100 entries
a page without ``odata.maxpagesize``), one ``$batch`` of 20 GETs per 20 changed events,
the token once per process (MSAL reads the tenant's OpenID configuration when the provider
is built, before the measured pass); the Salesforce side as in
:func:`bench.sync_passes._minimum`. Merged into bench/results.json.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.sync_passes import RESULTS, _minimum, run_scenario

GRAPH_PAGE = 100
GRAPH_BATCH = 20
SCENARIOS = (
    ("initial-graph-10k", 10_000),
    ("incremental-graph-1pct", 10_000),
    ("no-change-graph-10k", 10_000),
)


def measure(name: str, items: int) -> dict[str, Any]:
    """One scenario in this process, with Graph's own minimum and its HTTP calls."""
    row = run_scenario(name, "graph", 1, items)
    kind = name.split("-")[0]
    changed = row["items_changed"]
    graph = row["calls"]["graph"]
    graph_requests = sum(graph.values())
    # The provider sends every event request inside a $batch: those are not HTTP calls.
    graph_http = sum(n for endpoint, n in graph.items() if not endpoint.startswith("events."))
    salesforce = sum(row["calls"]["salesforce"].values())
    # Salesforce's share of the minimum, as bench.sync_passes counts it (its mailbox part out).
    crm_minimum = _minimum("exchange", 1, changed, row["records_written"], kind, items) - 1
    crm_minimum -= max(1, math.ceil(changed / 512)) + math.ceil(changed / 512)
    graph_minimum = max(1, math.ceil(changed / GRAPH_PAGE)) + math.ceil(changed / GRAPH_BATCH)
    graph_minimum += 1 if kind == "initial" else 0  # the token (MSAL discovers when built)
    minimum = graph_minimum + crm_minimum + 1
    total = graph_http + salesforce
    return {
        **row,
        "graph_requests": graph_requests,
        "graph_http_calls": graph_http,
        "total_calls": total,
        "minimum_calls": minimum,
        "ratio": round(total / minimum, 2),
    }


def main() -> None:
    """Run each scenario in its own process; print; merge into results.json."""
    rows = []
    for name, items in SCENARIOS:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, bench.graph_passes as b; print(json.dumps(b.measure({name!r}, {items})))",
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parents[1],
        )
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-3000:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{row['name']:<24} HTTP calls {row['total_calls']:>5} (min {row['minimum_calls']:>4},"
            f" ratio {row['ratio']:>4}), Graph requests {row['graph_requests']:>6}"
            f"  {row['wall_s']:>6} s  {row['items_per_s'] or '-':>8} items/s"
            f"  {row['peak_rss_mb']:>6} MB  {row['events_in_crm']:>6} events"
        )
        print(
            "   "
            + ", ".join(
                f"{svc}:{ep} {n}"
                for svc, eps in row["calls"].items()
                for ep, n in sorted(eps.items())
            )
        )
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"scenarios": []}
    names = {r["name"] for r in rows}
    kept["scenarios"] = [s for s in kept["scenarios"] if s["name"] not in names] + rows
    RESULTS.write_text(json.dumps(kept, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
