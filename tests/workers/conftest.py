"""Real components for the workers' tests: a redis-server and a PostgreSQL of this test run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_calsync(*args: str, broker: str | None = None) -> subprocess.CompletedProcess[str]:
    """``calsync ARGS`` in a new process; with ``broker`` as its only calsync setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALSYNC_")}
    if broker:
        env["CALSYNC_BROKER_URL"] = broker
    return subprocess.run(
        [sys.executable, "-c", "from calsync.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


@pytest.fixture
def calsync() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs ``calsync ARGS`` in a new process (:func:`run_calsync`)."""
    return run_calsync


@pytest.fixture
def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    return free_port()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server (Debian's; `make test` installs it) on 127.0.0.1, nothing kept on disk."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.skip("redis-server is not installed (`make test` installs Debian's as root)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="calsync-redis-")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new database on a PostgreSQL server of this run (pgserver ships one in a wheel)."""
    pgserver = pytest.importorskip("pgserver", reason="pgserver is installed by `make test`")
    # Outside pytest's own folder: see core/tests/conftest.py's postgres_server for why.
    folder = Path(tempfile.mkdtemp(prefix="calsync-postgres-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    name = f"calsync_{uuid.uuid4().hex[:12]}"
    server.psql(f"CREATE DATABASE {name};")
    yield str(server.get_uri(name))
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)
