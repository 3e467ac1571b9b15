"""State database statements of an idle pass, and 2,000 idle passes on SQLite and PostgreSQL.

An organisation of BENCH_MAILBOXES sandbox mailboxes (default 2,000; the sandbox answers
in memory, so what is measured is calsync and its state database), each with a few items
synced. After the initial sync and the pass that reads its burst back, a round with no
change anywhere is measured: every statement sent to the state database is counted
(SQLAlchemy's ``before_cursor_execute``; SQLite's ``BEGIN`` left out: PostgreSQL's goes
unseen the same way) and named by purpose, with the transactions it took. One pass's
statements are listed; the round's are divided by its mailboxes (what the round reads for
all its passes included). PostgreSQL (pgserver, on this machine) sends each transaction's
``BEGIN`` and ``COMMIT`` as requests of their own: its round trips are the statements plus
two per transaction, what a network between calsync and the database multiplies.

The machine is shared: the round runs three times, the fastest is recorded (with all
three, this process's CPU seconds, and the load average). PostgreSQL runs on this machine;
what its round trips would add from another host is estimated at NETWORK_RTT_MS each.

The figures of the code before this bench's change are kept in results.json under
``idle_passes.before``, measured on commit 9467e75's code with this bench
(``PYTHONPATH=<its core/src> BENCH_KEY=before python -m bench idle_passes``); a run records
the current ones under ``idle_passes.after``. Each database runs in its own process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
MAILBOXES = int(os.environ.get("BENCH_MAILBOXES", "2000"))
ITEMS = 2
#: Idle rounds measured; the fastest counts.
ROUNDS = 3
#: A round trip to a PostgreSQL server on another host of the same network, for the
#: estimate of what a round's round trips cost there (results' ``network_s_estimate``).
NETWORK_RTT_MS = 0.5
STEADY_INTERVAL = timedelta(minutes=10)
#: Which results.json entry a run writes (``before`` was measured on the code before).
KEY = os.environ.get("BENCH_KEY", "after")
DATABASES = ("sqlite", "postgresql")

_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def purpose(statement: str) -> str:
    """What a statement does, in a few words: its verb and its table."""
    text = " ".join(statement.split())
    verb = text.split(" ", 1)[0].upper()
    found = _TABLE.search(text)
    table = found.group(1) if found else "?"
    if verb == "INSERT" and "ON CONFLICT" in text.upper():
        verb = "UPSERT"
    return f"{verb} {table}"


class Counted:
    """Every statement and transaction sent through ``engine`` while it listens."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements: list[str] = []
        self.transactions = 0

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if statement.strip().upper().startswith("BEGIN"):
                return  # SQLite's, sent by calsync; PostgreSQL's goes unseen
            self.statements.append(statement)

        @event.listens_for(engine, "commit")
        def _commit(conn: Any) -> None:
            self.transactions += 1

        @event.listens_for(engine, "rollback")
        def _rollback(conn: Any) -> None:
            self.transactions += 1

    def take(self) -> tuple[list[str], int]:
        """What was counted since the last take."""
        taken = (self.statements, self.transactions)
        self.statements, self.transactions = [], 0
        return taken


def _organisation(url: str, mailboxes: int) -> Any:
    from calsync.api import Calsync
    from calsync.config import parse_config
    from calsync.emulation import FrozenClock
    from calsync.model import CalendarItem
    from calsync.plugins import load_registry
    from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
    from calsync.sandbox.world import Sandbox
    from calsync.state import State

    world = Sandbox()
    mail, crm = SandboxMailboxHarness(world), SandboxCrmHarness(world)
    clock = FrozenClock(datetime(2027, 3, 1, 8, tzinfo=UTC))
    addresses = {f"user{n:04d}": f"user{n:04d}@example.com" for n in range(mailboxes)}
    for address in addresses.values():
        crm.add_user(address)
        for n in range(ITEMS):
            start = clock.now() + timedelta(days=n + 1)
            mail.seed(
                address,
                CalendarItem(
                    start=start,
                    end=start + timedelta(hours=1),
                    subject=f"item {n}",
                    zone="Europe/Berlin",
                ),
            )
    config = parse_config(
        {
            "state": url,
            "crm": {"provider": "sandbox"},
            "mailboxes": [
                {"name": name, "provider": "sandbox", "address": address}
                for name, address in addresses.items()
            ],
        },
        registry=load_registry(["sandbox", "notify"]),
    )
    app = Calsync(
        config,
        state=State(url),
        clock=clock.now,
        sleep=lambda _: None,
        crm=crm.open_crm(),
        mailboxes={n: mail.open_mailbox(a) for n, a in addresses.items()},
        notifiers=[],
    )
    return app, clock


