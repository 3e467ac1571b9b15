"""Fixtures: an EWS emulator with two mailboxes, and exchangelib accounts bound to it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper modules next to this file are imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))

from ews_testing import ALICE, BOB, PASSWORD, CrmId, SyncTags
from exchangelib import Account, CalendarItem

from calsync.emulation import FrozenClock
from calsync_exchange import ExchangeMailbox
from calsync_exchange.emulator import EwsEmulator, in_process_account


@pytest.fixture(scope="session", autouse=True)
def _registered_properties() -> Iterator[None]:
    # exchangelib registers extended properties on the class, process-wide.
    CalendarItem.register("crm_id", CrmId)
    CalendarItem.register("sync_tags", SyncTags)
    yield
    CalendarItem.deregister("crm_id")
    CalendarItem.deregister("sync_tags")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
def emulator(clock: FrozenClock) -> EwsEmulator:
    emulator = EwsEmulator(clock=clock)
    emulator.add_mailbox(
        ALICE, password=PASSWORD, name="Alice", time_zone="W. Europe Standard Time"
    )
    emulator.add_mailbox(BOB, password=PASSWORD, name="Bob", time_zone="Pacific Standard Time")
    return emulator


@pytest.fixture
def account(emulator: EwsEmulator) -> Iterator[Account]:
    with in_process_account(emulator, ALICE, password=PASSWORD) as account:
        yield account


@pytest.fixture
def provider(emulator: EwsEmulator, clock: FrozenClock) -> Iterator[ExchangeMailbox]:
    from provider_testing import provider_for

    mailbox = provider_for(emulator, ALICE, PASSWORD, clock=clock.now)
    yield mailbox
    mailbox.close()


# The conformance suite's pytest plugin (see test_conformance.py).
pytest_plugins = ["calsync_conformance.plugin"]
