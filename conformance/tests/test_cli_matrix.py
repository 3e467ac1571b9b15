"""``calsync conformance`` prints the matrix EX id x provider for machines and people."""

from __future__ import annotations

import json
import subprocess
import sys

from calsync.providers import Role
from calsync_conformance import cases_for
from calsync_conformance.prechecks import PRECHECKS, prechecks_for


def calsync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from calsync.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_json_matrix_for_the_sandbox() -> None:
    done = calsync("conformance", "--provider", "sandbox", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert {(p["name"], p["role"]) for p in data["providers"]} == {
        ("sandbox", "mailbox"),
        ("sandbox", "crm"),
    }
    results = data["results"]
    assert all(set(r) >= {"case", "provider", "outcome", "reason"} for r in results)
    assert {r["outcome"] for r in results} == {"pass"}
    crm_rows = {r["case"] for r in results if r["role"] == "crm"}
    assert crm_rows == {c.id for c in cases_for(Role.CRM)} | {p.id for p in prechecks_for(Role.CRM)}
    assert {c.entry for c in cases_for(Role.CRM)} == {f"EX-{n:02d}" for n in range(1, 29)} | {
        "MASS_DELETE_HELD"
    }


def test_markdown_for_people_and_unknown_providers() -> None:
    done = calsync("conformance", "--provider", "sandbox")
    assert done.returncode == 0 and "| EX-04 | pass | n/a |" in done.stdout
    rows = [line.split(" | ")[0].strip("| ") for line in done.stdout.splitlines()[2:] if line]
    assert rows[: len(PRECHECKS)] == list(PRECHECKS), "the pre-checks come first, as they run"
    assert "| PRE-markers | n/a | pass |" in done.stdout, "a mailbox rule, n/a for a CRM"
    missing = calsync("conformance", "--provider", "nosuch")
    assert missing.returncode == 2 and "no conformance harness for nosuch" in missing.stderr
