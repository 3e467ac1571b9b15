"""``calsync health``: exit 0 when the state database and the broker answer, 1 otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("celery", reason="calsync[workers] is installed by `make setup`")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "calsync.toml"
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\n'
        '[[mailboxes]]\nname = "alice"\nprovider = "sandbox"\naddress = "alice@acme.test"\n',
        encoding="utf-8",
    )
    return path


def test_healthy_with_a_broker_that_answers(config: Path, redis_url: str, calsync: Any) -> None:
    done = calsync("health", "--config", str(config), "--broker", redis_url, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["healthy"] and {c["name"] for c in report["checks"]} == {"state", "broker"}


def test_unhealthy_when_the_broker_is_down_or_no_worker_answers(
    config: Path, redis_url: str, unused_port: int, calsync: Any
) -> None:
    down = calsync(
        "health", "--config", str(config), "--broker", f"redis://127.0.0.1:{unused_port}/0"
    )
    assert down.returncode == 1 and "broker: FAILING" in down.stdout
    idle = calsync("health", "--config", str(config), "--broker", redis_url, "--workers")
    assert idle.returncode == 1 and "no worker answered" in idle.stdout
    assert "Traceback" not in down.stderr + idle.stderr


def test_a_missing_configuration_is_a_usage_error(tmp_path: Path, calsync: Any) -> None:
    done = calsync("worker", "--config", str(tmp_path / "none.toml"))
    assert done.returncode == 2 and "no such configuration file" in done.stderr
