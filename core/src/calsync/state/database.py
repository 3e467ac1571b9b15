"""Opening the state database, and what its failures mean to the person running calsync.

Everything the database can answer with — a lock held too long, a read-only or damaged
file, a server that cannot be reached — leaves :class:`~calsync.state.State` as a
:class:`~calsync.errors.StateError` whose message names the database and what to do, never
as a SQLAlchemy or driver exception.

SQLite is opened in write-ahead-log mode, so a ``calsync status`` reads while a pass
writes, with a busy timeout, so a second process waits for a write lock instead of failing
at once. Transactions that write begin with ``BEGIN IMMEDIATE``: the write lock is taken
(or waited for) at the start, never half-way through, where SQLite could only give up.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from calsync.errors import StateError
from calsync.state import schema

__all__ = ["BUSY_TIMEOUT", "WRITE", "Database"]

#: Seconds a process waits for another one's SQLite write lock before giving up.
BUSY_TIMEOUT: Final = 30.0
#: The execution option that makes a transaction a writing one (``BEGIN IMMEDIATE``).
WRITE: Final = "calsync_write"


class Database:
    """One state database: its engine and the words to describe it in messages."""

    def __init__(
        self, url: str, *, busy_timeout: float = BUSY_TIMEOUT, create: bool = True
    ) -> None:
        """Prepare the engine; nothing is opened yet, beyond creating a new SQLite file.

        :param create: create a SQLite file that does not exist yet (for its owner only).
        """
        self.url = url
        self.busy_timeout = busy_timeout
        try:
            parsed: URL | None = make_url(url)
        except ArgumentError:
            parsed = None
        #: The SQLite file, when the database is one (``None`` for a server or in memory).
        self.file = _sqlite_file(parsed)
        self.name = (
            str(self.file)
            if self.file is not None
            else parsed.render_as_string(hide_password=True)
            if parsed is not None
            else "(an unreadable URL)"
        )
        if self.file is not None:
            if create:
                _create_private(self.file)
            if not os.access(self.file, os.W_OK) and self.file.exists():
                raise StateError(self._read_only())
        target: URL | str = _with_driver(parsed) if parsed is not None else url
        try:
            if parsed is not None and parsed.get_backend_name() == "sqlite":
                self.engine: Engine = create_engine(target, connect_args={"timeout": busy_timeout})
                _sqlite_events(self.engine)
            else:
                self.engine = create_engine(target)
        except SQLAlchemyError as exc:
            raise StateError(f"cannot use the state database {self.name}: {exc}") from None
        except ImportError as exc:
            raise StateError(
                f"cannot use the state database {self.name}: its driver {exc.name!r} is "
                "not installed (for PostgreSQL: pip install 'calsync[postgresql]')"
            ) from None

    @contextlib.contextmanager
    def translated(self) -> Iterator[None]:
        """Turn database failures inside the block into a :class:`StateError` that says what to do."""
        try:
            yield
        except SQLAlchemyError as exc:
            raise StateError(self.explain(exc)) from exc

    @contextlib.contextmanager
    def begin(self, *, write: bool) -> Iterator[Connection]:
        """A transaction, committed when the block ends; a writing one holds the write lock."""
        with self.engine.connect() as conn:
            conn.execution_options(**{WRITE: write})
            with conn.begin():
                yield conn

    def schema_version(self) -> int | None:
        """The version of calsync's tables here (``None``: an empty database, to be set up).

        :raises StateError: another program's tables, or a version this calsync cannot use.
        """
        with self.translated(), self.begin(write=False) as conn:
            existing = set(inspect(conn).get_table_names())
            found = (
                conn.execute(
                    select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
                ).scalar()
                if schema.meta.name in existing
                else None
            )
        if schema.meta.name not in existing:
            if existing:
                raise StateError(
                    f"{self.name} holds tables that are not calsync's "
                    f"({', '.join(sorted(existing)[:5])}); point `state` at a new, empty database"
                )
            return None
        version = int(found) if found is not None and found.isdigit() else None
        if version is None or version not in {*schema.MIGRATIONS, schema.SCHEMA_VERSION}:
            newer = version is not None and version > schema.SCHEMA_VERSION
            raise StateError(
                f"the state database {self.name} has schema version {found}, "
                f"this calsync needs version {schema.SCHEMA_VERSION}; "
                + ("upgrade calsync to the version that wrote it, or " if newer else "")
                + "point `state` at a new database (calsync adopts existing counterparts, "
                "nothing is duplicated)"
            )
        return version

    def check(self) -> None:
        """Raise :class:`StateError` if calsync could not use this database (changes nothing)."""
        if self.file is not None and not self.file.exists():
            folder = self.file.parent
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                raise StateError(
                    f"cannot create the state database {self.file}: its folder {folder} does "
                    "not exist or this user may not write there"
                )
            return
        self.schema_version()

    def explain(self, exc: SQLAlchemyError) -> str:
        """What ``exc`` means for the person running calsync (never the SQL or its values)."""
        cause = getattr(exc, "orig", None) or exc
        detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        if self.file is None:
            return f"cannot use the state database {self.name}: {detail}"
        text = detail.lower()
        folder = self.file.parent
        if "locked" in text or "busy" in text:
            return (
                f"the state database {self.file} stayed locked by another process for more "
                f"than {self.busy_timeout:g} s (another calsync, a backup or an sqlite3 shell "
                "writing to it); try again later. If it lasts, find the process holding it "
                f"(fuser {self.file}), or raise busy_timeout_seconds in [state]"
            )
        if "readonly" in text or "read-only" in text:
            return self._read_only()
        if "unable to open" in text:
            return (
                f"cannot open the state database {self.file}: its folder {folder} does not "
                "exist or this user may not write there"
            )
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return (
                f"{self.file} is not a usable calsync state database (damaged, truncated or "
                "another program's file): restore it from a backup, or point `state` at a "
                "new file; calsync then adopts the existing counterparts instead of "
                "duplicating them"
            )
        return f"cannot use the state database {self.file}: {detail}"

    def _read_only(self) -> str:
        assert self.file is not None
        return (
            f"the state database {self.file} is read-only for this user: give the user "
            f"running calsync write access to it and to its folder {self.file.parent} "
            f"(SQLite writes {self.file.name}-wal and {self.file.name}-shm beside it)"
        )

    def dispose(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def _sqlite_file(parsed: URL | None) -> Path | None:
    if parsed is None or parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _create_private(file: Path) -> None:
    """Create a new SQLite file readable by its owner only: its issue rows hold subjects.

    SQLite gives the ``-wal`` and ``-shm`` files it creates beside it the same permissions.
    A file that exists is left as its owner set it.
    """
    try:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        pass  # a folder that does not exist: SQLite's own error says so, translated


def _sqlite_events(engine: Engine) -> None:
    """Write-ahead logging, and ``BEGIN IMMEDIATE`` for the transactions that write."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _: Any) -> None:
        # pysqlite would begin transactions itself, lazily and deferred; calsync begins them.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE, True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _with_driver(parsed: URL) -> URL:
    """``postgresql://`` through psycopg 3 (what ``calsync[postgresql]`` installs).

    SQLAlchemy takes a bare ``postgresql://`` to mean psycopg2; a URL naming its driver
    (``postgresql+psycopg2://``) is left as it is.
    """
    if parsed.drivername == "postgresql" and importlib.util.find_spec("psycopg") is not None:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed
