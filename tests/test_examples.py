"""The example configurations are valid and keep every secret out of the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calsync.config import load_config

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_is_valid(path: Path) -> None:
    config = load_config(path)
    assert config.mailboxes
    for where, secret in config.secrets():
        assert secret.env or secret.file, where


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_no_secret_is_written_inline(path: Path) -> None:
    text = path.read_text()
    assert not re.search(
        r"(password|client_secret|refresh_token|private_key|session_id|service_account_key)\s*=\s*\"",
        text,
    )


def test_the_three_combinations_are_there() -> None:
    assert {p.stem for p in EXAMPLES} >= {
        "exchange-salesforce",
        "google-salesforce",
        "exchange-google-salesforce",
    }
