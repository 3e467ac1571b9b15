"""Crash safety: a pass killed at any step and run again creates no duplicate and loses nothing."""

from __future__ import annotations

from typing import Any

import pytest

from calsync.model import ItemKind

from .conftest import Org, meeting
from .test_series import weekly_series

ALICE = "alice@example.com"


class Killed(BaseException):
    """The process died (not an Exception: nothing in calsync may catch it)."""


class Dies:
    """Proxies ``target`` and dies right after (or before) the ``nth`` call of ``method``."""

    def __init__(self, target: Any, method: str, *, nth: int = 1, before: bool = False) -> None:
        self.target, self.method, self.nth, self.before, self.calls = target, method, nth, before, 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.target, name)
        if name != self.method:
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.nth and self.before:
                raise Killed(name)
            result = attribute(*args, **kwargs)
            if self.calls == self.nth:
                raise Killed(name)
            return result

        return call


def scenario(org: Org) -> None:
    org.mail.seed(ALICE, meeting("Up 1"))
    org.mail.seed(ALICE, meeting("Up 2", days=2))
    org.mail.seed(ALICE, weekly_series("Up series"))
    org.mail.seed(ALICE, meeting("Bad zone", zone="Asia/Tehran", days=3))
    org.crm.seed(org.users["alice"], meeting("Down 1", days=4))


def assert_converged(org: Org) -> None:
    crm = sorted(e.subject for e in org.crm_events())
    mail = sorted(i.subject for i in org.mail.items(ALICE) if i.kind is not ItemKind.EXCEPTION)
    assert crm == ["Down 1", "Up 1", "Up 2", "Up series"], crm
    assert mail == ["Bad zone", "Down 1", "Up 1", "Up 2", "Up series"], mail
    assert org.issue_codes() == ["UNSUPPORTED_TIME_ZONE"]
    assert org.app.state.outbox("alice") == []


@pytest.mark.parametrize(
    ("where", "method", "before"),
    [
        ("crm", "write", False),  # the CRM made the writes; their results never committed
        ("mailbox", "write", False),
        ("crm", "write", True),  # died with the outbox committed, before anything was sent
        ("mailbox", "set_markers", False),
        ("state", "set_cursor", True),  # everything written, cursors not yet advanced
        ("state", "save_issue", False),
    ],
)
def test_a_pass_killed_and_run_again_converges(
    org: Org, where: str, method: str, before: bool
) -> None:
    scenario(org)
    engine = org.app.engine
    if where == "crm":
        engine._crm = Dies(engine._crm, method, before=before)  # type: ignore[assignment]
    elif where == "mailbox":
        engine._mailboxes["alice"] = Dies(engine._mailboxes["alice"], method, before=before)  # type: ignore[assignment]
    else:
        engine.state = Dies(engine.state, method, before=before)  # type: ignore[assignment]
    with pytest.raises(Killed):
        org.sync()
    org.configure({})  # a new process: fresh providers and state connection
    org.settle()
    assert_converged(org)


def test_killed_twice_in_a_row_still_converges(org: Org) -> None:
    scenario(org)
    for _ in range(2):
        org.app.engine._crm = Dies(org.app.engine._crm, "write")  # type: ignore[assignment]
        with pytest.raises(Killed):
            org.sync()
        org.configure({})
    org.settle()
    assert_converged(org)
