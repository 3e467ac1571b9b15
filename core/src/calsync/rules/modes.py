"""Which mailbox items go to the CRM: modes, the ignore list, appointments (EX-14, EX-15)."""

from __future__ import annotations

from calsync.policy import SyncMode
from calsync.providers import PersonKind
from calsync.rules.base import Decision, Refuse, RuleContext, Skip


def designation(context: RuleContext) -> Decision:
    """EX-15: in Designate mode only the items the person designated sync."""
    policy = context.policy
    if (
        policy.mode is SyncMode.DESIGNATE
        and policy.designate_category not in context.item.categories
    ):
        return Skip(reason="not designated")
    return None


def appointments(context: RuleContext) -> Decision:
    """EX-14: a mailbox appointment syncs only if its owner is not ignored, never in Match mode."""
    if not context.item.is_appointment:
        return None
    if context.policy.mode is SyncMode.MATCH:
        return Refuse(code="UNRESOLVED", params={"subject": context.item.subject})
    if context.policy.is_ignored(context.owner):
        return Skip(reason="appointment of an ignored owner")
    return None


def match_mode(context: RuleContext) -> Decision:
    """EX-15: in Match mode an item syncs only if a non-ignored participant is a contact or lead.

    Otherwise it is listed as unresolved.
    """
    if context.policy.mode is not SyncMode.MATCH:
        return None
    for address in context.participants:
        if context.policy.is_ignored(address):
            continue
        if any(
            m.kind in (PersonKind.CONTACT, PersonKind.LEAD)
            for m in context.matches.get(address, ())
        ):
            return None
    return Refuse(code="UNRESOLVED", params={"subject": context.item.subject})
