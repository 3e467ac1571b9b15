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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar, final

__all__ = [
    "DEFAULT_TITLE",
    "MAX_LABEL_LENGTH",
    "Marker",
    "MarkerChange",
    "MarkerLabels",
    "Recolour",
    "is_marker_label",
    "own_categories",
    "recolour",
]

_C = TypeVar("_C")

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


class MarkerLabels:
    """Marker labels on one mailbox's items: which are the person's own, which a change leaves.

    For a provider that shows a marker as labels (Outlook categories, say).

    Every marker title seen is remembered, so that a marker shown under a configured title
    is still recognised, and never taken for the person's own label, when it is removed.
    """

    def __init__(self) -> None:
        """Know the default title from the start."""
        self.titles: set[str] = {DEFAULT_TITLE}

    def learn(self, changes: Iterable[MarkerChange]) -> None:
        """Remember the titles of the markers ``changes`` show (before reading any labels)."""
        self.titles.update(c.marker.title for c in changes if c.marker is not None)

    def own(self, labels: Iterable[str]) -> list[str]:
        """The person's own labels among ``labels``, order kept."""
        return [
            label for label in labels if not any(is_marker_label(label, t) for t in self.titles)
        ]

    def after(self, labels: Sequence[str], marker: Marker | None) -> list[str]:
        """The labels an item has once ``marker`` is shown (removed for ``None``) on it."""
        return self.own(labels) + (list(marker.labels) if marker is not None else [])

    @staticmethod
    def colours(changes: Iterable[MarkerChange], *, flag: _C, detail: _C) -> Mapping[str, _C]:
        """Each label the ``changes`` show, with its colour: ``flag`` or ``detail``.

        For a mailbox that keeps its labels' colours in a list of its own (Outlook's master
        category list): the flag label is shown in ``flag``, the detail label in ``detail``.
        """
        found: dict[str, _C] = {}
        for change in changes:
            if change.marker is not None:
                found[change.marker.title], found[change.marker.detail_label] = flag, detail
        return found


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Recolour:
    """How an item's colour changes when a marker is shown or removed.

    :param colour: the colour to write when :attr:`changes` (``None``: the calendar's own).
    :param changes: whether the colour must be written at all.
    :param kept: the person's own colour to keep while the marker shows (``""``: the
        calendar's own); ``None`` once no marker shows.
    """

    colour: str | None
    changes: bool
    kept: str | None


def recolour(colour: str | None, kept: str | None, *, showing: bool, red: str) -> Recolour:
    """Show a marker's colour over the person's own, or give theirs back.

    For a provider that shows a marker by colouring the item (Google Calendar's ``colorId``)
    and keeps the person's colour beneath it, in a property of the item.

    :param colour: the item's colour now (``None``: the calendar's own).
    :param kept: the own colour kept beneath a marker shown now, ``None`` when none shows.
    :param showing: a marker is to be shown (``False``: removed).
    :param red: the marker's colour.

    Showing keeps the own colour only the first time (a changed marker must not keep the
    marker's own red as the person's); removing gives it back only while the item still
    shows the marker's colour (a colour the person chose meanwhile is theirs to keep).
    """
    if showing:
        return Recolour(
            colour=red, changes=colour != red, kept=(colour or "") if kept is None else kept
        )
    back = colour == red and kept is not None
    return Recolour(colour=(kept or None) if back else colour, changes=back, kept=None)
