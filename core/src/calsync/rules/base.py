"""What rules decide and what they decide it from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, final

from calsync.model import CalendarItem
from calsync.policy import Direction, Policy
from calsync.providers import CrmFeatures, PersonMatch
from calsync.state.records import LinkKind

__all__ = ["Decision", "Refuse", "RuleContext", "Skip"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Skip:
    """Leave the item out silently: no issue, no marker (EX-01, EX-15 Designate, EX-18)."""

    reason: str


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Refuse:
    """Leave the item out and record issue ``code`` with ``params`` for its message."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


#: A rule's answer: no objection, skip silently, or refuse with an issue.
Decision = Skip | Refuse | None


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext:
    """Everything a rule may look at; rules never call a provider."""

    item: CalendarItem
    direction: Direction
    policy: Policy
    features: CrmFeatures
    #: The mailbox owner's address.
    owner: str
    #: How the item was synced before (``None`` if never).
    linked_as: LinkKind | None = None
    #: CRM contacts and leads matching the item's participants, by address.
    matches: Mapping[str, tuple[PersonMatch, ...]] = field(default_factory=dict)

    @property
    def participants(self) -> tuple[str, ...]:
        """Everyone on the item except the owner, in the item's order."""
        return tuple(a for a in self.item.people if a != self.owner)
