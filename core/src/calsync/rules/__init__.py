"""The documented sync exceptions as small, pure rules.

A rule looks at one changed item (and what the engine knows about it) and either has no
objection (``None``), leaves the item out silently (:class:`Skip`), or leaves it out with
an issue (:class:`Refuse`). The engine runs :data:`UP_RULES` on mailbox items and
:data:`DOWN_RULES` on CRM items, in order; the first objection wins. Each rule names the
``EX-nn`` entry of ``docs/exceptions.md`` it implements.

Exceptions that are about shaping rather than refusing an item (EX-12, EX-13 people links,
EX-16 and EX-17 field precedence, EX-18 prevented operations, EX-19 zone substitution)
live in :mod:`calsync.engine.shape`; those about the pass itself (EX-06, EX-08 series,
EX-09 organizers, EX-22..28) in the engine.
"""

from __future__ import annotations

from calsync.rules.base import Decision, Refuse, RuleContext, Skip
from calsync.rules.kinds import (
    event_series_model,
    inexpressible_series,
    recurring_all_day,
    recurring_disabled,
    series_conversion,
    special_kinds,
    too_long,
)
from calsync.rules.modes import appointments, designation, match_mode
from calsync.rules.privacy import kept_private, private_items

__all__ = [
    "DOWN_RULES",
    "UP_RULES",
    "Decision",
    "Refuse",
    "RuleContext",
    "Skip",
    "evaluate",
    "kept_private",
]

#: Mailbox -> CRM, in the order they apply.
UP_RULES = (
    private_items,
    special_kinds,
    too_long,
    recurring_all_day,
    recurring_disabled,
    inexpressible_series,
    series_conversion,
    designation,
    appointments,
    match_mode,
)

#: CRM -> mailbox, in the order they apply.
DOWN_RULES = (
    private_items,
    event_series_model,
    recurring_all_day,
    recurring_disabled,
    series_conversion,
)


def evaluate(rules: tuple[object, ...], context: RuleContext) -> Decision:
    """Run ``rules`` in order and return the first objection, or ``None``."""
    for rule in rules:
        decision = rule(context)  # type: ignore[operator]
        if decision is not None:
            return decision  # type: ignore[no-any-return]
    return None
