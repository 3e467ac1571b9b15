"""Keeping calendar contents out of the logs exchangelib writes.

exchangelib logs every SOAP request and answer in full at DEBUG level (subjects, bodies and
attendees of private items included), and the request XML along with unexpected errors.
calsync promises that private items leave no trace (EX-01), so :func:`protect_logs`:

* sets the ``exchangelib`` logger to INFO when nobody configured it (a deliberate
  ``logging.getLogger("exchangelib").setLevel(logging.DEBUG)`` is respected);
* blanks the SOAP documents out of the error records of ``exchangelib.util``.
"""

from __future__ import annotations

import logging
import threading
from typing import Final

__all__ = ["protect_logs"]

_MARKERS: Final = ("Request XML:", "Response XML:", "<?xml", "<s:Envelope")
_lock = threading.Lock()


class _OmitXml(logging.Filter):
    """Replace log arguments that carry SOAP documents."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, its XML arguments blanked."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                "[SOAP XML omitted]" if isinstance(a, str | bytes) and _has_xml(a) else a
                for a in record.args
            )
        return True


def _has_xml(value: str | bytes) -> bool:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return any(marker in text for marker in _MARKERS)


_FILTER: Final = _OmitXml()


def protect_logs() -> None:
    """Install the guards (idempotent)."""
    with _lock:
        root = logging.getLogger("exchangelib")
        if root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        for name in ("exchangelib.util", "exchangelib.services.common"):
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
