"""One scenario per documented exception for the demo, grouped as docs/exceptions.md groups them.

Each says what the demo seeds, what people then change, and how the outcome is checked:
always through the harnesses, on the services themselves.
"""

from __future__ import annotations

from calsync.demo.organisation import Organisation
from calsync.demo.scenarios import errors, people, what_syncs
from calsync.demo.scenarios.base import Scenario, Verdict, View

__all__ = ["SCENARIOS", "Scenario", "Verdict", "View", "prepare"]

#: Every scenario, in ``EX-nn`` order.
SCENARIOS: list[Scenario] = [*what_syncs.SCENARIOS, *people.SCENARIOS, *errors.SCENARIOS]


def prepare(org: Organisation) -> None:
    """Org-wide settings the scenarios rely on (EX-20, EX-21)."""
    org.crm.deny_field("location")
    org.crm.add_validation_rule(
        message="Internal meetings do not belong in Salesforce", subject_contains="internal"
    )
