"""The ``settings`` table of a ``graph`` mailbox, validated by core's config loader.

Microsoft 365 with an app registration (application permission ``Calendars.ReadWrite``,
admin consent) and a client secret::

    [[mailboxes]]
    name = "alice"
    provider = "graph"
    address = "alice@contoso.com"
    [mailboxes.settings]
    tenant_id = "contoso.onmicrosoft.com"
    client_id = "00000000-0000-0000-0000-000000000000"
    client_secret = { env = "CALSYNC_GRAPH_SECRET" }
    time_zone = "Europe/Berlin"

or with a certificate instead of a secret::

    certificate = { file = "/run/secrets/calsync-app.pem" }    # the private key (PEM)
    certificate_thumbprint = "A1B2..."                         # as Entra ID shows it

Secrets are references only (:class:`~calsync.config.secrets.Secret`); they are read when
the provider connects and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from calsync.config.secrets import Secret
from calsync.config.values import HttpUrl, Seconds, ZoneId

__all__ = ["AUTHORITY_HOST", "DEFAULT_TIMEOUT", "GRAPH_URL", "GraphSettings"]

#: The Microsoft identity platform (global cloud).
AUTHORITY_HOST: Final = HttpUrl("https://login.microsoftonline.com")
#: Microsoft Graph v1.0 (global cloud).
GRAPH_URL: Final = HttpUrl("https://graph.microsoft.com/v1.0")
DEFAULT_ZONE: Final = ZoneId("UTC")
#: Seconds a request may go without an answer (a $batch of 20 answers well within it).
DEFAULT_TIMEOUT: Final = Seconds(60.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphSettings:
    """Settings of one Microsoft 365 mailbox reached through Microsoft Graph.

    :param tenant_id: the Entra ID tenant (id or primary domain).
    :param client_id: the app registration's application (client) id.
    :param client_secret: the client secret, by reference.
    :param certificate: the certificate's private key (PEM), by reference, instead of a secret.
    :param certificate_thumbprint: that certificate's SHA-1 thumbprint (hex).
    :param authority_host: the identity platform (another national cloud's, if any).
    :param graph_url: the Graph endpoint, ``.../v1.0``.
    :param endpoint: send every request to this address instead (a local emulator:
        ``calsync sandbox serve`` and the demo); the URLs the libraries build stay as above.
    :param time_zone: the mailbox's zone (IANA or Windows id): all-day items' midnights and
        items written without a zone.
    :param timeout_seconds: how long one request may go without an answer.
    :param window_past_days: how far back the calendarView delta window reaches.
    :param window_future_days: how far ahead it reaches.
    :param slide_days: how far the window may fall behind before a new round starts.
    """

    tenant_id: str = ""
    client_id: str = ""
    client_secret: Secret | None = None
    certificate: Secret | None = None
    certificate_thumbprint: str = ""
    authority_host: HttpUrl = AUTHORITY_HOST
    graph_url: HttpUrl = GRAPH_URL
    endpoint: str = ""
    time_zone: ZoneId = DEFAULT_ZONE
    timeout_seconds: Seconds = DEFAULT_TIMEOUT
    window_past_days: int = 365
    window_future_days: int = 730
    slide_days: int = 30

    def problems(self) -> list[str]:
        """What is missing or wrong (empty when usable)."""
        found = [
            f"{name} is required" for name in ("tenant_id", "client_id") if not getattr(self, name)
        ]
        if (self.client_secret is None) == (self.certificate is None):
            found.append("give either client_secret or certificate (with certificate_thumbprint)")
        if self.certificate is not None and not self.certificate_thumbprint:
            found.append("certificate_thumbprint is required with certificate")
        for name in ("authority_host", "graph_url"):
            if not getattr(self, name).startswith("https://"):
                found.append(f"{name} must be an https:// URL (use endpoint for a local emulator)")
        if self.endpoint and not self.endpoint.startswith(("http://", "https://")):
            found.append(f"endpoint {self.endpoint!r} is not an http(s) URL")
        if self.window_past_days < 1 or self.window_future_days < 1:
            found.append("window_past_days and window_future_days must be at least 1")
        if not 1 <= self.slide_days < self.window_future_days:
            found.append("slide_days must be at least 1 and less than window_future_days")
        return found
