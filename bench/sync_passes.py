"""Whole sync passes through the real plugins and their in-process emulators.

Scenarios: the initial sync of a 10,000-item mailbox (Exchange -> Salesforce and Google ->
Salesforce), the pass after it (which reads its burst back), an incremental pass with 1%
changed, a pass with no changes, and 20 mailboxes of 1,000 items. Each runs in its own
process (so its peak memory is its own); API calls are counted by the emulators per endpoint
and compared with the minimum the services' batch sizes allow. Printed as a table and merged into bench/results.json.
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
#: Batch sizes of the services' APIs (the minimum is computed from them).
SF_COLLECTION = 200
SF_QUERY_PAGE = 2000
EWS_PAGE = 512
GOOGLE_PAGE = 2500
#: How long after the initial sync the measured steady passes run.
STEADY_INTERVAL = timedelta(minutes=10)
#: Items with attendees that are CRM contacts (one in five): people matching runs.
CONTACTS = 40

KINDS = ("initial", "readback", "incremental", "no-change")
SCENARIOS = (
    ("initial-exchange-10k", "exchange", 1, 10_000),
    ("incremental-exchange-1pct", "exchange", 1, 10_000),
    ("no-change-exchange-10k", "exchange", 1, 10_000),
    ("readback-exchange-10k", "exchange", 1, 10_000),
    ("initial-gmail-10k", "gmail", 1, 10_000),
    ("incremental-gmail-1pct", "gmail", 1, 10_000),
    ("no-change-gmail-10k", "gmail", 1, 10_000),
    ("initial-exchange-20x1000", "exchange", 20, 1_000),
)


def _emulator(harness: Any) -> Any:
    return harness.emulator


def run_scenario(name: str, provider: str, mailboxes: int, items: int) -> dict[str, Any]:
    """Run one scenario in this process and return its figures."""
    from calsync.emulation import FrozenClock
    from calsync.model import Participant
    from calsync.plugins import load_registry
    from calsync.providers import Role
    from calsync_conformance.scenario import Scenario
    from calsync_salesforce.harness import SalesforceCrmHarness

    registry = load_registry()
    mail = registry.harnesses[(Role.MAILBOX, provider)].offline()
    # The org's clock is ours to move: steady passes run some minutes after the initial one,
    # as they would in production, so the CRM cursor's overlap no longer covers its burst.
    org_clock = FrozenClock(datetime.now(UTC))
    crm = SalesforceCrmHarness(clock=org_clock)
    scenario = Scenario(
        role=Role.MAILBOX,
        mail=mail,
        crm=crm,
        workdir=Path(tempfile.mkdtemp(prefix="calsync-bench-")),
    )
    contacts = [f"customer{n}@customer.example" for n in range(CONTACTS)]
    for address in contacts:
        crm.add_contact(address)
    people = [f"user{n:02d}" for n in range(mailboxes)]
    ids: dict[str, list[str]] = {}
    for person in people:
        address = scenario.add_mailbox(person)
        ids[person] = []
        for n in range(items):
            guests = (Participant(address=contacts[n % CONTACTS]),) if n % 5 == 0 else ()
            item = scenario.item(
                f"{person} item {n}", days=(n % 300) - 30, hours=1, attendees=guests
            )
            ids[person].append(
                mail.seed(
                    address,
                    item.evolve(
                        start=item.start + timedelta(minutes=n % 60),
                        end=item.end + timedelta(minutes=n % 60),
                    ),
                )
            )
    kind = next(k for k in KINDS if name.startswith(k))
    if kind != "initial":
        scenario.sync()  # the initial sync, not measured
        org_clock.advance(STEADY_INTERVAL)
    if kind in ("incremental", "no-change"):
        # The pass after the initial one reads its burst back (the cursor cannot tell our own
        # writes from a person's edits of the same minutes): that is "readback".
        scenario.sync()
        org_clock.advance(STEADY_INTERVAL)
        if kind == "incremental":
            for person in people:
                for item_id in ids[person][: max(1, items // 100)]:
                    mail.edit(scenario.addresses[person], item_id, body="changed")
    for harness in (mail, crm):
        _emulator(harness).reset_counts()
    started = time.perf_counter()
    reports = scenario.sync()
    wall = time.perf_counter() - started
    calls: dict[str, dict[str, int]] = {
        provider: dict(_emulator(mail).counts),
        "salesforce": dict(_emulator(crm).counts),
    }
    changed = {"initial": items, "incremental": max(1, items // 100)}.get(kind, 0) * mailboxes
    written = sum(r.synced_up for r in reports)
    # What the org holds, not what the passes say they did.
    events_in_crm = len(crm.org.events())
    scenario.close()
    minimum = _minimum(provider, mailboxes, changed, written, kind, items)
    total = sum(sum(c.values()) for c in calls.values())
    return {
        "name": name,
        "calls": calls,
        "total_calls": total,
        "minimum_calls": minimum,
        "ratio": round(total / minimum, 2),
        "items_changed": changed,
        "records_written": written,
        "events_in_crm": events_in_crm,
        "wall_s": round(wall, 2),
        "items_per_s": round(changed / wall, 1) if changed else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _minimum(
    provider: str, mailboxes: int, changed: int, written: int, kind: str, items: int
) -> int:
    """The fewest calls the services' APIs allow for this work, in one round.

    Mailbox side, per mailbox: listing the changes (EWS: SyncFolderItems pages of 512 plus
    GetItem batches of 512; Google: events.list pages of 2,500, plus reading the calendar's
    zone once). CRM side, once a round (``calsync sync`` reads the organisation once): its
    own changes among every owner's events (a query page per 2,000 records; a delta also
    reads the delete log once, to know whether Salesforce purged deletions since the
    cursor), who owns each address (one query) and what the org supports (one describe).
    Contacts and leads for the changed items' people take one query each: per mailbox in a
    first sync (a first, full listing stays with its pass), for the whole round otherwise.
    Per mailbox: the writes in collections of 200, and before updates the records they
    update (to keep the CRM's own links, EX-17), 200 at a time. Nothing written is read
    back: calsync knows its own writes when they come back.
    """
    per = changed // mailboxes
    if provider == "exchange":
        mailbox = max(1, math.ceil(per / EWS_PAGE)) + math.ceil(per / EWS_PAGE)
    else:
        mailbox = max(1, math.ceil(per / GOOGLE_PAGE)) + (1 if kind == "initial" else 0)
    people = 2 if per else 0
    people_per_pass, people_per_round = (people, 0) if kind == "initial" else (0, people)
    writes = math.ceil(written / mailboxes / SF_COLLECTION)
    # Updating keeps what the CRM side set (EX-17): the counterparts must be read first.
    reads_before_update = writes if kind == "incremental" else 0
    own_changes = math.ceil(items * mailboxes / SF_QUERY_PAGE) if kind == "readback" else 1
    own_changes += 0 if kind == "initial" else 1  # getDeleted's earliestDateAvailable
    round_calls = own_changes + 1 + 1 + people_per_round  # changes, owners, describe, people
    return mailboxes * (mailbox + people_per_pass + writes + reads_before_update) + round_calls


def main() -> None:
    """Run every scenario in its own process; print the table; write results.json."""
    results = []
    for name, provider, mailboxes, items in SCENARIOS:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, bench.sync_passes as b; "
                f"print(json.dumps(b.run_scenario({name!r}, {provider!r}, {mailboxes}, {items})))",
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parents[1],
        )
        if done.returncode != 0:
            print(f"{name}: failed\n{done.stderr[-3000:]}")
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        row = results[-1]
        print(
            f"{row['name']:<28} calls {row['total_calls']:>5} (min {row['minimum_calls']:>4}, ratio {row['ratio']:>4})"
            f"  {row['wall_s']:>6} s  {row['items_per_s'] or '-':>8} items/s  {row['peak_rss_mb']:>6} MB"
            f"  {row['events_in_crm']:>6} events"
        )
    for row in results:
        top = Counter(
            {f"{svc}:{ep}": n for svc, eps in row["calls"].items() for ep, n in eps.items()}
        )
        print(f"  {row['name']}: " + ", ".join(f"{k} {v}" for k, v in top.most_common()))
    # Merged by name: the other benches' scenarios and keys stay as they are.
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"scenarios": []}
    names = {r["name"] for r in results}
    kept["scenarios"] = [s for s in kept["scenarios"] if s["name"] not in names] + results
    RESULTS.write_text(json.dumps(kept, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
