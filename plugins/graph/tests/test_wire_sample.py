"""PRE-wire catches a conversion mistake the Graph harness shares with the provider.

The harness seeds and reads events with the provider's own ``to_graph`` and ``to_core``.
Here both are wrong by an hour, one each way: every time round-trips, so the EX cases still
pass; only the comparison with the event resource Graph documents fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import calsync_graph.harness as harness_module
import calsync_graph.reading as reading_module
import calsync_graph.writing as writing_module
from calsync.model import CalendarItem
from calsync.providers import Role
from calsync.sandbox.harness import SandboxCrmHarness
from calsync_conformance import CASES
from calsync_conformance.prechecks import PRECHECKS, RuleBroken
from calsync_conformance.scenario import Scenario
from calsync_graph.harness import GraphHarness

HOUR = timedelta(hours=1)


def shifted_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write every time an hour late, read every time an hour early."""
    write, read = writing_module.to_graph, reading_module.to_core

    def late(item: CalendarItem, *args: Any, **kwargs: Any) -> Any:
        return write(item.evolve(start=item.start + HOUR, end=item.end + HOUR), *args, **kwargs)  # type: ignore[operator]

    def early(*args: Any, **kwargs: Any) -> CalendarItem:
        item = read(*args, **kwargs)
        return item.evolve(start=item.start - HOUR, end=item.end - HOUR)  # type: ignore[operator]

    for module, name, fake in (
        (writing_module, "to_graph", late),
        (harness_module, "to_graph", late),
        (reading_module, "to_core", early),
        (harness_module, "to_core", early),
    ):
        monkeypatch.setattr(module, name, fake)


def run(check: Callable[[Scenario], None], tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    scenario = Scenario(
        role=Role.MAILBOX, mail=GraphHarness(), crm=SandboxCrmHarness(), workdir=tmp_path
    )
    try:
        check(scenario)
    finally:
        scenario.close()


def test_a_symmetric_mistake_passes_a_case_but_fails_pre_wire(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shifted_both_ways(monkeypatch)
    run(CASES["EX-19"].run, tmp_path / "case")  # the instant round-trips: the case passes
    with pytest.raises(RuleBroken) as broken:
        run(PRECHECKS["PRE-wire"].check, tmp_path / "precheck")
    assert (
        "the provider wrote start.dateTime '2027-06-07T09:00:00.0000000' where the service "
        "documents '2027-06-07T08:00:00.0000000'" in str(broken.value)
    )
