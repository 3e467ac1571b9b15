"""The demo's flow, end to end: a fresh process, the emulators served on sockets, calsync
configured from a generated file; every documented scenario shows its outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from calsync.cli import main; main()",
            "demo",
            "--json",
            "--keep",
            str(workdir),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    data = json.loads(done.stdout)
    assert done.returncode == (0 if data["ok"] else 1)
    data["_workdir"] = workdir
    return data


def test_every_documented_exception_showed_its_outcome(summary: dict[str, Any]) -> None:
    scenarios = {s["ex"]: s for s in summary["scenarios"]}
    assert sorted(scenarios) == [f"EX-{n:02d}" for n in range(1, 29)]
    failed = {ex: s["detail"] for ex, s in scenarios.items() if not s["ok"]}
    assert failed == {}


def test_nothing_duplicated_and_a_second_run_syncs_nothing(summary: dict[str, Any]) -> None:
    assert summary["duplicates"] == 0
    assert summary["second_run"] == {"synced_up": 0, "synced_down": 0}
    assert summary["items_seeded"] >= 300


def test_the_summary_has_what_people_read(summary: dict[str, Any]) -> None:
    mailboxes = {m["name"]: m for m in summary["mailboxes"]}
    assert {m["provider"] for m in mailboxes.values()} == {"exchange", "gmail", "graph"}
    assert sum(m["provider"] == "exchange" for m in mailboxes.values()) >= 2
    for mailbox in mailboxes.values():
        assert {"name", "provider", "status", "synced_up", "synced_down"} <= set(mailbox)
    assert mailboxes["alice"]["status"] == "active" and mailboxes["alice"]["synced_up"] > 50
    assert (
        mailboxes["erin"]["status"] == "suspended"
        and mailboxes["dave"]["status"] == "address-not-linked"
    )
    codes = {i["code"]: i for i in summary["issues"]}
    assert {
        "AUTH_FAILED",
        "ADDRESS_NOT_LINKED",
        "DUPLICATES_DETECTED",
        "UNSUPPORTED_TIME_ZONE",
    } <= set(codes)
    assert all(i["count"] >= 1 and i["advice"] for i in codes.values())
    assert any(m["code"] == "UNSUPPORTED_TIME_ZONE" for m in summary["markers"])
    assert {
        "mailbox": "judy",
        "subject": "Internal budget review (judy)",
        "code": "CRM_VALIDATION_FAILED",
    } in summary["markers"], "the Microsoft 365 mailbox on Graph shows its markers"


def test_the_generated_configuration_is_valid_and_keeps_no_secret(summary: dict[str, Any]) -> None:
    config = Path(summary["config"])
    assert config.parent == summary["_workdir"]
    text = config.read_text()
    assert "env =" in text and 'password = "' not in text
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from calsync.cli import main; main()",
            "check",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The emulators' credentials lived only in the demo process's environment.
    assert done.returncode == 2 and "environment variable CALSYNC_EMULATOR_" in done.stderr
