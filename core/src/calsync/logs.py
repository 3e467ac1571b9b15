"""What every log record of a pass carries: the mailbox and the pass's correlation id.

The engine opens a :func:`pass_context` around each mailbox pass; :class:`ContextFilter`
stamps every record logged meanwhile (by calsync, a plugin or a client library) with
``mailbox`` and ``correlation_id``, so a JSON log line can be traced to its pass, and an
``INTERNAL_ERROR`` issue's correlation id finds its traceback in the log.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["ContextFilter", "correlation_id", "log_pass", "new_correlation_id", "pass_context"]

_mailbox: ContextVar[str | None] = ContextVar("calsync_mailbox", default=None)
_correlation: ContextVar[str | None] = ContextVar("calsync_correlation_id", default=None)


def new_correlation_id() -> str:
    """A short random id to quote in a report and find in the log."""
    return uuid.uuid4().hex[:12]


def correlation_id() -> str | None:
    """The correlation id of the pass running now, if one is."""
    return _correlation.get()


@contextmanager
def pass_context(mailbox: str) -> Iterator[str]:
    """Tag log records with ``mailbox`` and a new correlation id (yielded) until exit."""
    value = new_correlation_id()
    tokens = (_mailbox.set(mailbox), _correlation.set(value))
    try:
        yield value
    finally:
        _mailbox.reset(tokens[0])
        _correlation.reset(tokens[1])


def log_pass(
    logger: logging.Logger,
    mailbox: str,
    *,
    outcome: str,
    synced_up: int,
    synced_down: int,
    open_issues: int,
    calls: Mapping[str, int],
    seconds: float,
) -> None:
    """The one INFO line that says what a mailbox's pass did (its figures as record fields)."""
    logger.info(
        "%s: pass %s, up %d, down %d, open issues %d, calls %d (mailbox %d, CRM %d), %.2f s",
        mailbox,
        outcome,
        synced_up,
        synced_down,
        open_issues,
        sum(calls.values()),
        calls.get("mailbox", 0),
        calls.get("crm", 0),
        seconds,
        extra={
            "outcome": outcome,
            "synced_up": synced_up,
            "synced_down": synced_down,
            "open_issues": open_issues,
            "calls": dict(calls),
            "seconds": seconds,
        },
    )


class ContextFilter(logging.Filter):
    """Adds ``mailbox`` and ``correlation_id`` (``None`` outside a pass) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp ``record``; never drops it."""
        if not hasattr(record, "mailbox"):
            record.mailbox = _mailbox.get()
        if not hasattr(record, "correlation_id"):
            record.correlation_id = _correlation.get()
        return True
