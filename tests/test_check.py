"""``calsync check`` with the real provider plugins: what a pass would trip over is exit 2.

Each command runs in a new process with no terminal, as cron would run it.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from calsync.emulation import FaultKind, HttpRequest
from calsync.model import CalendarItem
from calsync_exchange.harness import ExchangeHarness
from calsync_gmail.harness import GmailHarness
from calsync_salesforce.harness import SalesforceCrmHarness

START = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
END = START + timedelta(hours=1)

#: The command line, in a new process.
CALSYNC = (sys.executable, "-c", "from calsync.cli import main; main()")

HEAD = """\
[crm]
provider = "salesforce"
[crm.settings]
instance_url = "https://example.my.salesforce.com"
session_id = { env = "HOME" }
"""

EXCHANGE = """\
[[mailboxes]]
name = "alice"
provider = "exchange"
address = "alice@example.com"
[mailboxes.settings]
endpoint = "https://mail.example.com/EWS/Exchange.asmx"
password = { env = "HOME" }
"""

GMAIL = """\
[[mailboxes]]
name = "carol"
provider = "gmail"
address = "carol@example.com"
[mailboxes.settings]
service_account_key = { file = "KEY" }
"""


def check(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    """Write ``text`` as the configuration and check it: the exit code and the problems."""
    path = tmp_path / "calsync.toml"
    key = tmp_path / "service-account.json"
    key.write_text("this is not JSON")
    path.write_text(text.replace("KEY", str(key)))
    done = subprocess.run(
        [*CALSYNC, "check", "--config", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, result["problems"]


def test_a_sound_configuration_passes(tmp_path: Path) -> None:
    assert check(tmp_path, HEAD + EXCHANGE) == (0, [])


def test_exchange_online_with_a_password_is_refused_with_advice(tmp_path: Path) -> None:
    text = HEAD + EXCHANGE.replace(
        'endpoint = "https://mail.example.com/EWS/Exchange.asmx"',
        'endpoint = "https://outlook.office365.com/EWS/Exchange.asmx"\nauth = "basic"',
    )
    code, [problem] = check(tmp_path, text)
    assert code == 2
    assert problem.startswith(
        "mailboxes[0].settings: auth = 'basic' does not work with Exchange Online"
    )
    for advice in ("since 1 October 2026", "auth = 'oauth'", "EWS allow list", "graph"):
        assert advice in problem


GROUP = """\
[mailbox_defaults]
provider = "exchange"
permission_set = "Calendar_Sync"
[mailbox_defaults.settings]
endpoint = "https://outlook.office365.com/EWS/Exchange.asmx"
auth = "basic"
password = { env = "CALSYNC_TEST_NOT_SET" }
"""


def test_the_mailboxes_of_a_synced_group_are_checked_offline(tmp_path: Path) -> None:
    """[mailbox_defaults] alone builds the group's mailboxes: check finds what their passes would.

    Found from outside: check said ok, and every member's pass then stopped on CONFIG_INVALID.
    """
    code, problems = check(tmp_path, HEAD + GROUP)
    assert code == 2
    assert problems == [
        "mailbox_defaults.settings.password: environment variable CALSYNC_TEST_NOT_SET is not set"
    ]
    code, [problem] = check(tmp_path, HEAD + GROUP.replace("CALSYNC_TEST_NOT_SET", "HOME"))
    assert code == 2
    assert problem.startswith(
        "mailbox_defaults.settings: auth = 'basic' does not work with Exchange Online"
    )
    sound = GROUP.replace("outlook.office365.com", "mail.example.com").replace(
        "CALSYNC_TEST_NOT_SET", "HOME"
    )
    assert check(tmp_path, HEAD + sound) == (0, [])


def test_every_value_out_of_shape_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        HEAD.replace("https://example.my", "ftp://example.my")
        + "timeout_seconds = 86400\n"
        + EXCHANGE.replace("https://mail.example.com", "mail.example.com")
        + 'time_zone = "Mars/Olympus"\n'
        + GMAIL
        + 'calendar_api = "localhost:8080/calendar/v3/"\ntimeout = 0\n'
    )
    code, problems = check(tmp_path, text)
    assert code == 2
    assert problems == [
        "crm.settings.instance_url: 'ftp://example.my.salesforce.com' is not an http:// or "
        "https:// URL with a host",
        "crm.settings.timeout_seconds: 86400 seconds is out of range: more than 0 and at most 900",
        "mailboxes[0].settings.endpoint: 'mail.example.com/EWS/Exchange.asmx' is not an "
        "http:// or https:// URL with a host",
        "mailboxes[0].settings.time_zone: 'Mars/Olympus' is not a time zone calsync knows; "
        "write an IANA id such as 'Europe/Berlin' or a Windows id such as "
        "'W. Europe Standard Time'",
        "mailboxes[1].settings.calendar_api: 'localhost:8080/calendar/v3/' is not an http:// "
        "or https:// URL with a host",
        "mailboxes[1].settings.timeout: 0 seconds is out of range: more than 0 and at most 900",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            (HEAD + EXCHANGE).replace(
                'session_id = { env = "HOME" }', 'session_id = { env = "CALSYNC_NEVER_SET" }'
            ),
            "crm.settings.session_id: environment variable CALSYNC_NEVER_SET is not set",
            id="salesforce-secret",
        ),
        pytest.param(
            (HEAD + EXCHANGE).replace(
                'instance_url = "https://example.my.salesforce.com"\nsession_id = { env = "HOME" }',
                'username = "integration@example.com"',
            ),
            "crm.settings: give instance_url and session_id, or username with private_key",
            id="salesforce-no-sign-in",
        ),
        pytest.param(
            HEAD + GMAIL,
            "mailboxes[0].settings: the service account key in file {key} is not JSON",
            id="gmail-key",
        ),
    ],
)
def test_what_only_building_the_provider_finds_is_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    code, problems = check(tmp_path, text)
    assert code == 2
    key = tmp_path / "service-account.json"
    assert [p[: len(expected.format(key=key))] for p in problems] == [expected.format(key=key)]


class Org:
    """Exchange, Google and Salesforce emulators served on sockets: alice, bob and dan on
    Exchange, carol on Google; bob is no Salesforce user."""

    def __init__(self) -> None:
        self.exchange, self.gmail, self.crm = (
            ExchangeHarness(),
            GmailHarness(),
            SalesforceCrmHarness(),
        )
        for address in ("alice@example.com", "bob@example.com", "dan@example.com"):
            self.exchange.open_mailbox(address)
        self.gmail.open_mailbox("carol@example.com")
        for address in ("alice@example.com", "carol@example.com", "dan@example.com"):
            self.crm.add_user(address)

    def check_connect(
        self, tmp_path: Path, *, wrong_password_for_dan: bool = True
    ) -> tuple[int, dict[str, Any], str]:
        """Run ``check --connect --json``: the exit code, the result and all it printed."""
        served = [self.exchange.serve(), self.gmail.serve(), self.crm.serve()]
        try:
            ex, gm, sf = served
            dan = ex.settings("dan@example.com")
            if wrong_password_for_dan:
                dan |= {"password": {"env": "DAN_WRONG_PASSWORD"}}
            document = {
                "crm": {"provider": "salesforce", "settings": sf.settings(None)},
                "mailboxes": [
                    _mailbox("alice", "exchange", ex.settings("alice@example.com")),
                    _mailbox("bob", "exchange", ex.settings("bob@example.com")),
                    _mailbox("carol", "gmail", gm.settings("carol@example.com")),
                    _mailbox("dan", "exchange", dan),
                ],
            }
            path = tmp_path / "calsync.toml"
            path.write_text(tomli_w.dumps(document))
            for emulator in (self.exchange.emulator, self.gmail.emulator, self.crm.emulator):
                emulator.reset_counts()
            environment = {k: v for e in served for k, v in e.environment.items()}
            done = subprocess.run(
                [*CALSYNC, "check", "--config", str(path), "--connect", "--json"],
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
                env=os.environ | environment | {"DAN_WRONG_PASSWORD": "not-dans-password"},
            )
        finally:
            for endpoint in served:
                endpoint.stop()
        assert "Traceback" not in done.stderr
        return done.returncode, json.loads(done.stdout), done.stdout + done.stderr


def _found(result: dict[str, Any]) -> dict[str, tuple[bool | None, bool | None]]:
    return {
        m["name"]: (m["mailbox"]["ok"], m["crm_user"]["ok"])
        for m in result["connections"]["mailboxes"]
    }


def test_connect_reaches_each_service_once_and_reports_each_mailbox(tmp_path: Path) -> None:
    org = Org()
    code, result, printed = org.check_connect(tmp_path)
    assert code == 2  # refused credentials and an unlinked address: setup mistakes
    assert _found(result) == {
        "alice": (True, True),
        "bob": (True, False),
        "carol": (True, True),
        "dan": (False, True),
    }
    by_name = {m["name"]: m for m in result["connections"]["mailboxes"]}
    assert by_name["bob"]["crm_user"]["detail"].startswith("ADDRESS_NOT_LINKED")
    assert by_name["dan"]["mailbox"]["detail"].startswith("AUTH_FAILED")
    assert result["connections"]["crm"]["ok"] is True
    # Judged from the services: each reached once, nothing read beyond that, nothing written.
    assert org.exchange.emulator.counts == {"GetFolder": 3}
    assert set(org.gmail.emulator.counts) <= {"oauth2.token", "calendar.calendars.get"}
    assert org.gmail.emulator.counts["calendar.calendars.get"] == 1
    assert org.crm.emulator.counts == {"query": 1}  # one lookup of every owner's address
    assert "not-dans-password" not in printed


def test_connect_exits_1_when_a_service_is_only_down(tmp_path: Path) -> None:
    org = Org()
    org.crm.inject(FaultKind.SERVER_ERROR, detail="503", times=None)
    code, result, _ = org.check_connect(tmp_path, wrong_password_for_dan=False)
    assert code == 1
    crm = result["connections"]["crm"]
    assert (crm["ok"], crm["transient"]) == (False, True)
    assert crm["detail"].startswith("SERVICE_UNAVAILABLE")
    assert _found(result) == dict.fromkeys(("alice", "bob", "carol", "dan"), (True, None))


def _mailbox(name: str, provider: str, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "provider": provider,
        "address": f"{name}@example.com",
        "settings": settings,
    }


def test_sync_names_a_setup_mistake_as_a_configuration_error(tmp_path: Path) -> None:
    """A secret that cannot be read when a pass starts is exit 2 naming it, no INTERNAL_ERROR."""
    path = tmp_path / "calsync.toml"
    path.write_text(
        (HEAD + EXCHANGE)
        .replace('session_id = { env = "HOME" }', 'session_id = { env = "CALSYNC_NEVER_SET" }')
        .replace("https://example.my.salesforce.com", "https://127.0.0.1:9")
        .replace("https://mail.example.com", "http://127.0.0.1:9")
    )
    done = subprocess.run(
        [*CALSYNC, "sync", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "configuration error" in done.stderr
    assert "mailbox alice: crm: environment variable CALSYNC_NEVER_SET is not set" in done.stderr
    issues = subprocess.run(
        [*CALSYNC, "issues", "--config", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    [issue] = json.loads(issues.stdout)
    assert (issue["mailbox"], issue["code"]) == ("alice", "CONFIG_INVALID")
    assert "environment variable CALSYNC_NEVER_SET is not set" in issue["message"]


def test_a_crm_secret_gone_fails_every_pass_of_a_round_naming_the_crm(tmp_path: Path) -> None:
    """The round's read meets it first and leaves it to the passes: each says so, exit 2."""
    path = tmp_path / "calsync.toml"
    path.write_text(
        (HEAD + EXCHANGE + EXCHANGE.replace("alice", "bob"))
        .replace('session_id = { env = "HOME" }', 'session_id = { env = "CALSYNC_NEVER_SET" }')
        .replace("https://mail.example.com", "http://127.0.0.1:9")
    )
    done = subprocess.run(
        [*CALSYNC, "sync", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "configuration error" in done.stderr
    for name in ("alice", "bob"):
        assert f"mailbox {name}: crm: environment variable CALSYNC_NEVER_SET is not set" in (
            done.stderr
        )


def _basic_users(requests: Sequence[HttpRequest]) -> set[str]:
    """The users the requests authenticated as (HTTP basic)."""
    users = set()
    for request in requests:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            users.add(base64.b64decode(value).decode().partition(":")[0].lower())
    return users


def test_a_secret_gone_since_check_stops_only_its_mailbox(tmp_path: Path) -> None:
    """bob's password file goes after `check`: alice syncs, bob waits with CONFIG_INVALID, exit 2."""
    exchange, crm = ExchangeHarness(), SalesforceCrmHarness()
    users = {}
    for name in ("alice", "bob"):
        address = f"{name}@example.com"
        exchange.open_mailbox(address)
        users[name] = crm.add_user(address)
        exchange.seed(address, CalendarItem(subject=f"{name}'s review", start=START, end=END))
    mail, sf = exchange.serve(), crm.serve()
    try:
        secret = tmp_path / "bob.password"
        bob = mail.settings("bob@example.com")
        secret.write_text(mail.environment[bob["password"]["env"]])
        document = {
            "state": f"sqlite:///{tmp_path / 'state.db'}",
            "crm": {"provider": "salesforce", "settings": sf.settings(None)},
            "mailboxes": [
                _mailbox("alice", "exchange", mail.settings("alice@example.com")),
                _mailbox("bob", "exchange", bob | {"password": {"file": str(secret)}}),
            ],
        }
        path = tmp_path / "calsync.toml"
        path.write_text(tomli_w.dumps(document))
        environment = os.environ | dict(mail.environment) | dict(sf.environment)

        def calsync(*args: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run(
                [*CALSYNC, *args, "--config", str(path)],
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
                env=environment,
            )
            assert "Traceback" not in done.stderr + done.stdout
            return done

        assert calsync("check").returncode == 0
        secret.unlink()
        done = calsync("sync", "--json")
        assert done.returncode == 2, done.stderr
        assert "configuration error" in done.stderr
        assert f"mailbox bob: secret file {secret} does not exist" in done.stderr
        reports = {r["mailbox"]: r for r in json.loads(done.stdout)}
        assert (reports["alice"]["outcome"], reports["alice"]["synced_up"]) == ("ok", 1)
        assert reports["bob"]["outcome"] == "misconfigured"
        assert reports["bob"]["issues"] == ["CONFIG_INVALID"]
        # Judged from the services: alice's event is in Salesforce, bob's mailbox was not
        # even asked (nothing authenticated as bob), and nothing was written for him.
        assert [e.subject for e in crm.items(users["alice"])] == ["alice's review"]
        assert crm.items(users["bob"]) == ()
        assert _basic_users(exchange.emulator.received) == {"alice@example.com"}
        [issue] = json.loads(calsync("issues", "--json").stdout)
        assert (issue["mailbox"], issue["code"]) == ("bob", "CONFIG_INVALID")
        assert str(secret) in issue["message"] and "calsync check" in issue["advice"]

        secret.write_text(mail.environment[bob["password"]["env"]])  # the fix
        done = calsync("sync", "--json")
        assert done.returncode == 0, done.stderr
        assert [e.subject for e in crm.items(users["bob"])] == ["bob's review"]
        assert json.loads(calsync("issues", "--json").stdout) == []
    finally:
        mail.stop()
        sf.stop()
