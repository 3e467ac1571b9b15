"""The ``settings`` table of an ``exchange`` mailbox, validated by core's config loader.

Example (basic authentication against a local emulator, as the demo runs it; Exchange
Online refuses basic and NTLM authentication, so calsync refuses them for its endpoint)::

    [[mailboxes]]
    name = "alice"
    provider = "exchange"
    address = "alice@example.com"
    [mailboxes.settings]
    endpoint = "http://127.0.0.1:8765/EWS/Exchange.asmx"
    auth = "basic"                       # or "ntlm", "oauth"
    password = { env = "ALICE_EWS_PASSWORD" }
    time_zone = "Europe/Berlin"          # the mailbox's own zone (IANA or Windows id)

Office 365 with an app registration impersonating the mailbox::

    [mailboxes.settings]
    auth = "oauth"
    access = "impersonation"
    tenant_id = "contoso.onmicrosoft.com"
    client_id = "00000000-0000-0000-0000-000000000000"
    client_secret = { file = "/run/secrets/calsync-app" }

Secrets are references only (:class:`~calsync.config.secrets.Secret`); they are read when
the provider connects and never stored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from calsync.config.secrets import Secret
from calsync.config.values import HttpUrl, Seconds, ZoneId

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_SERVER_BUILD",
    "DEFAULT_TIMEOUT",
    "AccessType",
    "AuthType",
    "ExchangeSettings",
]

#: Exchange Online's EWS endpoint.
DEFAULT_ENDPOINT: Final = HttpUrl("https://outlook.office365.com/EWS/Exchange.asmx")
#: Where all-day items' midnights are when no zone is set.
DEFAULT_ZONE: Final = ZoneId("UTC")
#: Exchange Online's hosts: they take OAuth only (basic authentication was switched off for
#: EWS in 2022), and since 1 October 2026 EWS itself is blocked unless the tenant allows it.
EXCHANGE_ONLINE_HOSTS: Final = ("outlook.office365.com", "outlook.office.com")
#: Exchange 2016 / Exchange Online; passed as the version hint so exchangelib never probes.
DEFAULT_SERVER_BUILD: Final = "15.1.2507.0"
#: Seconds a request may go without an answer. A large SyncFolderItems page answers within
#: seconds; a minute without a byte is a stalled server, not a slow one.
DEFAULT_TIMEOUT: Final = Seconds(60.0)


class AuthType(enum.StrEnum):
    """How the provider signs in."""

    #: HTTP Basic with a user name and a password.
    BASIC = "basic"
    #: NTLM with a user name and a password (on-premises Exchange).
    NTLM = "ntlm"
    #: OAuth 2.0 client credentials of an Entra ID app registration.
    OAUTH = "oauth"


class AccessType(enum.StrEnum):
    """Whose rights the provider uses on the mailbox."""

    #: The credentials are the owner's, or a delegate's with full access.
    DELEGATE = "delegate"
    #: A service account or app acting as the owner (``ExchangeImpersonation``).
    IMPERSONATION = "impersonation"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeSettings:
    """Settings of one Exchange mailbox.

    :param endpoint: the EWS service URL (Office 365 by default; a local emulator in the demo).
    :param auth: ``basic``, ``ntlm`` or ``oauth``.
    :param access: ``delegate`` or ``impersonation``.
    :param username: basic / NTLM user name or address; the mailbox address by default.
    :param password: basic / NTLM password, by reference.
    :param tenant_id: OAuth: the Entra ID tenant.
    :param client_id: OAuth: the app registration's client id.
    :param client_secret: OAuth: the client secret, by reference.
    :param server_version: the server build hint, ``major.minor.build.revision``.
    :param time_zone: the mailbox's default zone (IANA or Windows id): the zone of all-day
        items' midnights and of items written without one.
    :param max_wait: seconds exchangelib may itself wait out throttling (``FaultTolerance``);
        0 fails fast and leaves back-off to the engine.
    :param timeout_seconds: seconds to wait for the server to connect or to send more of
        its answer before the call fails as ``SERVICE_UNAVAILABLE`` (exchangelib: 120); more
        than 0, at most 900 (:data:`calsync.config.values.MAX_SECONDS`).
    """

    endpoint: HttpUrl = DEFAULT_ENDPOINT
    auth: AuthType = AuthType.BASIC
    access: AccessType = AccessType.DELEGATE
    username: str = ""
    password: Secret | None = None
    tenant_id: str = ""
    client_id: str = ""
    client_secret: Secret | None = None
    server_version: str = DEFAULT_SERVER_BUILD
    time_zone: ZoneId = DEFAULT_ZONE
    max_wait: int = 0
    timeout_seconds: Seconds = DEFAULT_TIMEOUT

    def problems(self) -> list[str]:
        """What is missing or wrong for the chosen authentication (empty when usable)."""
        found = []
        if self.auth == AuthType.OAUTH:
            for name in ("tenant_id", "client_id", "client_secret"):
                if not getattr(self, name):
                    found.append(f"{name} is required with auth = 'oauth'")
        elif self.is_exchange_online:
            found.append(
                f"auth = '{self.auth}' does not work with Exchange Online ({self.endpoint}): it "
                "takes OAuth only, and since 1 October 2026 blocks EWS unless the tenant allows "
                "it. Use auth = 'oauth' with an app registration the tenant's EWS allow list "
                'admits, or the Microsoft Graph provider (provider = "graph")'
            )
        elif self.password is None:
            found.append(f"password is required with auth = '{self.auth}'")
        parts = self.server_version.split(".")
        if not 2 <= len(parts) <= 4 or not all(p.isdigit() for p in parts):
            found.append(f"server_version {self.server_version!r} is not like '15.1.2507.0'")
        if self.max_wait < 0:
            found.append("max_wait must not be negative")
        return found

    @property
    def is_exchange_online(self) -> bool:
        """Whether the endpoint is Exchange Online's (Office 365)."""
        host = (urlsplit(self.endpoint).hostname or "").lower()
        return host in EXCHANGE_ONLINE_HOSTS
