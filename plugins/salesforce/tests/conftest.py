"""Fixtures: an emulated org at a frozen time, and real simple-salesforce clients on it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper modules next to this file are imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))

from sf_helpers import NOW, Person
from simple_salesforce import Salesforce

from calsync.emulation import FrozenClock
from calsync_salesforce.emulator import SalesforceEmulator, connect
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def emulator(clock: FrozenClock) -> SalesforceEmulator:
    return SalesforceEmulator(clock=clock)


@pytest.fixture
def make_user(emulator: SalesforceEmulator) -> Callable[..., Person]:
    def make(email: str, **options: object) -> Person:
        user_id, session = emulator.org.add_user(email, **options)  # type: ignore[arg-type]
        return Person(user_id, session, connect(emulator, session))

    return make


@pytest.fixture
def ann(make_user: Callable[..., Person]) -> Person:
    """The integration user: Standard User profile, Berlin time zone."""
    return make_user("ann@acme.test", name="Ann Example", time_zone="Europe/Berlin")


@pytest.fixture
def sf(ann: Person) -> Salesforce:
    return ann.sf


# -- the provider and its harness on the same emulated org -----------------------------------


@pytest.fixture
def harness(emulator: SalesforceEmulator) -> Iterator[SalesforceCrmHarness]:
    """The conformance harness over the frozen-clock org (integration user signed in)."""
    driver = SalesforceCrmHarness(emulator)
    yield driver
    driver.close()


@pytest.fixture
def crm(harness: SalesforceCrmHarness) -> SalesforceCrm:
    """The provider, signed in as the integration user."""
    return harness.open_crm()


@pytest.fixture
def owner(harness: SalesforceCrmHarness) -> str:
    """A synced user (Berlin) whose events the provider reads and writes."""
    return harness.add_user("olga@acme.test", zone="Europe/Berlin")


# The conformance suite's pytest plugin (see test_conformance.py).
pytest_plugins = ["calsync_conformance.plugin"]
