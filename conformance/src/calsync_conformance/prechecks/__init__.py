"""Named pre-checks of the provider and harness contracts, run before the EX cases."""

from calsync_conformance.prechecks import checks  # noqa: F401 - registers every pre-check
from calsync_conformance.prechecks.registry import (
    GUIDE,
    PRECHECKS,
    PreCheck,
    RuleBroken,
    prechecks_for,
)

__all__ = ["GUIDE", "PRECHECKS", "PreCheck", "RuleBroken", "prechecks_for"]
