"""calsync.building: a provider's settings and address from its context, every problem at once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from calsync.building import mailbox_settings, provider_settings
from calsync.errors import ConfigError
from calsync.providers import ProviderContext
from calsync.sandbox.crm import SandboxCrm
from calsync.sandbox.mailbox import SandboxMailbox


@dataclass(frozen=True)
class ExampleSettings:
    client_id: str = ""
    secret: str = ""

    def problems(self) -> list[str]:
        return [
            f"{name} is required" for name in ("client_id", "secret") if not getattr(self, name)
        ]


class ExampleMailbox(SandboxMailbox):
    name = "example"
    settings_type = ExampleSettings


def test_a_mailbox_gets_its_settings_and_address() -> None:
    given = ExampleSettings(client_id="app", secret="s")
    context = ProviderContext(settings=given, name="alice", address="alice@example.com")
    assert mailbox_settings(ExampleMailbox, context) == (given, "alice@example.com")


def test_every_problem_is_named_with_its_path() -> None:
    context = ProviderContext(settings=None, name="alice", address="alice@example.com")
    with pytest.raises(ConfigError) as raised:
        mailbox_settings(ExampleMailbox, context)
    assert raised.value.problems == [
        "mailboxes.alice.settings: client_id is required",
        "mailboxes.alice.settings: secret is required",
    ]


def test_a_mailbox_without_an_address_is_refused() -> None:
    context = ProviderContext(settings=ExampleSettings("app", "s"), name="alice")
    with pytest.raises(
        ConfigError, match=r"^mailboxes.alice: the mailbox needs its address \(provider example\)"
    ):
        mailbox_settings(ExampleMailbox, context)


def test_another_provider_s_settings_are_refused() -> None:
    context = ProviderContext(settings=object(), name="alice", address="a@example.com")
    with pytest.raises(ConfigError, match="these are not example settings"):
        mailbox_settings(ExampleMailbox, context)


def test_absent_settings_are_the_defaults() -> None:
    settings = provider_settings(SandboxCrm, ProviderContext(settings=None, name="crm"))
    assert settings == SandboxCrm.settings_type()  # type: ignore[misc]
