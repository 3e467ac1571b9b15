"""``calsync web`` on the command line and the ``[web]`` table of the configuration."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx2
import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from calsync.api import Calsync
from calsync.cli import main
from calsync.config import parse_config
from calsync.errors import ConfigError
from calsync.plugins import load_registry
from calsync.web import parse_listen
from calsync.web.server import server

from .conftest import HASHES


def config(tmp_path: Path, web: object) -> Path:
    path = tmp_path / "calsync.toml"
    web_table = f"[web]\n{web}\n" if web else ""
    path.write_text(
        f'state = "sqlite:///{tmp_path / "state.db"}"\n'
        '[crm]\nprovider = "sandbox"\n'
        '[[mailboxes]]\nname = "alice"\nprovider = "sandbox"\naddress = "alice@example.com"\n'
        + web_table,
        encoding="utf-8",
    )
    return path


def parse(web: dict[str, object]) -> object:
    data = {
        "crm": {"provider": "sandbox"},
        "mailboxes": [{"name": "a", "provider": "sandbox", "address": "a@example.com"}],
        "web": web,
    }
    return parse_config(data, registry=load_registry(["sandbox", "notify"]))


class TestTheWebTable:
    def test_every_problem_is_named_with_its_path(self) -> None:
        with pytest.raises(ConfigError) as raised:
            parse(
                {
                    "users": [
                        {"name": "ada", "password_hash": "hunter2"},
                        {"name": "ada", "password_hash": HASHES["ada"], "role": "boss"},
                        {"name": "lin"},
                    ],
                    "sesion_secret": {"env": "X"},
                }
            )
        text = "\n".join(raised.value.problems)
        assert "web.users[0].password_hash: not an argon2 hash" in text
        assert "web.users[1].role: 'boss' is not one of admin, read-only" in text
        assert "web.users[2].password_hash: required unless a reverse proxy" in text
        assert "'sesion_secret' (did you mean 'session_secret'?)" in text

    def test_a_password_written_in_the_file_is_refused(self) -> None:
        with pytest.raises(ConfigError) as raised:
            parse(
                {
                    "users": [{"name": "ada", "password_hash": HASHES["ada"]}],
                    "session_secret": "s3cret",
                }
            )
        assert "secrets are never written in the file" in "\n".join(raised.value.problems)

    def test_people_behind_a_signing_in_proxy_need_no_password(self) -> None:
        parsed = parse(
            {"users": [{"name": "ada", "role": "read-only"}], "proxy_header": "X-Remote-User"}
        )
        assert parsed.web.user("ada").role == "read-only"  # type: ignore[attr-defined]

    def test_the_session_secret_is_checked_like_every_secret(self) -> None:
        parsed = parse(
            {
                "users": [{"name": "ada", "password_hash": HASHES["ada"]}],
                "session_secret": {"env": "WEB_KEY"},
            }
        )
        assert ("web.session_secret", parsed.web.session_secret) in parsed.secrets()  # type: ignore[attr-defined]


class TestTheCommand:
    def test_hash_password_makes_an_argon2_hash_that_verifies(self) -> None:
        result = CliRunner().invoke(
            main, ["web", "hash-password"], input="s3cret pass\ns3cret pass\n"
        )
        assert result.exit_code == 0, result.output
        digest = result.output.strip().splitlines()[-1]
        assert digest.startswith("$argon2id$") and "s3cret" not in digest
        assert PasswordHasher().verify(digest, "s3cret pass")

    def test_a_bad_listen_address_is_a_usage_error(self, tmp_path: Path) -> None:
        path = config(tmp_path, f'users = [{{ name = "ada", password_hash = "{HASHES["ada"]}" }}]')
        result = CliRunner().invoke(main, ["web", "--config", str(path), "--listen", "localhost"])
        assert result.exit_code == 2
        assert "--listen: expected HOST:PORT" in result.output and "Traceback" not in result.output

    def test_a_console_nobody_may_sign_in_to_is_not_started(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(main, ["web", "--config", str(config(tmp_path, ""))])
        assert result.exit_code == 2 and "web.users: nobody may sign in" in result.output

    def test_listen_addresses(self) -> None:
        assert parse_listen("127.0.0.1:8765") == ("127.0.0.1", 8765)
        assert parse_listen("[::1]:9000") == ("::1", 9000)
        for bad in ("8765", "host:", "host:99999", ":80"):
            with pytest.raises(ConfigError):
                parse_listen(bad)

    def test_it_serves_on_loopback_over_a_real_socket(self, tmp_path: Path) -> None:
        path = config(tmp_path, f'users = [{{ name = "ada", password_hash = "{HASHES["ada"]}" }}]')
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app = Calsync.from_file(path)
        instance = server(app, f"127.0.0.1:{port}")
        thread = threading.Thread(target=instance.run, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 20
            while not instance.started and time.monotonic() < deadline:
                time.sleep(0.05)
            response = httpx2.get(f"http://127.0.0.1:{port}/mailboxes")
            assert response.status_code == 303 and response.headers["location"].startswith("/login")
            assert "server" not in response.headers
            login = httpx2.get(f"http://127.0.0.1:{port}/login")
            assert login.status_code == 200 and "Sign in" in login.text
        finally:
            instance.should_exit = True
            thread.join(20)
            app.close()
