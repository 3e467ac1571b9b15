"""Rounds on Celery workers (calsync[workers]) under a cloud API's latency, with 1, 2 and 4 workers.

An org of BENCH_MAILBOXES Graph mailboxes (default 2,000) with their Salesforce users is
served over sockets by the emulators, each request held BENCH_LATENCY_MS (default 150 ms)
as a cloud API would; the state is a real PostgreSQL (pgserver), the broker a real
redis-server. After an initial round and a second one (no latency: each mailbox reads back
once what the first wrote to it), each measured round follows a change in 1 % of the
mailboxes (one item each side) and runs with the worker processes and threads of
BENCH_SCENARIOS (default ``1x16,2x16,4x16``: processes x threads): round time, mailboxes per
minute, the API calls the emulators received by service and endpoint, and each worker's CPU
seconds and memory. Each scenario starts its workers afresh, so the round task also reads
what the CRM supports and who owns each address, and each worker signs in to Graph (a
running deployment reuses all three for an hour). Printed, and written to
bench/results.json under BENCH_KEY (default ``worker_rounds``; a row replaces the one of
the same name, the others stay), with the machine's load average: the machine is shared.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pgserver
import psutil
from celery import Celery
from sqlalchemy import Engine, create_engine, distinct, func, select

from calsync.issues import ORGANISATION
from calsync.state import State, schema
from calsync.workers.app import QUEUE, ROUND_TASK
from calsync.workers.testorg import TestOrg

RESULTS = Path(__file__).with_name("results.json")
MAILBOXES = int(os.environ.get("BENCH_MAILBOXES", "2000"))
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "150"))
#: (worker processes, threads each) per measured round.
SCENARIOS = [
    (int(processes), int(threads))
    for processes, threads in (
        part.split("x") for part in os.environ.get("BENCH_SCENARIOS", "1x16,2x16,4x16").split(",")
    )
]
KEY = os.environ.get("BENCH_KEY", "worker_rounds")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis(stack: ExitStack) -> str:
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    stack.callback(server.wait)
    stack.callback(server.terminate)
    time.sleep(1)
    return f"redis://127.0.0.1:{port}/0"


def _postgres(stack: ExitStack) -> str:
    folder = Path(tempfile.mkdtemp(prefix="calsync-bench-postgres-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    # Every worker thread may hold a connection: more than PostgreSQL's default 100.
    server.psql("ALTER SYSTEM SET max_connections = 400;")
    server.cleanup()
    server = pgserver.get_server(folder, cleanup_mode="stop")  # restarted with it
    stack.callback(shutil.rmtree, folder, True)
    stack.callback(server.cleanup)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    server.psql(f"CREATE DATABASE {name};")
    return str(server.get_uri(name))


def _round(broker: str, state: Engine, count: int) -> float:
    """Plan one round and wait until ``count`` mailboxes finished a pass of it; its wall seconds."""
    started, clock = datetime.now(UTC), time.monotonic()
    Celery(broker=broker).send_task(ROUND_TASK, queue=QUEUE)
    table = schema.passes
    passed = select(func.count(distinct(table.c.mailbox))).where(
        table.c.finished_at > started, table.c.mailbox != ORGANISATION
    )
    while True:
        time.sleep(1)
        with state.connect() as connection:
            if connection.execute(passed).scalar_one() >= count:
                return time.monotonic() - clock


def _workers(
    count: int, threads: int, env: dict[str, str], folder: Path, stack: ExitStack
) -> list[subprocess.Popen[bytes]]:
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from calsync.cli import main; main()",
                "worker",
                "--concurrency",
                str(threads),
            ],
            env=env,
            stdout=(folder / f"worker{count}x{threads}-{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n in range(count)
    ]
    stack.callback(_stop, started)
    return started


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        process.wait(timeout=60)


def main() -> None:
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="calsync-bench-")))
        broker, state_url = _redis(stack), _postgres(stack)
        org = TestOrg(MAILBOXES)
        org.start(stack)
        config = org.write_config(folder / "calsync.toml", state_url)
        env = {
            **os.environ,
            **org.environment,
            "CALSYNC_BROKER_URL": broker,
            "CALSYNC_CONFIG": str(config),
        }
        State(state_url).close()  # creates the schema
        state = create_engine(state_url.replace("postgresql://", "postgresql+psycopg://", 1))
        stack.callback(state.dispose)

        first = _workers(4, 16, env, folder, stack)
        time.sleep(3)
        initial = _round(broker, state, MAILBOXES)
        settling = _round(broker, state, MAILBOXES)
        _stop(first)
        print(f"initial round of {MAILBOXES} mailboxes (no latency, 4 workers): {initial:.1f} s")
        print(f"second round (reading back what the first wrote): {settling:.1f} s")

        org.set_latency(LATENCY_MS / 1000)
        changed_per_round = max(1, MAILBOXES // 100)
        at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        for round_number, (count, threads) in enumerate(SCENARIOS):
            workers = _workers(count, threads, env, folder, stack)
            time.sleep(3)  # connected and waiting, as a running deployment is
            start = round_number * changed_per_round
            for address in org.addresses[start : start + changed_per_round]:
                org.add_change(address, at + timedelta(hours=round_number))
            before, load = len(org.log), os.getloadavg()[0]
            cpu = [psutil.Process(p.pid).cpu_times() for p in workers]
            wall = _round(broker, state, MAILBOXES)
            used = [
                (psutil.Process(p.pid).cpu_times(), psutil.Process(p.pid).memory_info().rss)
                for p in workers
            ]
            _stop(workers)
            calls = {
                s: sum(org.endpoints(s, since=before).values()) for s in ("graph", "salesforce")
            }
            rows.append(
                {
                    "name": f"round-{MAILBOXES}-mailboxes-{count}-workers-{threads}-threads",
                    "mailboxes": MAILBOXES,
                    "workers": count,
                    "threads_per_worker": threads,
                    "pool": "threads",
                    "latency_ms": LATENCY_MS,
                    "changed": changed_per_round,
                    "wall_s": round(wall, 2),
                    "mailboxes_per_minute": round(MAILBOXES / wall * 60, 1),
                    "calls": calls,
                    "salesforce_by_endpoint": org.endpoints("salesforce", since=before),
                    "graph_by_endpoint": org.endpoints("graph", since=before),
                    "cpu_s_per_worker": [
                        round(u.user + u.system - c.user - c.system, 2)
                        for (u, _), c in zip(used, cpu, strict=True)
                    ],
                    "rss_mb_per_worker": [round(rss / 2**20, 1) for _, rss in used],
                    "load_average_before": round(load, 2),
                    "load_average_after": round(os.getloadavg()[0], 2),
                    "cores": os.cpu_count(),
                    "initial_round_s": round(initial, 1),
                    "measured_on": datetime.now(UTC).date().isoformat(),
                }
            )
            print(json.dumps(rows[-1]))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    measured = {row["name"] for row in rows}
    kept = [row for row in results.get(KEY, []) if row["name"] not in measured]
    results[KEY] = sorted(kept + rows, key=lambda row: (row["workers"], row["threads_per_worker"]))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
