"""The marker's detail as the person reads it: a delimited block at the end of the description.

Google Calendar has no categories, so the detail of a marker goes where the person reads
it, the description, as a block after a delimiter line::

    <the person's description>

    ─── calsync ───
    Sync Error: The time zone ... has no equivalent the CRM supports: Kickoff

The reader removes everything from the delimiter on (and the blank lines or ``<br>`` before
it), so the body the engine sees never contains marker text, even after Google's web UI
turned the description into HTML.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DELIMITER", "detail_of", "strip_marker", "with_marker"]

DELIMITER: Final = "─── calsync ───"
_BLOCK = re.compile(
    r"(?:\s|<br\s*/?>|&nbsp;)*(?:<[^>]+>)*" + re.escape(DELIMITER) + r".*\Z",
    re.DOTALL | re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]+>")


def strip_marker(description: str) -> str:
    """The description without calsync's marker block."""
    return _BLOCK.sub("", description)


def with_marker(description: str, detail_label: str) -> str:
    """The description with the marker block (any older block replaced)."""
    own = strip_marker(description)
    block = f"{DELIMITER}\n{detail_label}"
    return f"{own}\n\n{block}" if own else block


def detail_of(description: str) -> str | None:
    """The marker's detail line, when the description carries a marker block."""
    at = description.find(DELIMITER)
    if at < 0:
        return None
    rest = _TAGS.sub("\n", description[at + len(DELIMITER) :])
    lines = [line.strip() for line in rest.splitlines() if line.strip()]
    return lines[0] if lines else None
