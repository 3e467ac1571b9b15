"""docs/exceptions.md and the issue catalogue say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calsync.issues import CATALOGUE, Disposition, Severity, definition

DOC = Path(__file__).resolve().parents[2] / "docs" / "exceptions.md"
ROW = re.compile(
    r"^\| `(?P<code>[A-Z_]+)` \| (?P<sev>\w+) \| (?P<disp>\w+) \| (?P<marker>yes|no) \| (?P<ex>[^|]*) \|$"
)


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def table(text: str) -> dict[str, re.Match[str]]:
    rows = [m for line in text.splitlines() if (m := ROW.match(line))]
    return {m["code"]: m for m in rows}


def test_every_documented_code_is_in_the_catalogue_and_back(
    table: dict[str, re.Match[str]],
) -> None:
    assert set(table) == set(CATALOGUE)


def test_documented_properties_match_the_catalogue(table: dict[str, re.Match[str]]) -> None:
    for code, row in table.items():
        entry = definition(code)
        assert Severity(row["sev"]) is entry.severity, code
        assert Disposition(row["disp"]) is entry.disposition, code
        assert (row["marker"] == "yes") is entry.marker, code
        documented = tuple(re.findall(r"EX-\d\d", row["ex"]))
        assert documented == entry.exceptions, code


def test_every_exception_entry_is_there_once(text: str) -> None:
    headings = re.findall(r"^### (EX-\d\d) ", text, flags=re.MULTILINE)
    assert headings == [f"EX-{n:02d}" for n in range(1, 29)]


#: Error names of the services themselves, quoted in the prose; not calsync issue codes.
SERVICE_ERRORS = {"INVALID_FIELD_FOR_INSERT_UPDATE"}


def test_codes_named_in_the_prose_exist(text: str) -> None:
    prose = text.split("## Issue codes")[0]
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", prose)) - SERVICE_ERRORS
    assert named <= set(CATALOGUE), named - set(CATALOGUE)
    assert set(CATALOGUE) - {"MASS_DELETE_HELD"} <= named


def test_templates_render_and_missing_parameters_show_a_question_mark() -> None:
    entry = definition("UNSUPPORTED_TIME_ZONE")
    assert entry.placeholders == {"zone", "subject"}
    assert entry.render(zone="Asia/Tehran", subject="Call") == (
        "The time zone Asia/Tehran has no equivalent the CRM supports: Call"
    )
    assert "?" in entry.render(zone="Asia/Tehran")


def test_unknown_codes_fail_loudly() -> None:
    with pytest.raises(KeyError, match="unknown issue code"):
        definition("NOPE")
