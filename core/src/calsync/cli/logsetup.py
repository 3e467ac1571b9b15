"""Logging for the command line: one line per record on stderr, or JSON lines for machines.

Every record carries the mailbox and the correlation id of the pass it belongs to
(:mod:`calsync.logs`). Tracebacks are shown only with ``-v``: without it a record that
has one says so at its end, so its correlation id is what a user quotes.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Final

from calsync.logs import ContextFilter

__all__ = ["LOG_FORMATS", "setup_logging", "verbosity"]

LOG_FORMATS: Final = ("text", "json")
#: What the engine's per-pass log record carries besides its message (JSON log fields).
PASS_FIELDS: Final = ("outcome", "synced_up", "synced_down", "open_issues", "calls", "seconds")
#: Client libraries whose own INFO chatter (HTTP connections...) waits for -vv.
CHATTY: Final = ("urllib3", "exchangelib", "googleapiclient", "simple_salesforce", "httpx")

_verbosity = 0


def verbosity() -> int:
    """How many ``-v`` the command line was given."""
    return _verbosity


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, a redirect)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """The stream is always the current stderr."""


class _Formatter(logging.Formatter):
    def __init__(self, tracebacks: bool) -> None:
        super().__init__()
        self.tracebacks = tracebacks


class _TextFormatter(_Formatter):
    """``2026-12-02T16:39:46.123+00:00 WARNING calsync.engine [alice 3f2a…]: message``."""

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


class _JsonFormatter(_Formatter):
    """One JSON object per line: time, level, logger, message, mailbox, correlation_id."""

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
        if record.exc_info and record.exc_info[0] is not None:
            document["error"] = record.exc_info[0].__name__
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
    handler = _Stderr()
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
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING if verbose < 2 else logging.NOTSET)
