"""calsync hook implementations of the gmail plugin: the provider and its harness."""

from __future__ import annotations

from collections.abc import Iterator

from calsync.plugins import HarnessSpec, ProviderSpec, hookimpl
from calsync.providers import Role


@hookimpl
def calsync_providers() -> Iterator[ProviderSpec]:
    """The Google Calendar + Gmail mailbox provider."""
    from calsync_gmail.provider import GmailMailbox

    yield ProviderSpec(
        provider=GmailMailbox,
        description="Google Calendar + Gmail (google-api-python-client)",
    )


@hookimpl
def calsync_harnesses() -> Iterator[HarnessSpec]:
    """A harness over a fresh in-process Google emulator."""
    from calsync_gmail.harness import GmailHarness

    yield HarnessSpec(provider="gmail", role=Role.MAILBOX, offline=GmailHarness)
