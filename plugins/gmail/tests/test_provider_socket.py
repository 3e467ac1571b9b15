"""Socket mode: the provider built by ``from_context`` from a TOML file, against EmulatorServer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from gapi_support import ALICE
from provider_support import single

from calsync.config import load_config
from calsync.config.secrets import Secret
from calsync.emulation.server import EmulatorServer
from calsync.errors import ConfigError
from calsync.markers import Marker, MarkerChange
from calsync.plugins import load_registry
from calsync.providers import ProviderContext, Role, Write
from calsync_gmail.emulator import DEFAULT_SCOPES, GoogleEmulator
from calsync_gmail.emulator._oauth import INSTALLED_CLIENT_ID
from calsync_gmail.provider import GmailMailbox
from calsync_gmail.settings import GmailSettings


@pytest.fixture
def server(emulator: GoogleEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


def _config(tmp_path: Path, url: str, credentials: str) -> Path:
    path = tmp_path / "calsync.toml"
    path.write_text(
        f"""
state = "sqlite:///{tmp_path / "state.db"}"

[crm]
provider = "sandbox"

[[mailboxes]]
name = "alice"
provider = "gmail"
address = "{ALICE}"

[mailboxes.settings]
{credentials}
calendar_api = "{url}/calendar/v3/"
gmail_api = "{url}/"
calendar_batch_uri = "{url}/batch/calendar/v3"
gmail_batch_uri = "{url}/batch"
token_uri = "{url}/token"
batch_size = 2
timeout = 5
""",
        encoding="utf-8",
    )
    return path


def _provider(path: Path) -> GmailMailbox:
    config = load_config(path)
    (mailbox,) = config.mailboxes
    assert isinstance(mailbox.settings, GmailSettings)
    spec = load_registry(["gmail"]).provider(Role.MAILBOX, "gmail")
    provider = spec.provider.from_context(
        ProviderContext(settings=mailbox.settings, name=mailbox.name, address=mailbox.address)
    )
    assert isinstance(provider, GmailMailbox)
    return provider


def _exercise(provider: GmailMailbox, emulator: GoogleEmulator) -> None:
    results = provider.write(
        [Write.create(single(f"S{n}", day=10 + n, counterpart_id=f"s{n}")) for n in range(3)]
    )
    assert all(r.ok for r in results)
    assert emulator.counts["batch"] == 2  # batch_size = 2 from the file
    delta = provider.pull(None)
    assert sorted(i.subject for i in delta.changed) == ["S0", "S1", "S2"]
    first = results[0].ref
    assert first is not None
    uid = (emulator.event(ALICE, first.id) or {})["iCalUID"]
    ics = f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    message = emulator.seed_message(
        ALICE, attachments=[("invite.ics", "text/calendar", ics.encode())]
    )
    (marked,) = provider.set_markers(
        [MarkerChange(item_id=first.id, marker=Marker(code="X", detail="d"))]
    )
    assert marked.ok
    assert (emulator.event(ALICE, first.id) or {})["colorId"] == "11"
    label = {lb["name"]: lb["id"] for lb in emulator.labels(ALICE)}["Salesforce Emails/Sync Error"]
    assert label in (emulator.message(ALICE, message) or {})["labelIds"]
    assert provider.pull(delta.cursor).changed[0].body == ""
    assert emulator.notifications_requested == 0
    provider.close()


def test_service_account_key_from_a_file(
    emulator: GoogleEmulator, server: EmulatorServer, tmp_path: Path
) -> None:
    key = tmp_path / "sa.json"
    key.write_text(
        json.dumps(emulator.service_account_info()), encoding="utf-8"
    )  # production token_uri
    provider = _provider(
        _config(tmp_path, server.url, f'service_account_key = {{ file = "{key}" }}')
    )
    _exercise(provider, emulator)
    assert emulator.counts["oauth2.token"] >= 1  # the token_uri setting sent the JWT grant here


def test_user_credentials_from_the_environment(
    emulator: GoogleEmulator,
    server: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GMAIL_CLIENT_ID", INSTALLED_CLIENT_ID)
    monkeypatch.setenv("GMAIL_CLIENT_SECRET", emulator.oauth.client_secret)
    monkeypatch.setenv(
        "GMAIL_REFRESH_TOKEN", emulator.oauth.grant_refresh_token(ALICE, frozenset(DEFAULT_SCOPES))
    )
    credentials = "\n".join(
        f'{key} = {{ env = "GMAIL_{key.upper()}" }}'
        for key in ("client_id", "client_secret", "refresh_token")
    )
    _exercise(_provider(_config(tmp_path, server.url, credentials)), emulator)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (GmailSettings(), "needs service_account_key"),
        (GmailSettings(client_id=Secret(env="ONLY_THE_ID")), "all of client_id"),
    ],
)
def test_missing_credentials_are_a_config_error(settings: GmailSettings, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        GmailMailbox.from_context(ProviderContext(settings=settings, name="alice", address=ALICE))


def test_bad_key_files_are_config_errors_that_do_not_echo_the_key(tmp_path: Path) -> None:
    key = tmp_path / "sa.json"
    key.write_text("-----BEGIN PRIVATE KEY----- not json", encoding="utf-8")
    settings = GmailSettings(service_account_key=Secret(file=str(key)))
    with pytest.raises(ConfigError) as raised:
        GmailMailbox.from_context(ProviderContext(settings=settings, name="alice", address=ALICE))
    assert "PRIVATE KEY" not in str(raised.value)
    key.write_text('{"type": "service_account"}', encoding="utf-8")
    with pytest.raises(ConfigError, match="unusable"):
        GmailMailbox.from_context(ProviderContext(settings=settings, name="alice", address=ALICE))
    both = GmailSettings(service_account_key=Secret(file=str(key)), client_id=Secret(env="X"))
    with pytest.raises(ConfigError, match="not both"):
        GmailMailbox.from_context(ProviderContext(settings=both, name="alice", address=ALICE))


def test_settings_refuse_nonsense(tmp_path: Path) -> None:
    from calsync.config.structure import structure

    _, problems = structure({"batch_size": 5000}, GmailSettings, "mailboxes[0].settings")
    assert problems == ["mailboxes[0].settings: batch_size must be between 1 and 1000"]
    _, problems = structure({"client_secret": "plain text"}, GmailSettings, "s")
    assert problems and "secrets are never written in the file" in problems[0]
