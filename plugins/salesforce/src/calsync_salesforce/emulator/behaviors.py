"""Which server behaviour applies to which sObject."""

from __future__ import annotations

from calsync_salesforce.emulator.behavior_base import Behavior, PersonBehavior
from calsync_salesforce.emulator.event_rules import EventBehavior
from calsync_salesforce.emulator.relation_rules import EventRelationBehavior

_DEFAULT = Behavior()
_BEHAVIORS: dict[str, Behavior] = {
    "Event": EventBehavior(),
    "EventRelation": EventRelationBehavior(),
    "User": PersonBehavior(),
    "Contact": PersonBehavior(),
    "Lead": PersonBehavior(),
}


def behavior_for(sobject: str) -> Behavior:
    """Return the behaviour of ``sobject`` (the default one does nothing special)."""
    return _BEHAVIORS.get(sobject, _DEFAULT)
