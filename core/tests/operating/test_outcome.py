"""The exit-code rule: 0 when the job was done, 1 when something needs a person."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from calsync.cli.outcome import exit_code, new_issues
from calsync.engine import PassReport
from calsync.issues import Issue, Source

T0 = datetime(2027, 3, 1, 8, tzinfo=UTC)


def issue(code: str, mailbox: str = "alice", *, seen: datetime = T0) -> Issue:
    return Issue(
        code=code,
        mailbox=mailbox,
        side=Source.MAILBOX,
        item_id="x",
        message="m",
        first_seen=seen,
        last_seen=seen,
    )


def test_outcomes_that_need_nobody_exit_0() -> None:
    reports = [
        PassReport(mailbox=m, outcome=o)
        for m, o in (("a", "ok"), ("b", "issues"), ("c", "disabled"), ("d", "busy"))
    ]
    quiet = [issue("UNSUPPORTED_ITEM_KIND"), issue("ORGANIZER_NOT_SYNCED"), issue("UNRESOLVED")]
    assert exit_code(reports, quiet) == 0


def test_suspended_failed_or_a_new_actionable_issue_exit_1() -> None:
    assert exit_code([PassReport(mailbox="a", outcome="suspended")], []) == 1
    assert exit_code([PassReport(mailbox="a", outcome="failed")], []) == 1
    assert (
        exit_code([PassReport(mailbox="a", outcome="issues")], [issue("FIELD_ACCESS_DENIED")]) == 1
    )


def test_only_issues_this_run_opened_for_its_mailboxes_count() -> None:
    found = [
        issue("UNSUPPORTED_TIME_ZONE", seen=T0 - timedelta(hours=1)),  # already open
        issue("UNSUPPORTED_TIME_ZONE", "bob", seen=T0),  # another process, another mailbox
        issue("FIELD_ACCESS_DENIED", seen=T0 + timedelta(seconds=1)),
    ]
    assert [i.code for i in new_issues(found, T0, ["alice"])] == ["FIELD_ACCESS_DENIED"]


def test_the_log_handler_follows_stderr_after_an_in_process_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from click.testing import CliRunner

    from calsync.cli import main

    assert CliRunner().invoke(main, ["plugins", "--json"]).exit_code == 0
    logging.getLogger("calsync.test").warning("said after the command returned")
    err = capsys.readouterr().err
    assert "said after the command returned" in err and "Logging error" not in err