def run(database: str, url: str, mailboxes: int = MAILBOXES) -> dict[str, Any]:
    """Sync the organisation twice, then measure one idle pass and an idle round."""
    from calsync.engine.mailbox_run import MailboxRun

    app, clock = _organisation(url, mailboxes)
    for _ in range(2):  # the initial sync, then the pass that reads its burst back
        app.sync()
        clock.advance(STEADY_INTERVAL)
    counted = Counted(app.state.engine)
    engine = app.engine
    chosen = list(engine.roster.mailboxes())
    org = engine.read_organisation(chosen[:1])
    counted.take()
    report = MailboxRun(engine, chosen[0], org=org).report()
    assert report.outcome == "ok" and not report.synced_up + report.synced_down, report
    statements, transactions = counted.take()
    walls, cpus = [], []
    for _ in range(ROUNDS):
        clock.advance(STEADY_INTERVAL)
        counted.take()
        started, cpu = time.perf_counter(), time.process_time()
        reports = app.sync()
        walls.append(round(time.perf_counter() - started, 2))
        cpus.append(round(time.process_time() - cpu, 2))
        assert all(r.outcome == "ok" and not r.synced_up + r.synced_down for r in reports)
        in_round, round_transactions = counted.take()
    wall = min(walls)
    round_trips = len(in_round) + 2 * round_transactions
    app.close()
    return {
        "database": database,
        "mailboxes": mailboxes,
        "pass": {
            "statements": len(statements),
            "transactions": transactions,
            "round_trips": len(statements) + 2 * transactions,
            "by_purpose": dict(Counter(purpose(s) for s in statements)),
        },
        "round": {
            "statements": len(in_round),
            "transactions": round_transactions,
            "statements_per_mailbox": round(len(in_round) / mailboxes, 2),
            "round_trips_per_mailbox": round(round_trips / mailboxes, 2),
            # An estimate, not a measurement: what the round trips alone would add over a
            # network of NETWORK_RTT_MS (PostgreSQL on another host of the same LAN).
            "network_s_estimate": round(round_trips * NETWORK_RTT_MS / 1000, 1),
            "by_purpose": dict(Counter(purpose(s) for s in in_round).most_common()),
            "wall_s": wall,
            "wall_s_each": walls,
            # This process's CPU seconds (calsync and its driver; not PostgreSQL's own).
            "cpu_s": min(cpus),
            "ms_per_pass": round(1000 * wall / mailboxes, 2),
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _measure(database: str, mailboxes: int) -> dict[str, Any]:
    """Run :func:`run` on a new database of the kind ``database``."""
    folder = Path(tempfile.mkdtemp(prefix="calsync-idle-"))
    try:
        if database == "sqlite":
            return run(database, f"sqlite:///{folder / 'state.db'}", mailboxes)
        import pgserver

        server = pgserver.get_server(folder, cleanup_mode="stop")
        try:
            name = f"calsync_{uuid.uuid4().hex[:12]}"
            server.psql(f"CREATE DATABASE {name};")
            return run(database, server.get_uri(name), mailboxes)
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(mailboxes: int = MAILBOXES) -> None:
    """Measure each database in its own process; print; record in results.json."""
    rows = []
    for database in DATABASES:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import json, bench.idle_passes as b; "
                f"print(json.dumps(b._measure({database!r}, {mailboxes})))",
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).parents[1],
        )
        if done.returncode != 0:
            print(f"{database}: failed\n{done.stderr[-3000:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        one, whole = row["pass"], row["round"]
        print(
            f"{database:<10} one idle pass: {one['statements']} statements in "
            f"{one['transactions']} transactions ({one['round_trips']} round trips on PostgreSQL)"
        )
        for name, count in sorted(one["by_purpose"].items(), key=lambda kv: -kv[1]):
            print(f"{'':<12}{count:>3}  {name}")
        print(
            f"{'':<10} idle round of {row['mailboxes']}: {whole['statements_per_mailbox']} "
            f"statements per mailbox, {whole['wall_s']} s ({whole['ms_per_pass']} ms a pass;"
            f" rounds {whole['wall_s_each']}, load {row['load_average']}); {whole['cpu_s']} CPU-s"
        )
        if database == "postgresql":
            print(
                f"{'':<10} {whole['round_trips_per_mailbox']} round trips per mailbox: at"
                f" {NETWORK_RTT_MS} ms each, {whole['network_s_estimate']} s more from another"
                " host (estimate)"
            )
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    kept = results.get("idle_passes", {})
    kept[KEY] = rows
    results["idle_passes"] = kept
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    for key in ("before", "after"):
        for row in kept.get(key, []):
            whole = row["round"]
            print(
                f"{key:<6} {row['database']:<10} {row['pass']['statements']:>3} statements a pass,"
                f" {whole['wall_s']:>7} s for {row['mailboxes']} idle passes"
                f" ({whole.get('cpu_s', '?')} CPU-s"
                + (
                    f", +{whole.get('network_s_estimate', '?')} s from another host)"
                    if row["database"] == "postgresql"
                    else ")"
                )
            )
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else MAILBOXES)
