"""Each pre-check catches the one rule it names: the sandbox with that rule broken fails it.

Every broken provider or harness here breaks one rule the way a newcomer's plugin would; the
pre-check must fail with a message naming the rule and the guide's section, and every other
pre-check must still pass (a failure points at one cause).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from calsync.errors import CursorExpiredError
from calsync.harness import CrmHarness, MailboxHarness
from calsync.model import CalendarItem
from calsync.policy import Operation
from calsync.providers import Delta, ItemFailure, Role, Write, WriteResult
from calsync.sandbox.crm import SandboxCrm
from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox
from calsync_conformance.prechecks import PRECHECKS, RuleBroken, prechecks_for
from calsync_conformance.scenario import Scenario

# -- one broken rule each ------------------------------------------------------------------


class SharedTokens(SandboxMailbox):
    """Exceptions carry their master's token, as the ETag of one CalDAV resource would."""

    def _visible(self, item: CalendarItem) -> CalendarItem:
        seen = super()._visible(item)
        if item.series_id is None or seen.ref is None:
            return seen
        master = self.service.calendar(self.address).items[item.series_id]
        assert master.ref is not None
        return seen.evolve(ref=replace(seen.ref, change_token=master.ref.change_token))


class NeedsTarget(SandboxMailbox):
    """Refuses any update or delete without a native id."""

    def _apply(self, write: Write) -> WriteResult:
        if write.target is None and write.operation is not Operation.CREATE:
            return WriteResult(failure=ItemFailure(code="INTERNAL_ERROR", message="no id"))
        return super()._apply(write)


class ForgetsExpiry(SandboxMailbox):
    """Answers an expired cursor with an empty delta: what changed meanwhile is lost."""

    def pull(self, cursor: str | None) -> Delta:
        try:
            return super().pull(cursor)
        except CursorExpiredError:
            return Delta(cursor=cursor or "")


class CrmForgetsExpiry(SandboxCrm):
    """The same mistake in a CRM provider."""

    def pull(self, cursor: str | None, *, owner: str) -> Delta:
        try:
            return super().pull(cursor, owner=owner)
        except CursorExpiredError:
            return Delta(cursor=cursor or "")


class WithProvider(SandboxMailboxHarness):
    """The sandbox mailbox harness over a broken provider class."""

    provider_type: type[SandboxMailbox] = SandboxMailbox

    def open_mailbox(self, address: str, *, zone: str = "UTC") -> SandboxMailbox:
        return self.provider_type(self.service, address)


class SortedItems(SandboxMailboxHarness):
    """Lists items by subject, not as they were created."""

    def items(self, address: str) -> tuple[CalendarItem, ...]:
        return tuple(sorted(super().items(address), key=lambda i: i.subject))


class ShowsMarkers(SandboxMailboxHarness):
    """Reads items back with calsync's marker labels among the person's categories."""

    def read(self, address: str, item_id: str) -> CalendarItem | None:
        return self.service.calendar(address).items.get(item_id)


class TextOnlyEdits(SandboxMailboxHarness):
    """Edits text fields only: kind, recurrence and zone changes are dropped silently."""

    def edit(self, address: str, item_id: str, **changes: Any) -> None:
        kept = {k: v for k, v in changes.items() if k not in {"kind", "recurrence", "zone"}}
        super().edit(address, item_id, **kept)


class CrmWithProvider(SandboxCrmHarness):
    def open_crm(self) -> SandboxCrm:
        return CrmForgetsExpiry(self.service)


def provider_harness(provider: type[SandboxMailbox]) -> type[SandboxMailboxHarness]:
    return type(f"Harness{provider.__name__}", (WithProvider,), {"provider_type": provider})


BROKEN: list[tuple[str, type[MailboxHarness] | type[CrmHarness], str]] = [
    (
        "PRE-tokens",
        provider_harness(SharedTokens),
        r"items mbx-\d+, mbx-\d+ share the change token",
    ),
    ("PRE-order", SortedItems, r"items\(\) listed \['Alpha \(order\)', 'Bravo \(order\)'"),
    (
        "PRE-markers",
        ShowsMarkers,
        r"the harness's read\(\) shows the marker: categories \(\) before",
    ),
    ("PRE-edit", TextOnlyEdits, r"edit\(zone='America/New_York'\) read back as zone"),
    ("PRE-occurrence", provider_harness(NeedsTarget), r"write\(\) refused the update"),
    ("PRE-cursor", provider_harness(ForgetsExpiry), r"without the item created since"),
    ("PRE-cursor", CrmWithProvider, r"without the item created since"),
]


def outcomes(
    make: Callable[[], MailboxHarness | CrmHarness], tmp_path: Path, checks: Sequence[str]
) -> dict[str, str]:
    """Each pre-check's message ("" when it passed), run as the suite runs it."""
    found = {}
    for check_id in checks:
        harness = make()
        mail = harness if isinstance(harness, MailboxHarness) else SandboxMailboxHarness()
        crm = harness if isinstance(harness, CrmHarness) else SandboxCrmHarness()
        workdir = tmp_path / check_id
        workdir.mkdir(parents=True)
        scenario = Scenario(role=harness.role, mail=mail, crm=crm, workdir=workdir)
        try:
            PRECHECKS[check_id].check(scenario)
            found[check_id] = ""
        except RuleBroken as exc:
            found[check_id] = str(exc)
        finally:
            scenario.close()
    return found


@pytest.mark.parametrize(
    ("check_id", "harness_type", "detail"),
    BROKEN,
    ids=[f"{c}-{h.role}" for c, h, _ in BROKEN],
)
def test_each_precheck_catches_its_broken_rule_and_only_that(
    check_id: str,
    harness_type: type[MailboxHarness] | type[CrmHarness],
    detail: str,
    tmp_path: Path,
) -> None:
    check = PRECHECKS[check_id]
    found = outcomes(harness_type, tmp_path, [p.id for p in prechecks_for(harness_type.role)])
    message = found.pop(check_id)
    pattern = (
        rf"^{check_id}: {re.escape(check.rule)} — .*{detail}.* "
        rf"\(see docs/writing-a-provider\.md#{check.anchor}\)$"
    )
    assert re.match(pattern, message), message
    assert "\n" not in message, "one line, as the matrix shows it"
    assert found == dict.fromkeys(found, ""), "only the broken rule fails"


def test_the_sandbox_keeps_every_rule(tmp_path: Path) -> None:
    for harness in (SandboxMailboxHarness, SandboxCrmHarness):
        checks = [p.id for p in prechecks_for(harness.role)]
        assert outcomes(harness, tmp_path / harness.role, checks) == dict.fromkeys(checks, "")


def test_a_harness_that_raises_fails_the_rule_with_what_it_raised(tmp_path: Path) -> None:
    class Refuses(SandboxMailboxHarness):
        def edit(self, address: str, item_id: str, **changes: Any) -> None:
            if "zone" in changes:
                raise TypeError("edit() got an unexpected keyword argument 'zone'")
            super().edit(address, item_id, **changes)

    [message] = outcomes(Refuses, tmp_path, ["PRE-edit"]).values()
    assert "it raised TypeError: edit() got an unexpected keyword argument 'zone'" in message


def test_every_rule_has_an_anchor_and_mailbox_and_crm_rules() -> None:
    mailbox, crm = prechecks_for(Role.MAILBOX), prechecks_for(Role.CRM)
    assert [p.id for p in mailbox] == list(PRECHECKS)
    assert {p.id for p in crm} == {"PRE-tokens", "PRE-order", "PRE-cursor"}
    assert all(re.fullmatch(r"[a-z0-9-]+", p.anchor) for p in mailbox)
