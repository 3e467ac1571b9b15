"""``calsync check`` with the real provider plugins: what a pass would trip over is exit 2.

Each command runs in a new process with no terminal, as cron would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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
