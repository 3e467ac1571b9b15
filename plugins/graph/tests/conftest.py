"""Fixtures: a Graph emulator behind the conformance harness, with one mailbox open."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper module next to this file is imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))

from graph_testing import ALICE

from calsync_graph import GraphMailbox
from calsync_graph.harness import GraphHarness


@pytest.fixture
def harness() -> Iterator[GraphHarness]:
    harness = GraphHarness()
    yield harness
    harness.close()


@pytest.fixture
def mailbox(harness: GraphHarness) -> GraphMailbox:
    return harness.open_mailbox(ALICE, zone="Europe/Berlin")


pytest_plugins = ["calsync_conformance.plugin"]
