"""``calsync sandbox serve --json``: one document a script can read, then the emulators serve."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path


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
        assert process.stdout is not None
        text = ""
        for line in process.stdout:
            text += line
            if line == "}\n":
                break
        document = json.loads(text)
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
