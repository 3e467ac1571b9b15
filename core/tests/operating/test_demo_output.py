"""What the demo prints about its generated configuration (issue 14)."""

from __future__ import annotations

import pytest

from calsync.cli.demo import _show
from calsync.demo import DemoResult


def result(config: str) -> DemoResult:
    return DemoResult(
        second_run={"synced_up": 0, "synced_down": 0},
        config=config,
        mailboxes=[
            {
                "name": name,
                "provider": "exchange",
                "status": status,
                "suspended_by": by,
                "synced_up": 0,
                "synced_down": 0,
                "records_in_sync": 0,
            }
            for name, status, by in (
                ("erin", "suspended", "AUTH_FAILED"),
                ("dave", "address-not-linked", "ADDRESS_NOT_LINKED"),
            )
        ],
        issues=[
            {
                "code": "AUTH_FAILED",
                "count": 1,
                "title": "Credentials refused",
                "advice": "Renew the credentials for the mailbox connection, then run "
                "`calsync enable --mailbox erin`",
            }
        ],
    )


def test_without_keep_no_deleted_path_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    _show(result(""))
    out = capsys.readouterr().out
    assert "calsync demo --keep DIR" in out and "calsync-demo.toml" not in out
    assert "`calsync enable --mailbox erin`" in out


def test_with_keep_the_kept_configuration_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _show(result("/srv/demo/calsync-demo.toml"))
    out = capsys.readouterr().out
    assert "The generated configuration (kept): /srv/demo/calsync-demo.toml" in out
    assert "--keep DIR" not in out


def test_a_suspension_is_named_once(capsys: pytest.CaptureFixture[str]) -> None:
    _show(result(""))
    lines = capsys.readouterr().out.splitlines()
    assert "erin\texchange\tsuspended (AUTH_FAILED)\t0\t0\t0" in lines
    assert "dave\texchange\taddress-not-linked\t0\t0\t0" in lines
