"""A notification whose e-mail could not be sent stays, and goes out once on a later pass.

Judged by what a real SMTP server (aiosmtpd on 127.0.0.1) received: down at the first send,
or refusing it (5xx), nothing is lost, the server is not asked again before the back-off,
and once it accepts, the e-mail arrives exactly once, a restart included.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.config.secrets import Secret
from calsync.notify import NotDelivered, Notification, NotificationKind
from calsync.notify.smtp import SmtpNotifier, SmtpSettings, Tls
from calsync.plugins import load_registry
from calsync.state import State
from calsync.state.notices import RETRY_FIRST, RETRY_MAX, SENDING, retry_delay

from .conftest import NOW, Org

PEOPLE = {"alice": "alice@example.com"}
REFUSED = "554 5.7.1 <admin@example.com>: relay refused for policy reasons"


class MailServer:
    """An aiosmtpd server on a fixed port that can be down, up, or refusing every message."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.received: list[bytes] = []
        self.refuse = False
        self._controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):  # type: ignore[no-untyped-def]
                if server.refuse:
                    return REFUSED
                server.received.append(envelope.content)
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def server() -> Iterator[MailServer]:
    mail = MailServer()
    try:
        yield mail
    finally:
        mail.stop()


def open_app(org: Org, port: int) -> Calsync:
    """calsync as a new process would start it (no digest interval: notices go out at once)."""
    data = {
        "state": org.db,
        "crm": {"provider": "sandbox"},
        "mailboxes": [{"name": n, "provider": "sandbox", "address": a} for n, a in PEOPLE.items()],
        "notify": {
            "channels": ["smtp"],
            "smtp": {
                "host": "127.0.0.1",
                "port": port,
                "tls": "none",
                "sender": "calsync@example.com",
                "recipients": ["admin@example.com"],
            },
        },
    }
    return Calsync(
        parse_config(data, registry=load_registry(["sandbox", "notify"])),
        clock=org.clock.now,
        crm=org.crm.open_crm(),
        mailboxes={n: org.mail.open_mailbox(a) for n, a in PEOPLE.items()},
    )


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "could not send" in r.getMessage()]


def test_a_server_down_at_the_first_send_loses_nothing(
    tmp_path: Path, server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, "calsync.notify")
    org = Org(tmp_path, PEOPLE)
    app = open_app(org, server.port)
    org.crm.revoke_credentials()
    app.sync()  # the organisation waits on refused credentials; the mail server is down
    assert server.received == [] and len(failures_logged(caplog)) == 1

    server.start()
    org.clock.advance(RETRY_FIRST / 2)
    app.sync()  # backing off: the server is not asked again yet
    assert server.received == [] and len(failures_logged(caplog)) == 1

    org.clock.advance(RETRY_FIRST / 2)
    app.sync()
    [mail] = server.received
    assert b"refused calsync's credentials" in mail

    org.clock.advance(timedelta(hours=2))
    app.sync()  # sent once: not again
    app.close()
    app = open_app(org, server.port)  # nor after a restart
    app.sync()
    app.close()
    assert len(server.received) == 1 and len(failures_logged(caplog)) == 1


def test_a_refused_message_is_sent_again_with_a_growing_wait(
    tmp_path: Path, server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, "calsync.notify")
    server.refuse = True
    server.start()
    org = Org(tmp_path, PEOPLE)
    app = open_app(org, server.port)
    org.crm.revoke_credentials()
    app.sync()
    org.clock.advance(RETRY_FIRST)
    app.sync()  # refused again: the next try waits twice as long
    assert server.received == []
    [_, second] = failures_logged(caplog)
    # The server's words, with the recipient's domain but not the whole address.
    assert "554" in second and "@example.com" in second and "admin@" not in second

    server.refuse = False
    org.clock.advance(RETRY_FIRST)
    app.sync()
    assert server.received == []
    org.clock.advance(RETRY_FIRST)
    app.sync()
    assert len(server.received) == 1 and b"refused calsync's credentials" in server.received[0]
    org.clock.advance(RETRY_MAX)
    app.sync()
    app.close()
    assert len(server.received) == 1 and len(failures_logged(caplog)) == 2


def test_a_failed_send_is_logged_with_the_domain_never_the_password(
    server: MailServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALSYNC_TEST_SMTP_PASSWORD", "hunter2-secret")
    server.start()  # it offers no AUTH: the login is what fails
    notifier = SmtpNotifier(
        SmtpSettings(
            host="127.0.0.1",
            port=server.port,
            tls=Tls.NONE,
            sender="calsync@example.com",
            recipients=("admin@example.com", "ops@example.org"),
            username="calsync",
            password=Secret(env="CALSYNC_TEST_SMTP_PASSWORD"),
            timeout=5,
        )
    )
    notice = Notification(
        kind=NotificationKind.AUTH_FAILED,
        mailbox="alice",
        address="alice@example.com",
        summary="s",
        advice="a",
        at=NOW,
    )
    with pytest.raises(NotDelivered):
        notifier.notify(notice)
    [line] = failures_logged(caplog)
    assert "to example.com, example.org" in line and "alice" in line
    assert "admin@" not in caplog.text and "hunter2" not in caplog.text


def test_a_send_under_way_is_left_alone_and_one_killed_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    state, other = State(url), State(url)  # two processes on one database
    state.hold_notice(
        Notification(
            kind=NotificationKind.FAILING,
            mailbox="alice",
            address="alice@example.com",
            summary="s",
            advice="a",
            at=NOW,
        )
    )

    def never(_: object) -> bool:
        raise AssertionError("sent twice")

    def killed(_: object) -> bool:
        assert other.send_due_notices(NOW, timedelta(0), never) == 1  # claimed: left alone
        raise KeyboardInterrupt  # the process dies while the mail server answers

    with pytest.raises(KeyboardInterrupt):
        state.send_due_notices(NOW, timedelta(0), killed)
    assert other.send_due_notices(NOW + SENDING - timedelta(seconds=1), timedelta(0), never) == 1
    sent: list[Notification] = []

    def accepted(notices: Sequence[Notification]) -> bool:
        sent.extend(notices)
        return True

    assert other.send_due_notices(NOW + SENDING, timedelta(0), accepted) == 0
    assert [n.mailbox for n in sent] == ["alice"]
    assert other.send_due_notices(NOW + SENDING * 2, timedelta(0), never) == 0
    state.close()
    other.close()


def test_the_wait_doubles_up_to_a_bound() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [RETRY_FIRST, RETRY_FIRST * 2, RETRY_FIRST * 4]
    assert retry_delay(10) == retry_delay(1000) == RETRY_MAX


def test_a_workers_pass_outside_a_round_sends_what_waits(
    tmp_path: Path, server: MailServer
) -> None:
    org = Org(tmp_path, PEOPLE)
    app = open_app(org, server.port)
    org.mail.revoke_credentials()
    app.sync()  # alice's credentials refused; the mail server is down
    org.mail.restore_credentials()
    app.mark_enabled("alice")  # what `calsync enable` does with workers
    server.start()
    org.clock.advance(RETRY_FIRST)
    app.engine.run_mailbox(app.engine.roster.named("alice"))  # as a worker runs it
    assert len(server.received) == 1 and b"alice" in server.received[0]
    app.engine.run_mailbox(app.engine.roster.named("alice"))
    app.close()
    assert len(server.received) == 1
