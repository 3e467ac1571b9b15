"""``partial``: a case that ran, but a capability gate skipped part of it.

A case gates a part of itself with :meth:`Scenario.supports
<calsync_conformance.scenario.Scenario.supports>`; when the provider lacks the capability the
part is skipped and named. The test still passes for pytest, but reports ``partial`` (letter
``P``) on the terminal, and the matrix shows ``partial`` with the skipped parts, so a pass
never hides what was not tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pytest

__all__ = ["PARTIAL", "partial_of", "record_partial"]

#: The outcome's name, in the matrix and on the terminal.
PARTIAL: Final = "partial"
_KEY: Final = "calsync-conformance-skipped-parts"


def record_partial(node: pytest.Item, skipped: Sequence[str]) -> None:
    """Note on the test the parts of it that were skipped (nothing when none was)."""
    if skipped:
        node.user_properties.append((_KEY, "; ".join(skipped)))


def partial_of(report: pytest.TestReport) -> str | None:
    """The skipped parts of a passed test, or ``None`` when it ran whole."""
    if report.when != "call" or not report.passed:
        return None
    return next((str(value) for key, value in report.user_properties if key == _KEY), None)
