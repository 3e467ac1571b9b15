"""The ``state`` key: the state database's URL, or a ``[state]`` table with how to use it.

A relative SQLite path is resolved against the configuration file's folder, so every
command finds the same database wherever it is run from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final, final

from calsync.config.structure import structure

__all__ = [
    "DEFAULT_STATE_URL",
    "MAX_BUSY_TIMEOUT",
    "MAX_HISTORY_DAYS",
    "StateOptions",
    "state_table",
]

DEFAULT_STATE_URL: Final = "sqlite:///calsync.db"
#: A pass waiting longer than this for the database would be better told to try again.
MAX_BUSY_TIMEOUT: Final = 600
#: Ten years: timedelta and the databases handle that comfortably.
MAX_HISTORY_DAYS: Final = 3650


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class StateOptions:
    """How the state database is used (``[state]``, besides its ``url``)."""

    #: SQLite: seconds to wait for another process's write lock before the command stops.
    busy_timeout_seconds: float = 30.0
    #: Days the rows of past passes are kept (statistics look back one day).
    keep_history_days: int = 30

    def __post_init__(self) -> None:
        """Refuse values that would make calsync fail or misbehave later."""
        if not 0 < self.busy_timeout_seconds <= MAX_BUSY_TIMEOUT:
            raise ValueError(
                f"busy_timeout_seconds must be more than 0 and at most {MAX_BUSY_TIMEOUT}"
            )
        if not 1 <= self.keep_history_days <= MAX_HISTORY_DAYS:
            raise ValueError(f"keep_history_days must be between 1 and {MAX_HISTORY_DAYS}")

    @property
    def keep_history(self) -> timedelta:
        """How long past passes are kept."""
        return timedelta(days=self.keep_history_days)


def state_table(value: object, path: Path | None, problems: list[str]) -> tuple[str, StateOptions]:
    """The database URL (a relative SQLite file made absolute) and how to use it."""
    options = StateOptions()
    if isinstance(value, dict):
        table = dict(value)
        url = table.pop("url", DEFAULT_STATE_URL)
        found, found_problems = structure(table, StateOptions, "state")
        # ``url`` is read here, not by StateOptions: name it among the keys a table knows.
        problems += [p.replace("known keys: ", "known keys: url, ", 1) for p in found_problems]
        options = found or options
        where = "state.url"
    else:
        url, where = value, "state"
    if not isinstance(url, str):
        problems.append(f"{where}: expected a database URL such as {DEFAULT_STATE_URL!r}")
        return DEFAULT_STATE_URL, options
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        problems.append(
            f"{where}: {url!r} is not a database URL calsync can use "
            f"(e.g. {DEFAULT_STATE_URL!r} or 'postgresql://user@host/calsync')"
        )
        return url, options
    database = parsed.database or ""
    if (
        parsed.get_backend_name() != "sqlite"
        or database in ("", ":memory:")
        or database.startswith("file:")
    ):
        return url, options
    file = Path(database)
    if path is not None and not file.is_absolute():
        # The file sits beside the configuration, wherever the command is run from.
        file = (path.parent / database).resolve()
        url = parsed.set(database=str(file)).render_as_string(hide_password=False)
    if file.is_dir():
        # SQLite would say it cannot open the file, as if the folder were missing.
        problems.append(
            f"{where}: {file} is a folder; name a file in it, e.g. 'sqlite:///{file / 'calsync.db'}'"
        )
    return url, options
