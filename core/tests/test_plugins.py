"""Finding and loading plugins through the ``calsync`` entry-point group."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from calsync.errors import PluginError, ProviderNotInstalled
from calsync.plugins import Registry, discover, get_plugin_manager, load_registry
from calsync.providers import Capability, Role


def install(
    tmp_path: Path, dist: str, entry_points: dict[str, str], modules: dict[str, str]
) -> None:
    """Make a real (if tiny) installed distribution on sys.path."""
    info = tmp_path / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[calsync]\n{lines}\n")
    for module, source in modules.items():
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("fake_")]:
        del sys.modules[name]


SECOND_SANDBOX = """
from calsync import hookimpl
from calsync.plugins import ProviderSpec
from calsync.sandbox.mailbox import SandboxMailbox

class Other(SandboxMailbox):
    name = "sandbox"

@hookimpl
def calsync_providers():
    yield ProviderSpec(provider=Other)
"""


def test_the_sandbox_registers_through_cores_own_entry_point() -> None:
    info = discover()["sandbox"]
    assert info.distribution == "calsync"
    registry = load_registry(["sandbox"])
    assert registry.provider(Role.MAILBOX, "sandbox").capabilities >= {Capability.MARKERS}
    assert registry.provider(Role.CRM, "sandbox").role is Role.CRM
    assert registry.plugin_of(Role.CRM, "sandbox") == "sandbox"


def test_discovery_does_not_import_and_unselected_broken_plugins_do_no_harm(site: Path) -> None:
    install(
        site,
        "calsync-broken",
        {"broken": "fake_broken"},
        {"fake_broken": "raise RuntimeError('boom')"},
    )
    assert "broken" in discover()
    assert "fake_broken" not in sys.modules
    load_registry(["sandbox"])
    assert "fake_broken" not in sys.modules
    with pytest.raises(
        PluginError,
        match=r"plugin 'broken' \(calsync-broken 1.2.3\) failed to load: RuntimeError: boom",
    ):
        get_plugin_manager(["broken"])


def test_the_same_plugin_name_from_two_distributions_fails_naming_both(site: Path) -> None:
    install(site, "calsync-impostor", {"sandbox": "fake_impostor"}, {"fake_impostor": ""})
    with pytest.raises(PluginError, match=r"calsync 0\.1\.0 and calsync-impostor 1\.2\.3"):
        discover()


def test_the_same_provider_from_two_plugins_fails_naming_both(site: Path) -> None:
    install(site, "calsync-second", {"second": "fake_second"}, {"fake_second": SECOND_SANDBOX})
    with pytest.raises(
        PluginError, match=r"mailbox.*'sandbox'.*both plugin 'sandbox' and 'second'"
    ):
        load_registry(["sandbox", "second"])


def test_unknown_names_list_what_is_installed() -> None:
    with pytest.raises(
        ProviderNotInstalled, match=r"plugin .exchnge. is not installed; installed: .*sandbox"
    ):
        get_plugin_manager(["exchnge"])
    registry = load_registry(["sandbox"])
    with pytest.raises(
        ProviderNotInstalled, match="unknown crm provider 'salesforse'; installed: sandbox"
    ):
        registry.provider(Role.CRM, "salesforse")


def test_a_misspelt_hook_fails_at_start(site: Path) -> None:
    install(
        site,
        "calsync-typo",
        {"typo": "fake_typo"},
        {
            "fake_typo": "from calsync import hookimpl\n@hookimpl\ndef calsync_provider():\n    return []\n"
        },
    )
    with pytest.raises(Exception, match="calsync_provider"):
        get_plugin_manager(["typo"])


def test_blocked_plugins_are_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALSYNC_DISABLED_PLUGINS", "sandbox")
    registry = Registry(get_plugin_manager(["sandbox"]))
    assert registry.providers == {}
