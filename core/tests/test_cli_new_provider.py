"""``calsync new-provider``: a plugin skeleton that lints clean and points at the guide.

That the skeleton installs, registers and runs the conformance suite is checked where the
suite is installed: conformance/tests/test_new_provider.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from calsync.cli import main
from calsync.providers import CrmProvider, Role
from calsync.scaffold import GUIDE, write_plugin

REPO = Path(__file__).resolve().parents[2]


#: What each role's skeleton is built on: core's shared helpers, as the built-in plugins are,
#: not copies of them.
BUILT_ON = {
    "mailbox": (
        "class MyCalMailbox(MailboxProvider):",
        "from calsync.building import mailbox_settings",
        "from calsync.identity import asked, by_counterpart",
        "ErrorTable(",
    ),
    "crm": (
        "class MyCalCrm(CrmProvider):",
        "from calsync.building import provider_settings",
        "from calsync.identity import asked, by_counterpart",
        "ErrorTable(",
    ),
}


@pytest.mark.parametrize("role", ["mailbox", "crm"])
def test_writes_a_whole_plugin_that_ruff_accepts(tmp_path: Path, role: str) -> None:
    target = tmp_path / "calsync-my-cal"
    chosen = [] if role == "mailbox" else ["--role", role]  # mailbox is the default
    result = CliRunner().invoke(main, ["new-provider", "my_cal", "--dir", str(target), *chosen])
    assert result.exit_code == 0, result.output
    written = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert written == {
        "README.md",
        "pyproject.toml",
        "src/calsync_my_cal/__init__.py",
        "src/calsync_my_cal/emulator.py",
        "src/calsync_my_cal/harness.py",
        "src/calsync_my_cal/hooks.py",
        "src/calsync_my_cal/provider.py",
        "tests/conftest.py",
        "tests/test_conformance.py",
    }
    pyproject = (target / "pyproject.toml").read_text()
    assert 'name = "calsync-my-cal"' in pyproject
    assert '[project.entry-points.calsync]\nmy_cal = "calsync_my_cal.hooks"' in pyproject
    texts = [p.read_text() for p in target.rglob("*") if p.is_file()]
    assert not [t for t in texts if "${" in t], "every placeholder is filled"
    provider = (target / "src/calsync_my_cal/provider.py").read_text()
    for helper in BUILT_ON[role]:
        assert helper in provider, helper
    hooks = (target / "src/calsync_my_cal/hooks.py").read_text()
    assert "PLUGIN = ProviderPlugin(" in hooks and "@hookimpl" not in hooks
    assert "FrontAnswers(" in (target / "src/calsync_my_cal/emulator.py").read_text()
    conformance = (target / "tests/test_conformance.py").read_text()
    assert f"({'Mailbox' if role == 'mailbox' else 'Crm'}ProviderConformance):" in conformance
    # The one next to this Python (the project's .venv), else any on PATH.
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed here (`make setup` installs it)")
    for args in (["check", "."], ["format", "--check", "."]):
        done = subprocess.run([ruff, *args], cwd=target, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_crm_provider_method_is_stubbed_with_its_section(tmp_path: Path) -> None:
    write_plugin("my_cal", tmp_path, Role.CRM)
    provider = (tmp_path / "src/calsync_my_cal/provider.py").read_text()
    stubbed = set(re.findall(r'not_yet\("MyCalCrm\.(\w+)", "[a-z-]+"\)', provider))
    # The contract's abstract methods; pull_owners is optional and returns None until written.
    assert stubbed == set(CrmProvider.__abstractmethods__) - {"from_context"}
    assert "def pull_owners(" in provider


@pytest.mark.parametrize(("args", "role"), [((), "mailbox"), (("--role", "crm"), "crm")])
def test_json_reports_what_was_written_and_matches_the_folder(
    tmp_path: Path, args: tuple[str, ...], role: str
) -> None:
    target = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["new-provider", "my_cal", "--dir", str(target), "--json", *args]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)  # nothing but the document on stdout
    assert {k: report[k] for k in ("plugin", "role", "package", "distribution", "folder")} == {
        "plugin": "my_cal",
        "role": role,
        "package": "calsync_my_cal",
        "distribution": "calsync-my-cal",
        "folder": str(target),
    }
    on_disk = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert report["files"] == on_disk and "src/calsync_my_cal/provider.py" in on_disk


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("My-Cal", "cannot be a provider name"),
        ("class", "cannot be a provider name"),
        ("sandbox", "the name of an installed plugin (calsync)"),
    ],
)
def test_a_name_that_cannot_work_exits_2_and_writes_nothing(
    tmp_path: Path, name: str, problem: str
) -> None:
    result = CliRunner().invoke(main, ["new-provider", name, "--dir", str(tmp_path / "out")])
    assert result.exit_code == 2 and problem in result.output
    assert not (tmp_path / "out").exists() and "Traceback" not in result.output


def test_a_role_other_than_mailbox_or_crm_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    args = ["new-provider", "caldav", "--dir", str(tmp_path / "out"), "--role", "calendar"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "'calendar' is not one of 'mailbox', 'crm'" in result.output
    assert not (tmp_path / "out").exists()


def test_an_existing_folder_is_never_written_over(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new-provider", "caldav", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "already exists and is not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_every_section_the_skeleton_points_at_is_in_the_guide() -> None:
    guide = (REPO / GUIDE).read_text(encoding="utf-8")
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", guide, flags=re.MULTILINE)}
    template = REPO / "core/src/calsync/scaffold/template"
    cited = {
        section
        for path in template.rglob("*.tmpl")
        for section in re.findall(r'not_yet\([^)]*, "([a-z-]+)"\)', path.read_text())
    }
    assert len(cited) >= 10 and cited <= anchors, cited - anchors
    # The headings the suite's pre-checks link to.
    assert {
        "change-tokens",
        "item-order",
        "markers-on-read-back",
        "editing-items",
        "occurrences",
        "cursors-and-expiry",
    } <= anchors


def test_every_link_within_the_guide_reaches_a_heading() -> None:
    guide = (REPO / GUIDE).read_text(encoding="utf-8")
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", guide, flags=re.MULTILINE)}
    linked = set(re.findall(r"\]\(#([a-z0-9-]+)\)", guide))
    assert linked and linked <= anchors, linked - anchors


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")
