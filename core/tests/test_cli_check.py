"""``calsync check`` run as cron would run it: every setup mistake is exit 2 naming its place.

Each command runs in a new process with no terminal. What needs a provider plugin
(Exchange Online, the plugins' timeouts and endpoints) is in tests/test_check.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Ran
from .operating.process import calsync as in_process

Run = Callable[..., Ran]

#: A valid configuration on the built-in sandbox, with an SMTP channel whose password is
#: a secret reference (``{secret}``).
VALID = """\
state = "sqlite:///calsync.db"
[crm]
provider = "sandbox"
[[mailboxes]]
name = "alice"
provider = "sandbox"
address = "alice@example.com"
[notify]
channels = ["smtp"]
[notify.smtp]
host = "mail.example.com"
sender = "calsync@example.com"
recipients = ["it@example.com"]
username = "calsync"
password = {secret}
timeout = {timeout}
"""


def config(
    folder: Path, secret: str = '{ env = "HOME" }', timeout: str = "30", **extra: str
) -> Path:
    path = folder / "calsync.toml"
    path.write_text(VALID.format(secret=secret, timeout=timeout))
    return path


def check(run: Run, path: Path) -> tuple[Ran, dict[str, object]]:
    ran = run("check", "--config", str(path), "--json")
    return ran, json.loads(ran.out)


def test_a_valid_configuration_is_ok_on_stdout_and_creates_nothing(
    tmp_path: Path, run_calsync: Run
) -> None:
    ran, result = check(run_calsync, config(tmp_path))
    assert ran.code == 0, ran.err
    assert result["ok"] is True and result["problems"] == []
    assert result["state"] == f"sqlite:///{tmp_path / 'calsync.db'}"
    assert not (tmp_path / "calsync.db").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"# caf\xe9\n", "line 1: not UTF-8 text (byte 0xe9)", id="latin-1"),
        pytest.param(b"mailboxes = 5\n", "mailboxes: expected one [[mailboxes]] table", id="5"),
        pytest.param(
            b"mailboxes = true\n", "mailboxes: expected one [[mailboxes]] table", id="true"
        ),
        pytest.param(b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deep", id="arrays"),
        pytest.param(
            b"x = " + b"{a = " * 5000 + b"1" + b"}" * 5000 + b"\n", "nested too deep", id="tables"
        ),
        pytest.param(
            b"x = " + b"[" * 200 + b"]" * 200 + b"\n",
            "x[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]",
            id="arrays-tomllib-reads",
        ),
    ],
)
def test_a_file_calsync_cannot_read_is_exit_2_naming_the_place(
    tmp_path: Path, run_calsync: Run, content: bytes, expected: str
) -> None:
    path = tmp_path / "calsync.toml"
    path.write_bytes(content)
    ran, result = check(run_calsync, path)
    assert ran.code == 2
    assert result["ok"] is False and any(expected in p for p in result["problems"])  # type: ignore[attr-defined]
    assert expected in ran.err


def test_a_mailbox_name_longer_than_the_database_holds_is_refused(
    tmp_path: Path, run_calsync: Run
) -> None:
    path = config(tmp_path)
    path.write_text(path.read_text().replace('name = "alice"', f'name = "{"a" * 129}"'))
    ran, result = check(run_calsync, path)
    assert ran.code == 2
    assert "mailboxes[0].name: 129 characters; a mailbox name has at most 128" in result["problems"]  # type: ignore[operator]


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "empty").write_text("\n")
    (folder / "latin-1").write_bytes(b"caf\xe9")
    (folder / "a-folder").mkdir()
    return folder


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ('{ env = "CALSYNC_TEST_UNSET" }', "environment variable CALSYNC_TEST_UNSET is not set"),
        ('{ env = "CALSYNC_TEST_EMPTY" }', "environment variable CALSYNC_TEST_EMPTY is empty"),
        ('{ file = "{secrets}/missing" }', "secret file {secrets}/missing does not exist"),
        (
            '{ file = "{secrets}/a-folder" }',
            "secret file {secrets}/a-folder is a folder, not a file",
        ),
        ('{ file = "{secrets}/latin-1" }', "secret file {secrets}/latin-1 is not UTF-8 text"),
        ('{ file = "{secrets}/empty" }', "secret file {secrets}/empty is empty"),
    ],
)
def test_a_secret_that_cannot_be_used_is_named_with_its_place(
    tmp_path: Path,
    run_calsync: Run,
    secrets: Path,
    monkeypatch: pytest.MonkeyPatch,
    reference: str,
    expected: str,
) -> None:
    monkeypatch.delenv("CALSYNC_TEST_UNSET", raising=False)
    monkeypatch.setenv("CALSYNC_TEST_EMPTY", "")
    path = config(tmp_path, secret=reference.replace("{secrets}", str(secrets)))
    ran, result = check(run_calsync, path)
    assert ran.code == 2
    assert result["problems"] == [
        f"notify.smtp.password: {expected.replace('{secrets}', str(secrets))}"
    ]


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        ("0", "0 seconds is out of range: more than 0 and at most 900"),
        ("-5", "-5 seconds is out of range: more than 0 and at most 900"),
        ("1e12", "1000000000000.0 seconds is out of range: more than 0 and at most 900"),
        ("inf", "inf seconds is out of range: more than 0 and at most 900"),
        ('"soon"', "expected a number of seconds, got 'soon'"),
    ],
)
def test_a_timeout_out_of_range_is_refused(
    tmp_path: Path, run_calsync: Run, timeout: str, expected: str
) -> None:
    ran, result = check(run_calsync, config(tmp_path, timeout=timeout))
    assert ran.code == 2
    assert result["problems"] == [f"notify.smtp.timeout: {expected}"]


def test_a_state_database_of_a_newer_calsync_is_refused_by_check(
    tmp_path: Path, run_calsync: Run
) -> None:
    with sqlite3.connect(tmp_path / "calsync.db") as db:
        db.execute("CREATE TABLE calsync_meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO calsync_meta VALUES ('schema_version', '99')")
    ran, result = check(run_calsync, config(tmp_path))
    assert ran.code == 2
    [problem] = result["problems"]  # type: ignore[misc]
    assert problem.startswith(f"state: the state database {tmp_path / 'calsync.db'} has schema")
    assert "upgrade calsync" in problem


def test_a_state_database_in_a_missing_folder_is_refused_by_check(
    tmp_path: Path, run_calsync: Run
) -> None:
    path = config(tmp_path)
    path.write_text(path.read_text().replace("sqlite:///calsync.db", "sqlite:///nowhere/c.db"))
    ran, result = check(run_calsync, path)
    assert ran.code == 2
    assert result["problems"] == [
        f"state: cannot create the state database {tmp_path / 'nowhere' / 'c.db'}: its folder "
        f"{tmp_path / 'nowhere'} does not exist or this user may not write there"
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("busy_timeout_seconds = 0", "busy_timeout_seconds must be more than 0 and at most 600"),
        ("keep_history_days = 0", "keep_history_days must be between 1 and 3650"),
        (
            "keep = 1",
            "unknown key 'keep'; known keys: url, busy_timeout_seconds, keep_history_days",
        ),
    ],
)
def test_state_options_are_checked(
    tmp_path: Path, run_calsync: Run, options: str, expected: str
) -> None:
    path = config(tmp_path)
    path.write_text(
        path.read_text().replace(
            'state = "sqlite:///calsync.db"', f'[state]\nurl = "sqlite:///calsync.db"\n{options}'
        )
    )
    ran, result = check(run_calsync, path)
    assert ran.code == 2
    assert result["problems"] == [f"state: {expected}"]


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_connect_shows_each_mailbox_in_a_terminal_and_in_a_log(tty: bool) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "sandbox.toml"
    done = in_process("check", "--config", str(example), "--connect", tty=tty)
    assert done.code == 0, done.err
    assert "Traceback" not in done.err
    lines = [" ".join(line.replace("│", " ").split()) for line in done.out.splitlines()]
    assert "CRM: ok: signed in; 2 mailbox owner(s) are users" in lines
    for name in ("alice", "bob"):
        [row] = [line for line in lines if line.startswith(f"{name} ")]
        assert f"ok: calendar of {name}@example.com" in row and "ok: user " in row
    assert not (example.parent / "calsync-sandbox.db").exists()  # checking writes nothing


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_a_configuration_error_reads_the_same_in_a_terminal_and_in_a_log(
    tmp_path: Path, tty: bool
) -> None:
    path = tmp_path / "calsync.toml"
    path.write_bytes(b"mailboxes = true\n")
    done = in_process("check", "--config", str(path), tty=tty)
    assert done.code == 2 and "Traceback" not in done.err
    assert "mailboxes: expected one [[mailboxes]] table per mailbox, got True" in done.err


def test_a_relative_secret_file_is_found_beside_the_configuration(
    tmp_path: Path, run_calsync: Run
) -> None:
    (tmp_path / "etc" / "secrets").mkdir(parents=True)
    (tmp_path / "etc" / "secrets" / "smtp").write_text("s3cret\n")
    (tmp_path / "elsewhere").mkdir()
    path = config(tmp_path / "etc", secret='{ file = "secrets/smtp" }')
    ran = run_calsync("check", "--config", str(path), "--json", cwd=tmp_path / "elsewhere")
    assert ran.code == 0, ran.out
    assert "s3cret" not in ran.out + ran.err
