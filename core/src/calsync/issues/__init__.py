"""Issues: the catalogue of codes, what a code is, and a recorded occurrence of one.

The catalogue is :mod:`.catalogue`, the value types :mod:`.definitions`, the issue log's
entries :mod:`.recorded`.

Each :class:`IssueDefinition` has a stable code (the contract of ``docs/exceptions.md``),
a severity (one item, or the whole mailbox), a disposition (what the engine does about it),
the side it usually comes from, a message template and advice in plain words. An
:class:`Issue` is one recorded occurrence of a code in a mailbox's issue log.
"""

from __future__ import annotations

from calsync.issues.catalogue import CATALOGUE, definition
from calsync.issues.definitions import (
    ADVICE_CONTEXT,
    Disposition,
    IssueDefinition,
    Severity,
    Source,
)
from calsync.issues.recorded import ORGANISATION, PRIVATE_ITEM, Issue, named

__all__ = [
    "ADVICE_CONTEXT",
    "CATALOGUE",
    "ORGANISATION",
    "PRIVATE_ITEM",
    "Disposition",
    "Issue",
    "IssueDefinition",
    "Severity",
    "Source",
    "definition",
    "named",
]
