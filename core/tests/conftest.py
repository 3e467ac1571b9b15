"""The state databases the tests run on: the embedded SQLite file, and a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A PostgreSQL server of this test run (pgserver ships one in a wheel; `make test` installs it)."""
    pgserver = pytest.importorskip("pgserver", reason="pgserver is installed by `make test`")
    server = pgserver.get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="stop")
    yield server
    server.cleanup()


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
