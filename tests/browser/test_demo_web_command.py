"""``calsync demo --web``: the demo, then the console on its organisation, as a person runs it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

httpx2 = pytest.importorskip("httpx2", reason="`make setup` installs httpx2")
pytest.importorskip("starlette", reason="the console needs calsync[web]; `make setup` installs it")

pytestmark = pytest.mark.slow

CALSYNC = Path(sys.executable).with_name("calsync")


def test_demo_web_prints_where_to_sign_in_and_serves_the_console(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(CALSYNC), "demo", "--web", "--listen", f"127.0.0.1:{port}", "--keep", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "calsync console: http://" in line:
                break
        output = "".join(lines)
        assert f"calsync console: http://127.0.0.1:{port}/login" in output, output
        password = re.search(r"Sign in as admin with the password (\S+)", output)
        assert password, output
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):  # the line is printed just before uvicorn listens
                try:
                    page = client.get("/login")
                    break
                except httpx2.ConnectError:
                    time.sleep(0.1)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            signed_in = client.post(
                "/login",
                data={"name": "admin", "password": password[1], "csrf_token": token[1]},
            )
            assert signed_in.status_code == 303
            mailboxes = client.get("/mailboxes").text
            assert all(f">{name}<" in mailboxes for name in ("alice", "erin", "dave"))
        # the one-time user is in the kept configuration as a hash, never as the password
        config = (tmp_path / "calsync-demo.toml").read_text(encoding="utf-8")
        assert "$argon2id$" in config and password[1] not in config
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
