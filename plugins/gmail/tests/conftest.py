"""Fixtures: an emulator on a frozen clock, a user, and real googleapiclient services."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper modules next to this file are imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))

from gapi_support import ALICE, BOB, START

from calsync.emulation import FrozenClock, HttpRequest, HttpResponse
from calsync_gmail.emulator import GoogleEmulator, authorized_http, calendar_service, gmail_service
from calsync_gmail.harness import GmailHarness
from calsync_gmail.provider import GmailMailbox


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


@pytest.fixture
def harness(emulator: GoogleEmulator) -> Iterator[GmailHarness]:
    running = GmailHarness(emulator)
    yield running
    running.close()


@pytest.fixture
def mailbox(harness: GmailHarness) -> GmailMailbox:
    """The provider for Alice (calendar zone Europe/Copenhagen), through the harness."""
    return harness.open_mailbox(ALICE)


@pytest.fixture
def wire(emulator: GoogleEmulator) -> list[HttpRequest]:
    """Every request the emulator answers, batch parts included, in order."""
    seen: list[HttpRequest] = []
    handle = emulator.handle

    def record(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return handle(request)

    emulator.handle = record  # type: ignore[method-assign]
    return seen


# The conformance suite's pytest plugin (see test_conformance.py).
pytest_plugins = ["calsync_conformance.plugin"]
