"""An organisation of 2,000 mailboxes: Salesforce calls per idle round and per 1 % round.

Each mailbox holds a few items (Exchange emulator, in process) and its owner a CRM user
(Salesforce emulator, in process). After the initial sync and the pass that reads its burst
back, two rounds are measured: one with no change anywhere (idle) and one with 1 % of the
mailboxes changing one item. ``by-mailbox`` runs them as ``calsync sync --mailbox X`` for
each mailbox in turn (each a round of one); ``round`` as one ``calsync sync`` of the whole
organisation, and then a third, ``1pct_paced``: another 1 % changing, each pass with
changes starting 0.3 s after the one before (how long it takes under a cloud API's ~150 ms
a request), so the round's fetch of the records goes stale after about 7 of them and is
refreshed for the rest (engine/org_round.py ``RoundRecords``): its Salesforce calls are
those of the 1 % round plus one fetch per 2 s (``RECORDS_FRESH``) the passes last.
Calls are counted by the emulators, per endpoint. Each mode runs in its own process, so its
peak memory is its own. Printed, and written to bench/results.json under ``org_rounds``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
MAILBOXES = 2000
ITEMS = 3
CHANGED_SHARE = 0.01
STEADY_INTERVAL = timedelta(minutes=10)
MODES = ("by-mailbox", "round")
#: How long each pass with changes of the ``1pct_paced`` round is made to take.
PASS_PACE_S = 0.3


def run(mode: str, mailboxes: int = MAILBOXES, items: int = ITEMS) -> dict[str, Any]:
    """Build the organisation, sync it twice, then measure an idle and a 1 % round."""
    from calsync.emulation import FrozenClock
    from calsync.plugins import load_registry
    from calsync.providers import Role
    from calsync_conformance.scenario import Scenario
    from calsync_salesforce.harness import SalesforceCrmHarness

    registry = load_registry()
    mail = registry.harnesses[(Role.MAILBOX, "exchange")].offline()
    org_clock = FrozenClock(datetime.now(UTC))
    crm = SalesforceCrmHarness(clock=org_clock)
    # A 2,000-seat Enterprise Edition org: 100,000 API calls a day plus 1,000 per Salesforce
    # licence (Salesforce's "API Request Limits and Allocations"); the emulator's default
    # is a small org's 15,000, which mailbox-by-mailbox rounds use up within hours.
    crm.org.configure(daily_api_requests=100_000 + 1_000 * mailboxes)
    scenario = Scenario(
        role=Role.MAILBOX, mail=mail, crm=crm, workdir=Path(tempfile.mkdtemp(prefix="calsync-org-"))
    )
    people = [f"user{n:04d}" for n in range(mailboxes)]
    ids: dict[str, list[str]] = {}
    for person in people:
        address = scenario.add_mailbox(person)
        ids[person] = [
            mail.seed(address, scenario.item(f"{person} item {n}", days=n + 1, hours=1))
            for n in range(items)
        ]

    changed = people[:: int(1 / CHANGED_SHARE)]
    paced_people = people[int(1 / CHANGED_SHARE) // 2 :: int(1 / CHANGED_SHARE)]

    def round_(paced: bool = False) -> float:
        started = time.perf_counter()

        def turn(name: str) -> None:
            # Each pass with changes takes as long as a cloud API would make it (the ones
            # reading back the 1 % round's writes among them make no call).
            if name in paced_people:
                time.sleep(PASS_PACE_S)

        if paced:
            scenario.app.engine.run(progress=turn)
        elif mode == "round":
            scenario.sync()
        else:
            for person in people:
                scenario.sync(person)
        return time.perf_counter() - started

    for _ in range(2):  # the initial sync, then the pass that reads its burst back
        round_()
        org_clock.advance(STEADY_INTERVAL)
    figures: dict[str, Any] = {"mode": mode, "mailboxes": mailboxes, "items_per_mailbox": items}
    kinds = ("idle", "1pct", "1pct_paced") if mode == "round" else ("idle", "1pct")
    for kind in kinds:
        if kind != "idle":
            # Other mailboxes than the 1 % round's: its writes come back to those as their
            # owners' CRM changes, whose records their passes fetch themselves.
            for person in changed if kind == "1pct" else paced_people:
                mail.edit(scenario.addresses[person], ids[person][0], body=f"changed ({kind})")
        for harness in (mail, crm):
            harness.emulator.reset_counts()
        wall = round_(paced=kind == "1pct_paced")
        org_clock.advance(STEADY_INTERVAL)
        sf = dict(crm.emulator.counts)
        total = sum(sf.values())
        figures[kind] = {
            "salesforce_calls": total,
            "salesforce": sf,
            "salesforce_calls_per_mailbox": round(total / mailboxes, 3),
            "exchange_calls": sum(mail.emulator.counts.values()),
            "wall_s": round(wall, 2),
        }
    figures["events_in_crm"] = len(crm.org.events())
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    scenario.close()
    return figures


def main(mailboxes: int = MAILBOXES, modes: tuple[str, ...] = MODES) -> None:
    """Run each mode in its own process; print the figures; record them in results.json.

    Only ``modes``' rows are replaced (``python -m bench.org_rounds 2000 round``).
    """
    rows = []
    for mode in modes:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, bench.org_rounds as b; print(json.dumps(b.run({mode!r}, {mailboxes})))",
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parents[1],
        )
        if done.returncode != 0:
            print(f"{mode}: failed\n{done.stderr[-3000:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        for kind in ("idle", "1pct", "1pct_paced"):
            if kind not in row:
                continue
            f = row[kind]
            print(
                f"{mode:<11} {kind:<5} salesforce calls {f['salesforce_calls']:>6}"
                f" ({f['salesforce_calls_per_mailbox']} per mailbox)  {f['wall_s']:>7} s"
                f"  {row['peak_rss_mb']} MB  {f['salesforce']}"
            )
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    kept = [r for r in results.get("org_rounds", []) if r["mode"] not in {r["mode"] for r in rows}]
    results["org_rounds"] = sorted(kept + rows, key=lambda r: MODES.index(r["mode"]))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else MAILBOXES,
        tuple(sys.argv[2:]) or MODES,
    )
