"""Options and helpers shared by the commands that work on a configuration."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from calsync.api import Calsync
from calsync.logs import ContextFilter

__all__ = [
    "LOG_FORMATS",
    "config_option",
    "json_option",
    "mailbox_option",
    "open_app",
    "selection_options",
    "setup_logging",
    "verbosity",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Where the configuration is looked for when --config is not given.
DEFAULT_CONFIG = "calsync.toml"
LOG_FORMATS: Final = ("text", "json")
#: What the engine's per-pass log record carries besides its message (JSON log fields).
PASS_FIELDS: Final = ("outcome", "synced_up", "synced_down", "open_issues", "calls", "seconds")


def config_option(function: F) -> F:
    """``--config FILE`` (default: $CALSYNC_CONFIG or ./calsync.toml)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=lambda: os.environ.get("CALSYNC_CONFIG", DEFAULT_CONFIG),
        show_default="$CALSYNC_CONFIG or calsync.toml",
        help="The configuration file (TOML).",
    )(function)


def json_option(function: F) -> F:
    """``--json``."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")(
        function
    )


def mailbox_option(required: bool = False) -> Callable[[F], F]:
    """``--mailbox NAME`` (repeatable; the values arrive as a tuple)."""
    return click.option(
        "--mailbox",
        "mailboxes",
        multiple=True,
        required=required,
        metavar="NAME",
        help="A mailbox's name in the configuration (repeatable).",
    )


def selection_options(function: F) -> F:
    """``--mailbox NAME`` (repeatable), ``--all``, ``--code CODE``: which mailboxes to act on."""
    from calsync.issues import CATALOGUE

    function = click.option(
        "--code",
        type=click.Choice(sorted(CATALOGUE)),
        help="Only mailboxes with an open issue of this code (of those chosen, or of all).",
    )(function)
    function = click.option(
        "--all", "every", is_flag=True, help="Every mailbox in the configuration."
    )(function)
    return mailbox_option()(function)


def open_app(config_path: Path) -> Calsync:
    """Load the configuration and open its state database."""
    return Calsync.from_file(config_path)


_verbosity = 0


def verbosity() -> int:
    """How many ``-v`` the command line was given."""
    return _verbosity


class _TextFormatter(logging.Formatter):
    """``2026-12-02T16:39:46+00:00 WARNING calsync.engine [alice 3f2a…]: message``.

    Without ``-v`` a traceback is left out (one line per record, with its correlation id).
    """

    def __init__(self, tracebacks: bool) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(
            str(v)
            for v in (getattr(record, "mailbox", None), getattr(record, "correlation_id", None))
            if v
        )
        line = (
            f"{_when(record)} {record.levelname} {record.name}"
            f"{f' [{context}]' if context else ''}: {record.getMessage()}"
        )
        if record.exc_info and self.tracebacks:
            line += "\n" + self.formatException(record.exc_info)
        elif record.exc_info:
            line += " (run with -v for the traceback)"
        return line


class _JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, mailbox, correlation_id."""

    def __init__(self, tracebacks: bool) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": _when(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "mailbox": getattr(record, "mailbox", None),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        for key in PASS_FIELDS:
            if hasattr(record, key):
                document[key] = getattr(record, key)
        if record.exc_info:
            document["error"] = f"{record.exc_info[0].__name__ if record.exc_info[0] else ''}"
            if self.tracebacks:
                document["traceback"] = self.formatException(record.exc_info)
        return json.dumps(document, default=str)


def _when(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def setup_logging(verbose: int, log_format: str = "text") -> None:
    """Log to stderr: warnings; ``-v`` one line per mailbox pass; ``-vv`` debug.

    Tracebacks only with ``-v``. Never item content or secrets (calsync does not log them).
    """
    global _verbosity
    _verbosity = verbose
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    tracebacks = verbose > 0
    handler.setFormatter(
        _JsonFormatter(tracebacks) if log_format == "json" else _TextFormatter(tracebacks)
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_calsync", False)]:
        root.removeHandler(old)
    handler._calsync = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    if verbose < 2:
        # Client libraries' own INFO chatter (HTTP connections...) waits for -vv.
        for name in ("urllib3", "exchangelib", "googleapiclient", "simple_salesforce", "httpx"):
            logging.getLogger(name).setLevel(logging.WARNING)


def names_of(app: Calsync, chosen: Sequence[str]) -> list[str]:
    """The configured names of the mailboxes ``chosen`` (all when none): unknown ones are usage errors."""
    if not chosen:
        return [m.name for m in app.config.mailboxes]
    return list(dict.fromkeys(app.config.mailbox(name).name for name in chosen))
