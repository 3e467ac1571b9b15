"""A configuration an admin got wrong, run as the admin runs it: exit 2, file, line and key named.

Found by trying calsync from outside: a misspelt key in one mailbox's policy used to drop
that mailbox from the run without a word (exit 0, one mailbox fewer synced).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from calsync.cli import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "sandbox.toml"


@pytest.fixture
def run() -> CliRunner:
    return CliRunner()


def _config(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "calsync.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("command", ["check", "sync", "status"])
def test_a_misspelt_key_in_a_mailboxs_policy_fails_instead_of_dropping_the_mailbox(
    run: CliRunner, tmp_path: Path, command: str
) -> None:
    path = _config(tmp_path, 'policy = { mode = "match"', 'policy = { mod = "match"')
    result = run.invoke(main, [command, "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert f"configuration error in {path}" in result.stderr
    assert (
        f"line {_line(path, 'mod = ')}: mailboxes[1].policy: unknown key 'mod' "
        "(did you mean 'mode'?)" in result.stderr
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "calsync-sandbox.db").exists(), "nothing ran"


def test_the_line_named_is_the_misspelt_keys_own(run: CliRunner, tmp_path: Path) -> None:
    path = _config(tmp_path, "private_items =", "privat_items =")
    result = run.invoke(main, ["sync", "--config", str(path)])
    assert result.exit_code == 2
    assert f"line {_line(path, 'privat_items')}: policy: unknown key 'privat_items'" in (
        result.stderr
    )


def test_a_wrong_type_is_named_once_with_its_line(run: CliRunner, tmp_path: Path) -> None:
    path = _config(tmp_path, 'recurring_items = "on"', "recurring_items = 3")
    result = run.invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert problems == [
        f"  line {_line(path, 'recurring_items')}: policy.recurring_items: "
        'expected true / false (or "on" / "off"), got 3'
    ], "the mailboxes that inherit [policy] do not repeat its problem"


def test_mailbox_defaults_keys_are_checked_and_suggested(run: CliRunner, tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        '[[mailboxes]]\nname = "alice"',
        '[mailbox_defaults]\nprovider = "sandbox"\nprofil = "Sales"\n'
        'policy = { mod = "match" }\n\n[[mailboxes]]\nname = "alice"',
    )
    result = run.invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert (
        f"line {_line(path, 'profil =')}: mailbox_defaults.profil: unknown key "
        "(did you mean 'profile'?)" in result.stderr
    )
    assert "mailboxes[0].policy: unknown key 'mod' (did you mean 'mode'?)" in result.stderr


def test_mailbox_defaults_policy_of_a_group_names_its_unknown_key_once(
    run: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text(
        '[crm]\nprovider = "sandbox"\n'
        '[mailbox_defaults]\nprovider = "sandbox"\npermission_set = "Calendar_Sync"\n'
        "policy = 3\n",
        encoding="utf-8",
    )
    result = run.invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("mailbox_defaults.policy: expected a table, got 3") == 1


def test_a_problem_that_names_the_file_itself_keeps_the_plain_headline(
    run: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text("[crm\n", encoding="utf-8")
    result = run.invoke(main, ["status", "--config", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("calsync: configuration error\n")
    assert f"{path}: not valid TOML" in result.stderr and "(at line 1" in result.stderr


def test_an_empty_file_and_a_folder(run: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    result = run.invoke(main, ["sync", "--config", str(empty)])
    assert result.exit_code == 2
    assert f"configuration error in {empty}" in result.stderr
    assert "crm: required table" in result.stderr
    result = run.invoke(main, ["sync", "--config", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}: cannot read the configuration: Is a directory" in result.stderr


def test_a_state_path_that_is_a_folder_is_named_so(run: CliRunner, tmp_path: Path) -> None:
    """SQLite's own words made it sound as if the folder were missing."""
    (tmp_path / "state").mkdir()
    path = _config(tmp_path, 'state = "sqlite:///calsync-sandbox.db"', 'state = "sqlite:///state"')
    for command in ("check", "sync", "status"):
        result = run.invoke(main, [command, "--config", str(path)])
        assert result.exit_code == 2, result.output
        assert f"line 4: state: {tmp_path / 'state'} is a folder; name a file in it" in (
            result.stderr
        )


def test_no_configuration_says_where_calsync_looks(
    run: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALSYNC_CONFIG", raising=False)
    result = run.invoke(main, ["status"])
    assert result.exit_code == 2
    assert (
        "calsync.toml: cannot read the configuration: no such file (calsync reads the file "
        "--config names, else $CALSYNC_CONFIG, else calsync.toml in the current folder)"
    ) in result.stderr


def test_the_demo_and_sandbox_folders_are_checked_first(run: CliRunner, tmp_path: Path) -> None:
    """Found from outside: a file or a read-only folder was an internal error half-way."""
    from .conftest import calsync

    a_file = tmp_path / "afile"
    a_file.write_text("x")
    for command in (["demo", "--keep", str(a_file)], ["sandbox", "serve", "--dir", str(a_file)]):
        result = run.invoke(main, command)
        assert result.exit_code == 2, result.output
        assert f"Directory '{a_file}' is a file" in result.stderr
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    for command in (["demo", "--keep"], ["sandbox", "serve", "--dir"]):
        ran = calsync(*command, str(read_only / "x"), file_permissions=True)
        assert ran.code == 2, ran.out + ran.err
        assert f"cannot write in {read_only / 'x'}: Permission denied" in ran.err


def test_lines_are_found_in_sub_tables_and_for_quoted_keys(run: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "calsync.toml"
    path.write_text(
        '# comment = "not a key"\n'
        'state = "sqlite:///calsync.db"\n'
        "[crm]\n"
        'provider = "sandbox"\n'
        'settings = { world = "lines", users = ["alice@example.com"] }\n'
        "[[mailboxes]]\n"
        'name = "alice"\n'
        'provider = "sandbox"\n'
        'address = "alice@example.com"\n'
        "[mailboxes.settings]\n"
        'world = "lines"\n'
        '"wrld" = 1\n'
        "[[mailboxes]]\n"
        'name = "bob"\n'
        'provider = "sandbox"\n'
        'address = "bob@example.com"\n'
        "  [mailboxes.policy]\n"
        '  mode = "bogus"\n',
        encoding="utf-8",
    )
    result = run.invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert "  line 12: mailboxes[0].settings: unknown key 'wrld' (did you mean 'world'?)" in (
        result.stderr
    )
    assert "  line 18: mailboxes[1].policy.mode: 'bogus' is not one of" in result.stderr


def test_a_byte_order_mark_from_a_windows_editor_is_read_past(
    run: CliRunner, tmp_path: Path
) -> None:
    """It used to read 'not valid TOML: Invalid statement (at line 1, column 1)'."""
    path = tmp_path / "calsync.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    result = run.invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 0, result.output
