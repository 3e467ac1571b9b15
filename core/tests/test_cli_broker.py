"""The workers' broker misnamed or down, as an admin meets it: exit 2 naming it, nothing changed.

Found by trying calsync from outside: ``CALSYNC_BROKER_URL=foo://bar calsync enable`` was an
internal error (kombu's KeyError), ``calsync scheduler`` with Redis down one too
(OperationalError), and ``enable`` marked the mailboxes before finding the broker down.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Ran

pytest.importorskip("celery")

Run = Callable[..., Ran]
EXAMPLE = Path(__file__).parents[2] / "examples" / "sandbox.toml"
#: A port nothing listens on: the connection is refused at once.
DOWN = "redis://calsync:hunter2@127.0.0.1:1/0"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "calsync.toml"
    shutil.copy(EXAMPLE, path)
    return path


def _status(run_calsync: Run, config: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.delenv("CALSYNC_BROKER_URL", raising=False)
    ran = run_calsync("status", "--config", str(config), "--json")
    assert ran.code == 0, ran.err
    return [m["label"] for m in json.loads(ran.out)["mailboxes"]]


@pytest.mark.parametrize("url", ["foo://bar", "notaurl", "redis//127.0.0.1"])
def test_a_broker_url_that_is_none_is_a_configuration_error(
    url: str, config: Path, run_calsync: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _status(run_calsync, config, monkeypatch)
    monkeypatch.setenv("CALSYNC_BROKER_URL", url)
    for command in (
        ["reset", "--mailbox", "alice"],
        ["enable", "--all"],
        ["scheduler"],
        ["worker"],
    ):
        ran = run_calsync(*command, "--config", str(config))
        assert ran.code == 2, (command, ran.out, ran.err)
        assert "--broker / CALSYNC_BROKER_URL:" in ran.err and "is not a broker URL" in ran.err
    ran = run_calsync("health", "--config", str(config), "--broker", url)
    assert ran.code == 1 and "is not a broker URL" in ran.err  # a health check answers 0 or 1
    assert _status(run_calsync, config, monkeypatch) == before, "nothing was marked"


def test_a_broker_down_is_named_before_anything_changes(
    config: Path, run_calsync: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _status(run_calsync, config, monkeypatch)
    monkeypatch.setenv("CALSYNC_BROKER_URL", DOWN)
    for command in (["reset", "--mailbox", "alice"], ["enable", "--mailbox", "alice"]):
        ran = run_calsync(*command, "--config", str(config))
        assert ran.code == 2, (command, ran.out, ran.err)
        assert "the broker redis://calsync:**@127.0.0.1:1/0 does not answer" in ran.err
        assert "hunter2" not in ran.err + ran.out
    assert _status(run_calsync, config, monkeypatch) == before, "no reset is pending"
    monkeypatch.setenv("CALSYNC_BROKER_URL", DOWN)
    schedule = config.parent / "beat-schedule"
    ran = run_calsync("scheduler", "--config", str(config), "--schedule-file", str(schedule))
    assert ran.code == 2 and "does not answer" in ran.err and "start it" in ran.err


def test_the_workers_timings_in_the_environment_are_checked(
    config: Path, run_calsync: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALSYNC_BROKER_URL", DOWN)
    monkeypatch.setenv("CALSYNC_VISIBILITY_TIMEOUT", "half an hour")
    ran = run_calsync("reset", "--config", str(config), "--mailbox", "alice")
    assert ran.code == 2
    assert "CALSYNC_VISIBILITY_TIMEOUT: 'half an hour' is not a number of seconds" in ran.err


@pytest.mark.parametrize("command", ["worker", "scheduler", "health"])
def test_a_deployment_command_checks_the_configuration_before_it_starts(
    command: str, tmp_path: Path, run_calsync: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker used to start on a broken file and fail each pass it took instead."""
    monkeypatch.setenv("CALSYNC_BROKER_URL", DOWN)
    path = tmp_path / "calsync.toml"
    path.write_text(EXAMPLE.read_text().replace("private_items", "privat_items"))
    ran = run_calsync(command, "--config", str(path))
    # A health check answers 0 or 1 only (Docker reserves 2); the others refuse to start.
    assert ran.code == (1 if command == "health" else 2), ran.out + ran.err
    assert f"configuration error in {path}" in ran.err
    assert "policy: unknown key 'privat_items' (did you mean 'private_items'?)" in ran.err
