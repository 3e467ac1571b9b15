"""Building the exchangelib ``Account`` a provider talks through, and closing it again.

Requests time out after ``timeout_seconds`` (exchangelib's class-wide 120 s otherwise), and
HTTP failures are read by the policies of :mod:`.policies`. Nothing is probed: the auth
type and the server version are always given, autodiscover is off, and the calendar is
addressed by its distinguished id (``calendar``) so no GetFolder is sent either.
exchangelib caches its ``Protocol`` objects (and their HTTP sessions) per endpoint and
credentials in a process-wide cache; :meth:`Connection.close` closes the
provider's sessions and takes its entry out of that cache.

An injected transport (a ``requests`` adapter class, e.g. one bound to an in-process
emulator) is given to a ``Protocol`` subclass of this connection's own instead of
exchangelib's class-wide ``BaseProtocol.HTTP_ADAPTER_CLS``, so several providers, each
with its own emulator, can live in one process.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, final

import requests.adapters
from exchangelib import (
    DELEGATE,
    IMPERSONATION,
    Account,
    Build,
    Configuration,
    Credentials,
    EWSTimeZone,
    Identity,
    OAuth2Credentials,
    Version,
)
from exchangelib.credentials import BaseCredentials
from exchangelib.folders import Calendar, Root
from exchangelib.properties import DistinguishedFolderId, Mailbox
from exchangelib.protocol import Protocol, RetryPolicy
from exchangelib.transport import BASIC, NTLM, OAUTH2

from calsync_exchange.policies import FailFastPolicy, PatientPolicy
from calsync_exchange.settings import AccessType, AuthType, ExchangeSettings
from calsync_exchange.zones import ews_timezone

__all__ = ["Connection", "build_credentials"]

_AUTH = {AuthType.BASIC: BASIC, AuthType.NTLM: NTLM, AuthType.OAUTH: OAUTH2}


def build_credentials(settings: ExchangeSettings, address: str) -> BaseCredentials:
    """The exchangelib credentials the settings describe (secrets are read here)."""
    if settings.auth == AuthType.OAUTH:
        assert settings.client_secret is not None
        return OAuth2Credentials(
            client_id=settings.client_id,
            client_secret=settings.client_secret.reveal(),
            tenant_id=settings.tenant_id,
            identity=Identity(primary_smtp_address=address),
        )
    assert settings.password is not None
    return Credentials(settings.username or address, settings.password.reveal())


def _protocol_class(adapter: type[requests.adapters.HTTPAdapter]) -> type[Protocol]:
    """A ``Protocol`` whose sessions use ``adapter``, cached apart from exchangelib's own."""

    class TransportProtocol(Protocol):
        HTTP_ADAPTER_CLS = adapter

        @staticmethod
        def _cache_key(config: Configuration) -> Any:
            return (config.service_endpoint, config.credentials, adapter)

    return TransportProtocol


def _version(text: str) -> Version:
    numbers = [int(part) for part in text.split(".")] + [0, 0]
    return Version(build=Build(*numbers[:4]))


@final
@dataclass(slots=True)
class Connection:
    """An exchangelib account bound to one mailbox, and its calendar folder.

    :param account: the account (its ``protocol`` owns the HTTP sessions).
    :param calendar: the mailbox's default calendar, addressed by its distinguished id.
    :param default_zone: the mailbox's own zone (all-day midnights, items without a zone).
    """

    account: Account
    calendar: Calendar
    default_zone: EWSTimeZone

    @classmethod
    def open(
        cls,
        settings: ExchangeSettings,
        address: str,
        *,
        credentials: BaseCredentials | None = None,
        transport: type[requests.adapters.HTTPAdapter] | None = None,
    ) -> Connection:
        """Build the account; no request is sent until the first operation."""
        creds = credentials or build_credentials(settings, address)
        policy: RetryPolicy = (
            PatientPolicy(max_wait=settings.max_wait) if settings.max_wait > 0 else FailFastPolicy()
        )
        config = Configuration(
            service_endpoint=settings.endpoint,
            credentials=creds,
            auth_type=_AUTH[settings.auth],
            version=_version(settings.server_version),
            retry_policy=policy,
        )
        zone = ews_timezone(settings.time_zone)
        access = IMPERSONATION if settings.access == AccessType.IMPERSONATION else DELEGATE
        known = _cached(Protocol, config) is not None
        account = Account(
            address, config=config, autodiscover=False, access_type=access, default_timezone=zone
        )
        if transport is not None:
            if not known:
                # Account() cached a Protocol for the default transport; it is not used.
                del Protocol[config]
            account.protocol = _protocol_class(transport)(config=config)
        # exchangelib waits 120 s for each socket operation by default: a server that accepts
        # and never answers would hold the pass that long.
        account.protocol.TIMEOUT = settings.timeout_seconds
        calendar = Calendar(
            root=Root(account=account),
            _distinguished_id=DistinguishedFolderId(
                id=Calendar.DISTINGUISHED_FOLDER_ID, mailbox=Mailbox(email_address=address)
            ),
        )
        return cls(account=account, calendar=calendar, default_zone=zone)

    def close(self) -> None:
        """Close the HTTP sessions and drop the protocol from exchangelib's cache."""
        protocol: Protocol = self.account.protocol
        config: Configuration = protocol.config
        protocol.close()
        kind = type(protocol)
        if _cached(kind, config) is protocol:
            with contextlib.suppress(KeyError):  # another provider may have closed it already
                del kind[config]


def _cached(kind: type[Protocol], config: Configuration) -> Protocol | None:
    """The protocol exchangelib's cache holds for ``config`` (``None`` when there is none)."""
    try:
        protocol, _ = kind[config]  # type: ignore[misc]
    except KeyError:
        return None
    return protocol if isinstance(protocol, Protocol) else None
