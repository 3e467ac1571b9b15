"""The state databases the tests run on: the embedded SQLite file, and a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A PostgreSQL server of this test run (pgserver ships one in a wheel; `make test` installs it)."""
    pgserver = pytest.importorskip("pgserver", reason="pgserver is installed by `make test`")
    # Its own folder outside pytest's: run as root, pgserver serves as a separate system user,
    # and every pytest session on the machine resets /tmp/pytest-of-root to 0700 when it starts,
    # which locks a server under it out of its own data folder.
    folder = Path(tempfile.mkdtemp(prefix="calsync-postgres-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    yield server
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty state database of each kind calsync supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    server = request.getfixturevalue("postgres_server")
    name = f"calsync_{uuid.uuid4().hex[:12]}"
    server.psql(f"CREATE DATABASE {name};")
    # As a person writes it: a bare postgresql:// URL (calsync picks the psycopg driver).
    url: str = server.get_uri(name)
    assert url.startswith("postgresql://")
    return url


@dataclass(frozen=True)
class Ran:
    """A finished ``calsync`` command: its exit code and what it printed."""

    code: int
    out: str
    err: str


def calsync(*args: str, cwd: Path | None = None, file_permissions: bool = False) -> Ran:
    """Run ``calsync ARGS`` in a new process, with no terminal, as cron or systemd would.

    :param file_permissions: hold the process to files' permissions even when the tests run
        as root (whose capabilities would let it write a read-only file).
    """
    prefix: list[str] = []
    if file_permissions and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to give up root's file access")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner"]
    done = subprocess.run(
        [*prefix, sys.executable, "-c", "from calsync.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def run_calsync() -> Callable[..., Ran]:
    """:func:`calsync`: the command line in a new process."""
    return calsync
