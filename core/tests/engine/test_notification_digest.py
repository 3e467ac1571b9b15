"""``[notify] digest_interval``: at most one e-mail per interval, listing what needs action.

Judged by what a real SMTP server (aiosmtpd on 127.0.0.1) received; the held notifications
live in the state database, so a restart neither loses nor repeats them.
"""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest

from calsync.api import Calsync
from calsync.config import parse_config
from calsync.errors import ConfigError
from calsync.plugins import load_registry

from .conftest import Org

PEOPLE = {"alice": "alice@example.com", "bob": "bob@example.com"}


def notify(port: int, **extra: object) -> dict[str, object]:
    return {
        "channels": ["smtp"],
        "smtp": {
            "host": "127.0.0.1",
            "port": port,
            "tls": "none",
            "sender": "calsync@example.com",
            "recipients": ["admin@example.com"],
        },
        **extra,
    }


def open_app(org: Org, port: int) -> Calsync:
    """calsync as a new process would start it, on the organisation's state database."""
    data = {
        "state": org.db,
        "crm": {"provider": "sandbox"},
        "mailboxes": [{"name": n, "provider": "sandbox", "address": a} for n, a in PEOPLE.items()],
        "notify": notify(port, digest_interval="1h"),
    }
    return Calsync(
        parse_config(data, registry=load_registry(["sandbox", "notify"])),
        clock=org.clock.now,
        crm=org.crm.open_crm(),
        mailboxes={n: org.mail.open_mailbox(a) for n, a in PEOPLE.items()},
    )


def test_at_most_one_mail_per_interval_and_a_restart_loses_nothing(
    tmp_path: Path, smtp: tuple[int, list[bytes]]
) -> None:
    port, received = smtp
    org = Org(tmp_path, PEOPLE)
    app = open_app(org, port)
    org.crm.revoke_credentials()
    app.sync()  # the organisation is suspended: the first message goes out at once
    assert len(received) == 1 and b"refused calsync's credentials" in received[0]

    org.clock.advance(timedelta(minutes=10))
    org.crm.restore_credentials()
    org.mail.revoke_credentials()
    app.sync()  # resumed, then both mailboxes' credentials refused: held for the digest
    assert len(received) == 1
    app.close()

    app = open_app(org, port)  # a restart: what waits is still there, nothing is resent
    org.clock.advance(timedelta(minutes=10))
    app.sync()
    assert len(received) == 1

    org.clock.advance(timedelta(minutes=41))  # an hour after the first message
    app.sync()
    assert len(received) == 2
    digest = message_from_bytes(received[1])
    body = digest.get_payload(decode=True).decode()
    assert "3 things need attention" in digest["Subject"]
    assert "- alice: the mailbox refused the credentials" in body
    assert "- bob: the mailbox refused the credentials" in body
    assert "every mailbox syncs again" in body

    org.clock.advance(timedelta(hours=2))
    app.sync()  # nothing new: no message, and the digest is not repeated
    assert len(received) == 2
    app.close()


@pytest.mark.parametrize("value", ["soon", "30s", "8d", 3600])
def test_the_interval_is_a_duration_named_where_it_is(value: object) -> None:
    data = {
        "crm": {"provider": "sandbox"},
        "mailboxes": [{"name": "alice", "provider": "sandbox", "address": "a@example.com"}],
        "notify": notify(25, digest_interval=value),
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(data, registry=load_registry(["sandbox", "notify"]))
    assert caught.value.problems == [
        f'notify.digest_interval: a duration from "1m" to "7d" such as "15m", "1h" or "1d", '
        f"got {value!r}"
    ]
