"""Fixtures: an emulated org at a frozen time, and real simple-salesforce clients on it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper modules next to this file are imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))

from sf_helpers import NOW, Person
from simple_salesforce import Salesforce

from calsync.emulation import FrozenClock
from calsync_salesforce.emulator import SalesforceEmulator, connect


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
