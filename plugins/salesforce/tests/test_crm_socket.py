"""The provider built from configuration, talking to an EmulatorServer over a real socket."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sfp_support import stored, timed

from calsync.config import load_config
from calsync.emulation.server import EmulatorServer
from calsync.errors import ConfigError
from calsync.providers import ProviderContext, Write
from calsync_salesforce.emulator import SalesforceEmulator
from calsync_salesforce.harness import SalesforceCrmHarness
from calsync_salesforce.provider import SalesforceCrm
from calsync_salesforce.settings import SalesforceSettings


def test_from_a_config_file_through_a_socket(
    emulator: SalesforceEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = SalesforceCrmHarness(emulator)
    owner = harness.add_user("olga@acme.test", zone="Europe/Berlin")
    monkeypatch.setenv("SF_SESSION_ID", harness._session)
    with EmulatorServer(emulator) as server:
        path = tmp_path / "calsync.toml"
        path.write_text(
            textwrap.dedent(
                f"""
                [crm]
                provider = "salesforce"
                [crm.settings]
                instance_url = "{emulator.instance_url}"
                session_id = {{ env = "SF_SESSION_ID" }}
                api_version = "59.0"
                forward_to = "{server.url}"

                [[mailboxes]]
                name = "olga"
                provider = "sandbox"
                address = "olga@acme.test"
                """
            )
        )
        config = load_config(path)
        settings = config.crm.settings
        assert isinstance(settings, SalesforceSettings)
        assert "SF_SESSION_ID" in repr(settings) and harness._session not in repr(settings)
        crm = SalesforceCrm.from_context(ProviderContext(settings=settings, name="crm"))
        assert crm.users(["olga@acme.test"]) == {"olga@acme.test": owner}
        assert crm.features().zones is not None
        [result] = crm.write(
            [Write.create(timed(subject="Over TCP", owner=owner, counterpart_id="m1"))]
        )
        assert result.ref is not None
        delta = crm.pull(None, owner=owner)
        me = crm.own_account()
        crm.close()
    assert stored(harness, result.ref.id)["Subject"] == "Over TCP"
    assert [i.ref.id for i in delta.changed if i.ref] == [result.ref.id]
    assert me == harness.integration_user == delta.changed[0].ref.modified_by
    assert emulator.counts["composite.sobjects.upsert"] == 1


@pytest.mark.parametrize(
    "settings",
    [
        SalesforceSettings(),
        SalesforceSettings(username="u@x.test"),
        SalesforceSettings(session_id=None, consumer_key="key"),
    ],
)
def test_incomplete_sign_in_settings_are_refused(settings: SalesforceSettings) -> None:
    with pytest.raises(ConfigError):
        SalesforceCrm.from_context(ProviderContext(settings=settings, name="crm"))


def test_an_instance_url_is_needed_with_a_session(monkeypatch: pytest.MonkeyPatch) -> None:
    from calsync.config.secrets import Secret

    with pytest.raises(ConfigError, match="instance_url"):
        SalesforceCrm.from_context(
            ProviderContext(settings=SalesforceSettings(session_id=Secret(env="X")), name="crm")
        )
