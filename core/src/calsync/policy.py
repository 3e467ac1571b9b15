"""The policy: the settings of ``docs/exceptions.md`` that change what syncs and how.

A :class:`Policy` is set once in the configuration (``[policy]``) and may be overridden per
mailbox. It is a frozen value; the rules read it and never change it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import final

from calsync.markers import DEFAULT_TITLE

__all__ = [
    "Direction",
    "Operation",
    "Policy",
    "PrivateItems",
    "RecurrenceStrategy",
    "SyncMode",
]


class SyncMode(enum.StrEnum):
    """Which mailbox items go to the CRM (EX-14, EX-15)."""

    #: Every item syncs; ignored addresses are just never linked.
    SYNC_ALL = "sync-all"
    #: An item syncs only when a non-ignored participant matches a CRM contact or lead.
    MATCH = "match"
    #: Only the items the person designated (a category or label) sync.
    DESIGNATE = "designate"


class PrivateItems(enum.StrEnum):
    """What happens to private items (EX-01)."""

    #: Private items are left alone entirely: nothing of them leaves their side.
    SKIP = "skip"
    #: Private items sync, marked private on the CRM side and linked to no one.
    SYNC = "sync"


class RecurrenceStrategy(enum.StrEnum):
    """How a recurring series is mirrored (EX-08)."""

    #: The series syncs as a series.
    SERIES = "series"
    #: Every occurrence syncs as its own single item.
    INSTANCES = "instances"


class Direction(enum.StrEnum):
    """Which way a change travels."""

    #: Mailbox to CRM.
    UP = "up"
    #: CRM to mailbox.
    DOWN = "down"


class Operation(enum.StrEnum):
    """A write the sync can make on one side."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


def _both() -> frozenset[Direction]:
    return frozenset(Direction)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """The sync settings for one mailbox."""

    mode: SyncMode = SyncMode.SYNC_ALL
    #: Addresses (``bob@example.com``) and domains (``example.com``) never linked to CRM
    #: records; in Match mode they do not count as matches either.
    ignore: frozenset[str] = frozenset()
    #: The category or label a person sets to designate an item (Designate mode).
    designate_category: str = "CRM"
    private_items: PrivateItems = PrivateItems.SKIP
    #: Whether recurring series sync at all (EX-03).
    recurring_items: bool = True
    recurrence: RecurrenceStrategy = RecurrenceStrategy.SERIES
    #: The directions that sync (both by default).
    directions: frozenset[Direction] = field(default_factory=_both)
    #: Operations not made in a direction (EX-18), e.g. ``{UP: {DELETE}}``.
    prevent: Mapping[Direction, frozenset[Operation]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: The text of the marker's flag.
    marker_title: str = DEFAULT_TITLE

    def __post_init__(self) -> None:
        """Normalise the ignore list to lower case and freeze the prevent table."""
        object.__setattr__(self, "ignore", frozenset(_normalise(self.ignore)))
        object.__setattr__(
            self,
            "prevent",
            MappingProxyType({Direction(d): frozenset(ops) for d, ops in self.prevent.items()}),
        )

    def is_ignored(self, address: str) -> bool:
        """Whether ``address`` or its domain is on the ignore list."""
        address = address.strip().lower()
        domain = address.rsplit("@", 1)[-1]
        return address in self.ignore or domain in self.ignore

    def syncs(self, direction: Direction) -> bool:
        """Whether changes travel in ``direction`` at all."""
        return direction in self.directions

    def allows(self, direction: Direction, operation: Operation) -> bool:
        """Whether ``operation`` may be made in ``direction`` (EX-18)."""
        return self.syncs(direction) and operation not in self.prevent.get(direction, frozenset())


def _normalise(entries: Iterable[str]) -> Iterable[str]:
    for entry in entries:
        entry = entry.strip().lower()
        yield entry[1:] if entry.startswith("@") else entry
