"""Rounds on Celery workers (calsync[workers]) under a cloud API's latency, with 1, 2 and 4 workers.

An org of BENCH_MAILBOXES Graph mailboxes (default 2,000) with their Salesforce users is
served over sockets by the emulators, each request held BENCH_LATENCY_MS (default 150 ms)
as a cloud API would; the state is a real PostgreSQL (pgserver), the broker a real
redis-server. After an initial round (no latency), each measured round follows a change in
1 % of the mailboxes (one item each side) and runs with 1, 2 and 4 worker processes of
BENCH_THREADS threads: round time, mailboxes per minute, the API calls the emulators
received by service, and each worker's CPU seconds and memory. Printed, and written to
bench/results.json under ``worker_rounds``.
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

from calsync.state import State
from calsync.workers.app import QUEUE, ROUND_TASK
from calsync.workers.testorg import TestOrg

RESULTS = Path(__file__).with_name("results.json")
MAILBOXES = int(os.environ.get("BENCH_MAILBOXES", "2000"))
LATENCY_MS = int(os.environ.get("BENCH_LATENCY_MS", "150"))
THREADS = int(os.environ.get("BENCH_THREADS", "16"))
WORKER_COUNTS = (1, 2, 4)


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
    stack.callback(shutil.rmtree, folder, True)
    stack.callback(server.cleanup)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    server.psql(f"CREATE DATABASE {name};")
    return str(server.get_uri(name))


def _round(broker: str, state: State, names: list[str]) -> float:
    """Plan one round and wait until every mailbox's pass of it finished; its wall seconds."""
    started, clock = datetime.now(UTC), time.monotonic()
    Celery(broker=broker).send_task(ROUND_TASK, queue=QUEUE)
    waiting = set(names)
    while waiting:
        time.sleep(0.5)
        waiting = {
            n
            for n in waiting
            if not any(p.finished_at > started for p in state.recent_passes(n, 1))
        }
    return time.monotonic() - clock


def _workers(
    count: int, env: dict[str, str], folder: Path, stack: ExitStack
) -> list[subprocess.Popen[bytes]]:
    started = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from calsync.cli import main; main()",
                "worker",
                "--concurrency",
                str(THREADS),
            ],
            env=env,
            stdout=(folder / f"worker{count}-{n}.log").open("wb"),
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
        state = State(state_url)
        stack.callback(state.close)
        names = [a.split("@")[0] for a in org.addresses]

        first = _workers(4, env, folder, stack)
        initial = _round(broker, state, names)
        _stop(first)
        print(f"initial round of {MAILBOXES} mailboxes (no latency, 4 workers): {initial:.1f} s")

        org.set_latency(LATENCY_MS / 1000)
        changed_per_round = max(1, MAILBOXES // 100)
        at = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
        for round_number, count in enumerate(WORKER_COUNTS):
            workers = _workers(count, env, folder, stack)
            time.sleep(3)  # connected and waiting, as a running deployment is
            start = round_number * changed_per_round
            for address in org.addresses[start : start + changed_per_round]:
                org.add_change(address, at + timedelta(hours=round_number))
            before = org.calls()
            cpu = [psutil.Process(p.pid).cpu_times() for p in workers]
            wall = _round(broker, state, names)
            after = org.calls()
            used = [
                (psutil.Process(p.pid).cpu_times(), psutil.Process(p.pid).memory_info().rss)
                for p in workers
            ]
            _stop(workers)
            rows.append(
                {
                    "name": f"round-{MAILBOXES}-mailboxes-{count}-workers",
                    "mailboxes": MAILBOXES,
                    "workers": count,
                    "threads_per_worker": THREADS,
                    "latency_ms": LATENCY_MS,
                    "changed": changed_per_round,
                    "wall_s": round(wall, 2),
                    "mailboxes_per_minute": round(MAILBOXES / wall * 60, 1),
                    "calls": {s: after.get(s, 0) - before.get(s, 0) for s in after},
                    "cpu_s_per_worker": [
                        round(u.user + u.system - c.user - c.system, 2)
                        for (u, _), c in zip(used, cpu, strict=True)
                    ],
                    "rss_mb_per_worker": [round(rss / 2**20, 1) for _, rss in used],
                }
            )
            print(json.dumps(rows[-1]))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["worker_rounds"] = rows
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()
