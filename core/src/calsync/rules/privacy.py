"""EX-01: private items stay where they are."""

from __future__ import annotations

from calsync.model import CalendarItem
from calsync.policy import Policy, PrivateItems
from calsync.rules.base import Decision, RuleContext, Skip

__all__ = ["kept_private", "private_items"]


def kept_private(item: CalendarItem, policy: Policy) -> bool:
    """Whether nothing of ``item`` may leave its side: it is private and the policy skips those.

    The engine asks this before anything about the item reaches the other side's service —
    the people lookup, adoption, planning — not only when deciding whether to write it.
    """
    return item.is_private and policy.private_items is PrivateItems.SKIP


def private_items(context: RuleContext) -> Decision:
    """EX-01: a private item is not synced unless the policy says ``private_items = "sync"``.

    Silently: no issue, no marker, nothing of the item recorded anywhere.
    """
    if kept_private(context.item, context.policy):
        return Skip(reason="private")
    return None
