"""Fixtures: an emulator on a frozen clock, a user, and real googleapiclient services."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper modules next to this file are imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))

from gapi_support import ALICE, BOB, START

from calsync.emulation import FrozenClock
from calsync_gmail.emulator import GoogleEmulator, authorized_http, calendar_service, gmail_service


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def emulator(clock: FrozenClock) -> GoogleEmulator:
    emu = GoogleEmulator(clock=clock)
    emu.add_user(ALICE, time_zone="Europe/Copenhagen", display_name="Alice")
    emu.add_user(BOB, time_zone="America/New_York")
    return emu


@pytest.fixture
def http(emulator: GoogleEmulator) -> Any:
    return authorized_http(emulator, emulator.user_credentials(ALICE))


@pytest.fixture
def cal(http: Any) -> Any:
    return calendar_service(http)


@pytest.fixture
def gmail(http: Any) -> Any:
    return gmail_service(http)
