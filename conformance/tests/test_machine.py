"""The property machine's expired-cursor step: a provider that loses changes fails it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from broken_sandbox import ForgetsExpiry, provider_harness

from calsync.sandbox.harness import SandboxCrmHarness, SandboxMailboxHarness
from calsync_conformance.machine import SyncMachine


def machine(mail: Callable[[], Any]) -> Iterator[SyncMachine]:
    cls = type(
        "Fixed",
        (SyncMachine,),
        {"mail_factory": staticmethod(mail), "crm_factory": staticmethod(SandboxCrmHarness)},
    )
    built = cls()
    try:
        yield built
    finally:
        built.teardown()


def run_expiry(m: SyncMachine) -> None:
    m.person_creates_in_mailbox(day=1, private=False, zone="Europe/Berlin")
    m.converges()
    m.a_pass_after_the_cursor_expired(crm_side=False)
    m.converges()


def test_a_provider_that_raises_on_an_expired_cursor_keeps_the_invariants() -> None:
    for m in machine(SandboxMailboxHarness):
        run_expiry(m)
        assert len(m.crm.items(m.owner)) == 2, "both mailbox items have one CRM copy"


def test_a_provider_that_skips_to_now_on_an_expired_cursor_fails_the_invariants() -> None:
    for m in machine(provider_harness(ForgetsExpiry)):
        with pytest.raises(AssertionError, match="has counterparts \\[\\]"):
            run_expiry(m)
