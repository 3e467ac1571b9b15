"""The command line: JSON for machines, exit codes, no tracebacks for user errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from calsync.cli import main


@pytest.fixture
def run() -> CliRunner:
    return CliRunner()


def test_plugins_json_lists_each_provider_with_its_facts(run: CliRunner) -> None:
    result = run.invoke(main, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    sandbox = {(r["name"], r["role"]): r for r in rows}[("sandbox", "mailbox")]
    assert set(sandbox) >= {"name", "role", "distribution", "version", "capabilities"}
    assert sandbox["distribution"] == "calsync"
    assert "markers" in sandbox["capabilities"]


def test_plugins_table_for_people(run: CliRunner) -> None:
    result = run.invoke(main, ["plugins"])
    assert result.exit_code == 0 and "sandbox" in result.output


def test_tz_json_for_a_match_and_for_none(run: CliRunner) -> None:
    found = run.invoke(main, ["tz", "Asia/Calcutta", "--json"])
    assert found.exit_code == 0
    assert {
        k: v
        for k, v in json.loads(found.output).items()
        if k in ("input", "canonical", "match", "method", "issue")
    } == {
        "input": "Asia/Calcutta",
        "canonical": "Asia/Kolkata",
        "match": "Asia/Kolkata",
        "method": "link",
        "issue": None,
    }
    missing = run.invoke(main, ["tz", "Asia/Tehran", "--json"])
    assert missing.exit_code == 1
    assert json.loads(missing.output)["issue"] == "UNSUPPORTED_TIME_ZONE"


def test_tz_for_people(run: CliRunner) -> None:
    result = run.invoke(main, ["tz", "America/Havana"])
    assert result.exit_code == 1 and "UNSUPPORTED_TIME_ZONE" in result.output


def test_check_accepts_the_sandbox_example(run: CliRunner) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "sandbox.toml"
    result = run.invoke(main, ["check", "--config", str(example), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["crm"] == "sandbox"


def test_check_reports_problems_with_exit_2_and_no_traceback(
    run: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[crm]\nprovider = "salesforse"\n')
    result = run.invoke(main, ["check", "--config", str(bad)])
    assert result.exit_code == 2
    assert "crm.provider: unknown crm provider 'salesforse'" in result.output
    assert "Traceback" not in result.output


def test_check_never_prints_secrets(
    run: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[crm]\nprovider = "sandbox"\n[[mailboxes]]\nname = "a"\nprovider = "sandbox"\naddress = "a@x.org"\n'
    )
    monkeypatch.setenv("NEVER_SHOWN", "hunter2")
    result = run.invoke(main, ["check", "--config", str(config)])
    assert result.exit_code == 0 and "hunter2" not in result.output


def test_usage_errors_exit_2(run: CliRunner) -> None:
    assert run.invoke(main, ["tz"]).exit_code == 2
    assert run.invoke(main, ["frobnicate"]).exit_code == 2
