"""The command line as an admin meets it from a shell, cron or systemd (issue 14).

Every command runs as its own process, its output a pipe (as under cron and systemd) or a
terminal (a pty). The sandbox services live in that process: a prelude seeds them.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
from pathlib import Path

import click
import pytest

from .process import Done, calsync, command

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
LONG_SUBJECT = (
    "Quarterly review with the regional procurement board and the logistics partners " * 2
)
ADDRESSES = {"alice": "alice@example.com", "bob": "bob@example.com", "zoe": "zoe@example.com"}

#: Seeds the in-memory sandbox of the process: alice has a meeting in a zone the CRM lacks
#: (a new issue someone must act on), bob an out-of-office item (an issue that needs nobody).
SEED = f"""
from datetime import UTC, datetime, timedelta
from calsync.model import CalendarItem, EventType
from calsync.sandbox.world import Sandbox
_world = Sandbox.named("ops")
_start = datetime(2031, 3, 3, 9, tzinfo=UTC)
_world.mailboxes.put("alice@example.com", CalendarItem(
    start=_start, end=_start + timedelta(hours=1), subject={LONG_SUBJECT!r}, zone="Asia/Tehran"
), item_id="a-1")
_world.mailboxes.put("bob@example.com", CalendarItem(
    start=_start, end=_start + timedelta(hours=8), subject="Away",
    event_type=EventType.OUT_OF_OFFICE,
), item_id="b-1")
"""


def then(*args: str) -> str:
    """A prelude line running a calsync command in the process first (a run before this one)."""
    return (
        "import contextlib, io\n"
        "from calsync.cli import main as _first\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    try:\n        _first({list(args)!r}, standalone_mode=False)\n"
        "    except SystemExit:\n        pass\n"
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "calsync.toml"
    mailboxes = "".join(
        f'[[mailboxes]]\nname = "{name}"\nprovider = "sandbox"\naddress = "{address}"\n'
        'settings = { world = "ops" }\n'
        for name, address in ADDRESSES.items()
    )
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        "[crm]\n"
        'provider = "sandbox"\n'
        'settings = { world = "ops", users = ["alice@example.com", "bob@example.com"] }\n'
        + mailboxes
    )
    return path


def run(config: Path, *args: str, prelude: str = SEED, tty: bool = False) -> Done:
    done = calsync(*args, "--config", str(config), prelude=prelude, tty=tty)
    assert "Traceback" not in done.err + done.out, done.err
    return done


def rows(out: str, title: str) -> list[dict[str, str]]:
    """The rows of the tab-separated table ``title`` in ``out``."""
    lines = out.splitlines()
    start = lines.index(f"# {title}")
    header = lines[start + 1].split("\t")
    found = []
    for line in lines[start + 2 :]:
        if line.startswith("# ") or "\t" not in line:
            break
        cells = line.split("\t")
        assert len(cells) == len(header), line
        found.append(dict(zip(header, cells, strict=True)))
    return found


# -- output: a pipe gets every cell whole, a terminal gets a table ----------------------------


def test_outside_a_terminal_tables_are_tab_separated_and_nothing_is_cut(config: Path) -> None:
    done = run(config, "sync")
    reports = {r["mailbox"]: r for r in rows(done.out, "Sync")}
    assert set(reports) == set(ADDRESSES)
    assert reports["alice"]["open issues"] == "UNSUPPORTED_TIME_ZONE"
    assert "…" not in done.out and "─" not in done.out and "syncing" not in done.out
    issues = rows(
        run(config, "issues", prelude=SEED + then("sync", "--config", str(config))).out, "Issues"
    )
    tehran = next(i for i in issues if i["code"] == "UNSUPPORTED_TIME_ZONE")
    assert LONG_SUBJECT.strip() in tehran["message"] and len(tehran["message"]) > 150
    assert ISO.match(tehran["last seen"])


def test_on_a_terminal_tables_are_drawn_and_long_passes_show_progress(config: Path) -> None:
    done = run(config, "sync", tty=True)
    # rich progress: which mailbox a frame names depends on when rich refreshes
    assert re.search(r"syncing (alice|bob|zoe)", done.out) and "3/3" in done.out
    assert "┃ mailbox" in done.out and "\t" not in done.out
    status = run(config, "status", tty=True)
    assert "┏" in status.out and "Mailboxes" in status.out
    narrow = calsync("status", "--config", str(config), prelude=SEED, tty=True, columns=60)
    assert "┏" in narrow.out and "…" not in narrow.out  # a narrow terminal folds cells


def test_timestamps_are_iso_8601_everywhere(config: Path) -> None:
    first = SEED + then("sync", "--config", str(config))
    status = json.loads(run(config, "status", "--json", prelude=first).out)
    alice = next(m for m in status["mailboxes"] if m["name"] == "alice")
    assert ISO.match(alice["last_success_at"]) and ISO.match(alice["last_pass_at"])
    [issue] = json.loads(run(config, "issues", "--json", "--mailbox", "alice", prelude=first).out)
    assert ISO.match(issue["first_seen"]) and ISO.match(issue["last_seen"])
    table = rows(run(config, "status", prelude=first).out, "Mailboxes")
    assert ISO.match(next(r for r in table if r["name"] == "alice")["last success"])


# -- advice in the issue's own words ---------------------------------------------------------

#: Every mailbox's own credentials refused (a CRM credential refused suspends the whole
#: organisation instead, with the organisation's advice).
REVOKED = SEED + "_world.mailboxes.revoked.add('*')\n"


def test_advice_is_rendered_with_the_issues_parameters_in_table_and_json(config: Path) -> None:
    first = REVOKED + then("sync", "--config", str(config))
    table = run(config, "issues", prelude=first)
    expected = (
        "Renew the credentials for the mailbox connection, then run "
        "`calsync enable --mailbox alice`"
    )
    assert table.code == 1 and expected in table.out
    assert "`calsync enable --mailbox bob`" in table.out
    assert not re.search(r"\{\w+\}", table.out)
    found = json.loads(run(config, "issues", "--json", prelude=first).out)
    auth = {i["mailbox"]: i["advice"] for i in found if i["code"] == "AUTH_FAILED"}
    assert auth["alice"].startswith(expected)
    assert not re.search(r"\{\w+\}", json.dumps([i["advice"] for i in found]))


# -- selecting mailboxes ---------------------------------------------------------------------


def test_mailbox_is_repeatable(config: Path) -> None:
    done = run(config, "sync", "--mailbox", "alice", "--mailbox", "zoe", "--json")
    assert [r["mailbox"] for r in json.loads(done.out)] == ["alice", "zoe"]
    unknown = run(config, "sync", "--mailbox", "alice", "--mailbox", "nobody")
    assert unknown.code == 2 and "no mailbox named 'nobody'" in unknown.err


def test_all_and_code_choose_mailboxes_for_enable_disable_reset(config: Path) -> None:
    first = SEED + then("sync", "--config", str(config))
    disabled = run(config, "disable", "--all", "--json", prelude=first)
    assert disabled.code == 0
    assert json.loads(disabled.out) == [
        {"mailbox": name, "status": "disabled"} for name in ADDRESSES
    ]
    only_zoe = run(config, "reset", "--code", "ADDRESS_NOT_LINKED", "--json", prelude=first)
    assert json.loads(only_zoe.out) == [{"mailbox": "zoe", "status": "disabled, reset pending"}]
    picked = run(
        config, "disable", "--mailbox", "alice", "--mailbox", "bob", "--json", prelude=first
    )
    assert [d["mailbox"] for d in json.loads(picked.out)] == ["alice", "bob"]
    none = run(config, "enable")
    assert none.code == 2 and "--mailbox NAME (repeatable), --all or --code CODE" in none.err
    both = run(config, "enable", "--all", "--mailbox", "alice")
    assert both.code == 2


# -- exit codes ------------------------------------------------------------------------------


def test_exit_0_when_only_issues_that_need_nobody(config: Path) -> None:
    done = run(config, "sync", "--mailbox", "bob", "--json")
    [bob] = json.loads(done.out)
    assert bob["issues"] == ["UNSUPPORTED_ITEM_KIND"] and done.code == 0


def test_exit_1_for_a_new_actionable_issue_then_0_while_it_stays_open(config: Path) -> None:
    assert run(config, "sync", "--mailbox", "alice").code == 1
    again = run(
        config,
        "sync",
        "--mailbox",
        "alice",
        "--json",
        prelude=SEED + then("sync", "--config", str(config), "--mailbox", "alice"),
    )
    assert json.loads(again.out)[0]["issues"] == ["UNSUPPORTED_TIME_ZONE"] and again.code == 0


def test_exit_1_for_a_suspension_every_time(config: Path) -> None:
    first = SEED + then("sync", "--config", str(config), "--mailbox", "zoe")
    done = run(config, "sync", "--mailbox", "zoe", "--json", prelude=first)
    assert json.loads(done.out)[0]["outcome"] == "suspended" and done.code == 1


def test_exit_2_for_usage_and_configuration(config: Path, tmp_path: Path) -> None:
    assert run(config, "sync", "--watch", "0").code == 2
    missing = calsync("status", "--config", str(tmp_path / "missing.toml"))
    assert missing.code == 2 and "Traceback" not in missing.err


def test_conformance_unknown_provider_is_2_and_all_skipped_is_not_0() -> None:
    # tox's core env installs core alone; the command then says what to install (exit 2).
    pytest.importorskip("calsync_conformance", reason="calsync-conformance is not installed")
    unknown = calsync("conformance", "--provider", "nosuch", "--json")
    assert unknown.code == 2 and "no conformance harness for nosuch" in unknown.err
    live = calsync("conformance", "--provider", "sandbox", "--live", "--json")
    results = json.loads(live.out)["results"]
    assert results and {r["outcome"] for r in results} == {"n/a"}
    assert live.code == 1 and "no case ran" in live.err


# -- INTERNAL_ERROR and logs -----------------------------------------------------------------

BROKEN = SEED + (
    "from calsync.sandbox.crm import SandboxCrm\n"
    "def _broken(self, addresses):\n    raise RuntimeError('the sandbox broke')\n"
    "SandboxCrm.users = _broken\n"
)


def test_an_internal_error_is_one_line_with_its_correlation_id_and_a_traceback_at_v(
    config: Path,
) -> None:
    quiet = run(config, "sync", "--mailbox", "alice", prelude=BROKEN)
    assert quiet.code == 1
    [line] = [x for x in quiet.err.splitlines() if "correlation id" in x]
    assert "run with -v for the traceback" in line and len(quiet.err.splitlines()) == 1
    [issue] = json.loads(run(config, "issues", "--json", "--code", "INTERNAL_ERROR").out)
    assert issue["correlation_id"] in line
    loud = calsync("-v", "sync", "--config", str(config), "--mailbox", "alice", prelude=BROKEN)
    assert "Traceback" in loud.err and "RuntimeError: the sandbox broke" in loud.err
    [again] = json.loads(run(config, "issues", "--json", "--code", "INTERNAL_ERROR").out)
    failed = [x for x in loud.err.splitlines() if "pass for alice failed" in x]
    assert failed and again["correlation_id"] in failed[0]


def test_a_crash_of_the_command_itself_is_one_line_too(config: Path) -> None:
    crash = "import calsync.api\ncalsync.api.Calsync.status = lambda self: 1 / 0\n"
    quiet = calsync("status", "--config", str(config), prelude=crash)
    assert quiet.code == 1 and "Traceback" not in quiet.err
    assert re.fullmatch(
        r"calsync: internal error: ZeroDivisionError \(correlation id \w{12}\); "
        r"run again with -v for the traceback\n",
        quiet.err,
    )
    loud = calsync("-v", "status", "--config", str(config), prelude=crash)
    assert "Traceback" in loud.err and loud.code == 1
    ids = re.findall(r"correlation id (\w{12})", loud.err)
    assert len(ids) == 2 and ids[0] == ids[1]  # the log and the one line agree


def test_v_logs_one_line_per_mailbox_pass(config: Path) -> None:
    done = calsync("-v", "sync", "--config", str(config), prelude=SEED)
    passes = [x for x in done.err.splitlines() if ": pass " in x]
    assert len(passes) == 3
    alice = next(x for x in passes if "alice: pass" in x)
    assert re.search(
        r"alice: pass issues, up 0, down 0, open issues 1, calls \d+ .*, [\d.]+ s$", alice
    )
    assert ISO.match(alice.split(" ")[0])


def test_json_log_records_carry_mailbox_and_correlation_id(config: Path) -> None:
    done = calsync("--log-format", "json", "-v", "sync", "--config", str(config), prelude=BROKEN)
    records = [json.loads(line) for line in done.err.splitlines()]
    assert records and all(
        {"time", "level", "message", "mailbox", "correlation_id"} <= set(r) for r in records
    )
    passes = [r for r in records if "outcome" in r]
    assert {r["mailbox"] for r in passes} == set(ADDRESSES)
    assert all(r["correlation_id"] for r in passes)
    failure = next(r for r in records if r.get("traceback"))
    assert failure["mailbox"] == "alice" and "RuntimeError" in failure["traceback"]


# -- status wording --------------------------------------------------------------------------


def test_status_words(config: Path) -> None:
    first = (
        SEED
        + then("sync", "--config", str(config))
        + then("disable", "--config", str(config), "--mailbox", "bob")
        + then("reset", "--config", str(config), "--mailbox", "alice")
    )
    table = {r["name"]: r for r in rows(run(config, "status", prelude=first).out, "Mailboxes")}
    assert table["bob"]["status"] == "disabled"
    assert table["alice"]["status"] == "active, reset pending"
    zoe = table["zoe"]
    assert zoe["status"] == "address-not-linked"
    assert zoe["up (mailbox → CRM)"] == zoe["down (CRM → mailbox)"] == "not-started"


def test_enable_says_where_the_mailbox_ended(config: Path) -> None:
    first = SEED + then("sync", "--config", str(config), "--mailbox", "zoe")
    still = run(config, "enable", "--mailbox", "zoe", prelude=first)
    assert still.code == 1 and "zoe: enabled; pass suspended" in still.out
    assert "now address-not-linked" in still.out
    linked = first + "_world.crm.add_user('zoe@example.com')\n"
    fixed = run(config, "enable", "--mailbox", "zoe", "--json", prelude=linked)
    [report] = json.loads(fixed.out)
    assert fixed.code == 0 and report["outcome"] == "ok" and report["status"] == "active"


# -- examples and the sandbox server ---------------------------------------------------------


def test_the_sandbox_example_syncs(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[3] / "examples" / "sandbox.toml"
    shutil.copy(example, tmp_path / "sandbox.toml")
    done = calsync("sync", "--config", str(tmp_path / "sandbox.toml"), "--json")
    assert done.code == 0, done.err
    assert {r["mailbox"]: r["outcome"] for r in json.loads(done.out)} == {
        "alice": "ok",
        "bob": "ok",
    }


def test_watch_streams_json_lines_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[3] / "examples" / "sandbox.toml"
    shutil.copy(example, tmp_path / "sandbox.toml")
    process = subprocess.Popen(
        command(("sync", "--config", str(tmp_path / "sandbox.toml"), "--watch", "1", "--json"), ""),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    rounds = [json.loads(process.stdout.readline()) for _ in range(2)]
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    rounds += [json.loads(line) for line in out.splitlines()]  # a round under way finishes
    assert {tuple(r["outcome"] for r in round_) for round_ in rounds} == {("ok", "ok")}
    assert process.returncode == 0 and err == ""


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    found = []
    for name, sub in group.commands.items():
        if isinstance(sub, click.Group):
            found += _commands(sub, (*path, name))
        else:
            found.append((" ".join((*path, name)), sub))
    return found


#: The admin console's own commands (its helper's part of the tree).
# Not reports: a helper that prints one hash, and long-running services whose output is their
# log (`--log-format json` makes that machine-readable).
OUTSIDE = {"web hash-password", "worker", "scheduler"}


def test_every_command_has_json() -> None:
    from calsync.cli import main

    missing = [
        name
        for name, command_ in _commands(main)
        if name not in OUTSIDE
        and "--json" not in {opt for p in command_.params for opt in getattr(p, "opts", [])}
    ]
    assert missing == []


def test_vv_adds_each_provider_call(config: Path) -> None:
    done = calsync("-vv", "sync", "--config", str(config), "--mailbox", "alice", prelude=SEED)
    lines = done.err.splitlines()
    calls = [
        x for x in lines if re.search(r" DEBUG calsync\.engine \[alice \w+\]: (crm|mailbox)\.", x)
    ]
    [summary] = [x for x in lines if "alice: pass" in x]
    assert len(calls) == int(re.search(r"calls (\d+)", summary)[1])  # type: ignore[index]
    assert LONG_SUBJECT.strip() not in done.err  # names of calls, never their content
    quieter = calsync("-v", "sync", "--config", str(config), "--mailbox", "alice", prelude=SEED)
    assert " DEBUG " not in quieter.err
