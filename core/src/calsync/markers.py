"""Markers: the error flag a person sees on a mailbox item that could not sync.

A :class:`Marker` is what must be shown; each mailbox provider renders it its own way:

* Outlook / Exchange: two categories, a red ``"Sync Error"`` category and a colourless
  detail category ``"Sync Error: <detail>"``, registered in the mailbox's master category
  list with those colours;
* Google Calendar: the event's colour set to red (``colorId`` 11), the person's own colour
  restored when the marker is removed, and the detail kept where the person can read it;
* Gmail: a ``"Sync Error"`` label nested under a configurable parent.

Markers are added when an item-level issue opens on a mailbox item and removed when it
resolves (EX-26). Rendering never touches the person's own categories, labels or colour
beyond what it restores.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, final

__all__ = [
    "DEFAULT_TITLE",
    "MAX_LABEL_LENGTH",
    "Marker",
    "MarkerChange",
    "is_marker_label",
    "own_categories",
]

#: The flag's text; integrators may configure another (e.g. a translated one).
DEFAULT_TITLE: Final = "Sync Error"
#: Outlook categories and Gmail labels are short; longer detail is cut with an ellipsis.
MAX_LABEL_LENGTH: Final = 100


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Marker:
    """What a person must see on an item: the flag, the issue code and a one-line detail."""

    #: The issue code (see :mod:`calsync.issues`).
    code: str
    #: One line saying what went wrong, in the catalogue's words.
    detail: str
    title: str = DEFAULT_TITLE

    @property
    def detail_label(self) -> str:
        """The detail as a category or label name: ``"<title>: <detail>"``, cut to length."""
        text = f"{self.title}: {' '.join(self.detail.split())}"
        if len(text) <= MAX_LABEL_LENGTH:
            return text
        return text[: MAX_LABEL_LENGTH - 1].rstrip() + "…"

    @property
    def labels(self) -> tuple[str, str]:
        """The flag label and the detail label, in that order."""
        return (self.title, self.detail_label)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MarkerChange:
    """Put ``marker`` on the mailbox item ``item_id``, or remove any marker when it is ``None``."""

    item_id: str
    marker: Marker | None


def is_marker_label(label: str, title: str = DEFAULT_TITLE) -> bool:
    """Whether ``label`` is one calsync put there (the flag or a detail label)."""
    return label == title or label.startswith(f"{title}: ")


def own_categories(categories: Iterable[str], title: str = DEFAULT_TITLE) -> tuple[str, ...]:
    """The person's own categories: everything except calsync's marker labels, order kept."""
    return tuple(c for c in categories if not is_marker_label(c, title))
