"""``calsync sandbox serve``: one document a script can read, then the emulators serve.

Every installed plugin with a harness that can serve is served, a third-party one too.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from calsync.demo import run_demo
from calsync.demo.served import open_organisation
from calsync.sandbox.world import Sandbox

CLI = [sys.executable, "-c", "from calsync.cli import main; main()"]


def test_serve_json_prints_endpoints_and_configuration(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from calsync.cli import main; main()",
            "sandbox",
            "serve",
            "--dir",
            str(tmp_path),
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        document = _printed_document(process)
        assert set(document["endpoints"]) >= {"salesforce", "exchange", "gmail"}
        assert Path(document["config"]) == tmp_path / "calsync-demo.toml"
        assert Path(document["config"]).is_file() and document["environment"]
        url = document["endpoints"]["salesforce"]
        assert url.startswith("http://127.0.0.1:")
        with contextlib.suppress(urllib.error.HTTPError):  # it listens: any HTTP answer will do
            urllib.request.urlopen(url, timeout=10)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert "Traceback" not in err and out == ""


def test_the_printed_configuration_syncs_as_the_readme_says(tmp_path: Path) -> None:
    """`sandbox serve` with its default --dir, then `calsync sync --config <dir>/...` beside it.

    The state path in the generated file is relative to the file's folder, as every SQLite
    path in a configuration is: it used to name the folder twice and fail.
    """
    process = subprocess.Popen(
        [*CLI, "sandbox", "serve", "--json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        document = _printed_document(process)
        assert document["config"] == "calsync-sandbox/calsync-demo.toml"
        ran = subprocess.run(
            [*CLI, "sync", "--config", document["config"], "--mailbox", "alice"],
            cwd=tmp_path,
            env={**os.environ, **document["environment"]},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert ran.returncode in (0, 1), ran.stderr  # 1: the demo's alice has issues to act on
        assert "alice" in ran.stdout and "configuration error" not in ran.stderr
        assert (tmp_path / "calsync-sandbox" / "calsync-demo.db").is_file()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)  # closes its pipes too


# -- a third-party plugin, registered in-process through entry-point metadata -----------------

FAKE_PLUGIN = """
from calsync import hookimpl
from calsync.harness import Endpoint
from calsync.plugins import HarnessSpec, ProviderSpec
from calsync.providers import Role
from calsync.sandbox.harness import SandboxMailboxHarness
from calsync.sandbox.mailbox import SandboxMailbox
from calsync.sandbox.world import Sandbox

WORLD = "fakecal-served"
SERVED = []


class FakeCalMailbox(SandboxMailbox):
    name = "fakecal"


class FakeCalHarness(SandboxMailboxHarness):
    provider_name = "fakecal"

    def __init__(self):
        super().__init__(Sandbox.named(WORLD))

    def open_mailbox(self, address, *, zone="UTC"):
        return FakeCalMailbox(self.service, address)

    def serve(self):
        SERVED.append(self)
        return Endpoint(
            url="http://127.0.0.1:9/fakecal",
            settings=lambda address: {"world": WORLD},
            environment={},
            stop=lambda: None,
        )


@hookimpl
def calsync_providers():
    yield ProviderSpec(provider=FakeCalMailbox, description="A third-party mailbox")


def broken_emulator():
    raise RuntimeError("half-written")


@hookimpl
def calsync_harnesses():
    yield HarnessSpec(provider="fakecal", role=Role.MAILBOX, offline=FakeCalHarness)
    yield HarnessSpec(provider="brokencal", role=Role.MAILBOX, offline=broken_emulator)
"""


@pytest.fixture
def fake_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The plugin ``fakecal`` installed as far as ``importlib.metadata`` can tell."""
    root = tmp_path / "site"
    (root / "calsync_fakecal").mkdir(parents=True)
    (root / "calsync_fakecal" / "__init__.py").write_text(FAKE_PLUGIN)
    info = root / "calsync_fakecal-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: calsync-fakecal\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[calsync]\nfakecal = calsync_fakecal\n")
    monkeypatch.syspath_prepend(str(root))
    yield importlib.import_module("calsync_fakecal")
    Sandbox.forget("fakecal-served")
    sys.modules.pop("calsync_fakecal", None)


def test_serve_serves_every_installed_plugin_with_a_harness(
    tmp_path: Path, fake_plugin: Any
) -> None:
    lines: list[str] = []
    with ExitStack() as stack:
        served = open_organisation(stack, tmp_path / "demo", seed=True, progress=lines.append)
        assert len(fake_plugin.SERVED) == 1, "the third-party harness's serve() was called"
        assert served.endpoints["fakecal"].url == "http://127.0.0.1:9/fakecal"
        assert set(served.endpoints) >= {"salesforce", "exchange", "gmail", "graph"}
        assert "sandbox" not in served.endpoints, "an in-memory harness does not serve"
        config = tomllib.loads(served.config.read_text(encoding="utf-8"))
        [mailbox] = [m for m in config["mailboxes"] if m["provider"] == "fakecal"]
        assert mailbox["settings"] == {"world": "fakecal-served"}
        held = fake_plugin.SERVED[0].items(mailbox["address"])
        assert len(held) >= 10, "its person's calendar was seeded"
    assert any("brokencal" in line and "half-written" in line for line in lines), (
        "an emulator that does not start is named and left out"
    )


def test_the_demo_syncs_a_third_party_plugins_mailbox(fake_plugin: Any) -> None:
    result = run_demo()
    [mailbox] = [m for m in result.mailboxes if m["provider"] == "fakecal"]
    assert mailbox["status"] == "active" and mailbox["synced_up"] >= 10
    assert result.ok, [s for s in result.scenarios if not s["ok"]]


def _printed_document(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The JSON document `sandbox serve --json` prints before it serves."""
    assert process.stdout is not None
    text = ""
    for line in process.stdout:
        text += line
        if line == "}\n":
            break
    document: dict[str, Any] = json.loads(text)
    return document
