"""EX-01: private items stay where they are."""

from __future__ import annotations

from calsync.policy import PrivateItems
from calsync.rules.base import Decision, RuleContext, Skip


def private_items(context: RuleContext) -> Decision:
    """EX-01: a private item is not synced unless the policy says ``private_items = "sync"``.

    Silently: no issue, no marker, nothing of the item recorded anywhere.
    """
    if context.item.is_private and context.policy.private_items is PrivateItems.SKIP:
        return Skip(reason="private")
    return None
