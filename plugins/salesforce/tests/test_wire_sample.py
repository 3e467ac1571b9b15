"""PRE-wire catches a conversion mistake made the same way in both directions.

The harness seeds and reads events with the provider's own conversions (``event_fields``,
``item_of``). Here both are wrong by an hour, one each way: every time round-trips, so the
EX cases still pass; only the comparison with the record Salesforce documents fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import calsync_salesforce.harness as harness_module
import calsync_salesforce.reader as reader_module
import calsync_salesforce.writes as writes_module
from calsync.model import CalendarItem
from calsync.providers import Role
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync_conformance import CASES
from calsync_conformance.prechecks import PRECHECKS, RuleBroken
from calsync_conformance.scenario import Scenario
from calsync_salesforce.harness import SalesforceCrmHarness

HOUR = timedelta(hours=1)


def shifted_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write every time an hour late, read every time an hour early."""
    write, read = writes_module.event_fields, reader_module.item_of

    def late(item: CalendarItem, *args: Any, **kwargs: Any) -> Any:
        return write(item.evolve(start=item.start + HOUR, end=item.end + HOUR), *args, **kwargs)  # type: ignore[operator]

    def early(*args: Any, **kwargs: Any) -> CalendarItem | None:
        item = read(*args, **kwargs)
        return item and item.evolve(start=item.start - HOUR, end=item.end - HOUR)  # type: ignore[operator]

    for module, name, fake in (
        (writes_module, "event_fields", late),
        (harness_module, "event_fields", late),
        (reader_module, "item_of", early),
        (harness_module, "item_of", early),
    ):
        monkeypatch.setattr(module, name, fake)


def run(check: Callable[[Scenario], None], tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    scenario = Scenario(
        role=Role.CRM, mail=SandboxMailboxHarness(), crm=SalesforceCrmHarness(), workdir=tmp_path
    )
    try:
        check(scenario)
    finally:
        scenario.close()


def test_the_sample_holds_what_salesforce_documents(tmp_path: Path) -> None:
    run(PRECHECKS["PRE-wire"].check, tmp_path)


def test_a_symmetric_mistake_passes_a_case_but_fails_pre_wire(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shifted_both_ways(monkeypatch)
    run(CASES["EX-19"].run, tmp_path / "case")  # the instant round-trips: the case passes
    with pytest.raises(RuleBroken) as broken:
        run(PRECHECKS["PRE-wire"].check, tmp_path / "precheck")
    message = str(broken.value)
    assert message.startswith("PRE-wire: ") and message.endswith(
        "(see docs/writing-a-provider.md#seeding)"
    )
    assert (
        "the provider wrote StartDateTime '2027-06-07T09:00:00.000+0000' where the service "
        "documents '2027-06-07T08:00:00.000+0000'" in message
    )
