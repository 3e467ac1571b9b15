"""The Microsoft identity platform endpoints MSAL uses for the client-credentials grant.

* ``GET /{tenant}/v2.0/.well-known/openid-configuration``: MSAL reads ``token_endpoint``
  and ``authorization_endpoint`` from it
  (https://github.com/AzureAD/microsoft-authentication-library-for-python/blob/dev/msal/authority.py);
* ``GET /common/discovery/instance``: instance discovery (MSAL 1.39 calls it);
* ``POST /{tenant}/oauth2/v2.0/token`` with ``grant_type=client_credentials``, a
  ``client_secret`` or a ``client_assertion``, and ``scope=https://graph.microsoft.com/.default``
  (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
  Errors are OAuth error bodies with an ``AADSTSnnnn:`` description and ``error_codes``
  (https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes). A
  refused client answers 401 ``invalid_client`` as RFC 6749 section 5.2 says (Microsoft
  does not document the status per code), which MSAL does not replay from its cache.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import parse_qs

from calsync.emulation import HttpRequest, HttpResponse
from calsync_graph.emulator.errors import json_response

__all__ = ["GRAPH_SCOPE", "App", "Directory", "oauth_error"]

GRAPH_SCOPE: Final = "https://graph.microsoft.com/.default"
AUTHORITY: Final = "https://login.microsoftonline.com"
TOKEN_LIFETIME: Final = 3599


@dataclass(slots=True)
class App:
    """An app registration with its credential (a secret or a certificate's thumbprint)."""

    tenant: str
    client_id: str
    secret: str = ""
    #: SHA-1 thumbprint (hex) of the registered certificate.
    thumbprint: str = ""
    tokens: dict[str, datetime] = field(default_factory=dict)


def oauth_error(status: int, error: str, code: int, text: str, now: datetime) -> HttpResponse:
    return json_response(
        status,
        {
            "error": error,
            "error_description": f"AADSTS{code}: {text}\r\nTrace ID: {secrets.token_hex(8)}"
            f"\r\nCorrelation ID: {secrets.token_hex(8)}\r\nTimestamp: {now:%Y-%m-%d %H:%M:%SZ}",
            "error_codes": [code],
            "timestamp": f"{now:%Y-%m-%d %H:%M:%SZ}",
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        },
    )


def _assertion_thumbprint(assertion: str) -> str:
    """The ``x5t`` (hex) of a client assertion's JWT header; the signature is not checked."""
    try:
        header = assertion.split(".", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        return base64.urlsafe_b64decode(data["x5t"] + "=" * (-len(data["x5t"]) % 4)).hex()
    except (ValueError, KeyError, TypeError, binascii.Error):
        return ""


class Directory:
    """The tenants and app registrations the emulated identity platform knows."""

    def __init__(self) -> None:
        """Know no app."""
        self.apps: dict[str, App] = {}

    def register(self, app: App) -> App:
        """Register (or replace) an app."""
        self.apps[app.client_id] = app
        return app

    def bearer(self, request: HttpRequest, now: datetime) -> App | None:
        """The app whose unexpired access token the request carries."""
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else ""
        for app in self.apps.values():
            expires = app.tokens.get(token)
            if expires is not None and expires > now:
                return app
        return None

    def revoke(self) -> None:
        """Forget every issued token."""
        for app in self.apps.values():
            app.tokens.clear()

    # -- endpoints ---------------------------------------------------------------------------

    def discovery(self, request: HttpRequest) -> HttpResponse:
        """OpenID configuration of a tenant, or instance discovery metadata.

        The endpoints advertised are the global cloud's (MSAL refuses anything but https);
        a client that reaches the emulator over a socket forwards them there.
        """
        base = AUTHORITY
        path = request.path.strip("/")
        if path.startswith("common/discovery/instance"):
            return json_response(
                200,
                {
                    "tenant_discovery_endpoint": f"{base}/common/v2.0/.well-known/openid-configuration",
                    "api-version": "1.1",
                    "metadata": [
                        {
                            "preferred_network": "login.microsoftonline.com",
                            "preferred_cache": "login.windows.net",
                            "aliases": ["login.microsoftonline.com", "login.windows.net"],
                        }
                    ],
                },
            )
        tenant = path.split("/", 1)[0]
        if tenant not in {a.tenant for a in self.apps.values()} | {"common", "organizations"}:
            return json_response(
                400,
                {
                    "error": "invalid_tenant",
                    "error_description": f"AADSTS90002: Tenant '{tenant}' not found.",
                },
            )
        return json_response(
            200,
            {
                "issuer": f"https://login.microsoftonline.com/{tenant}/v2.0",
                "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/devicecode",
            },
        )

    def token(self, request: HttpRequest, now: datetime) -> HttpResponse:
        """Answer a client-credentials token request."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8")).items()}
        tenant = request.path.strip("/").split("/", 1)[0]
        if form.get("grant_type") != "client_credentials":
            return oauth_error(
                400,
                "unsupported_grant_type",
                70003,
                "The app requested an unsupported grant type.",
                now,
            )
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app.tenant != tenant:
            return oauth_error(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{form.get('client_id', '')}' was not found in the directory '{tenant}'.",
                now,
            )
        if form.get("scope") != GRAPH_SCOPE:
            return oauth_error(
                400,
                "invalid_scope",
                70011,
                "The provided value for the input parameter 'scope' is not valid.",
                now,
            )
        if "client_assertion" in form:
            accepted = (
                bool(app.thumbprint)
                and _assertion_thumbprint(form["client_assertion"]) == app.thumbprint.lower()
            )
            if not accepted:
                return oauth_error(
                    401,
                    "invalid_client",
                    700027,
                    "Client assertion failed signature validation.",
                    now,
                )
        elif not app.secret or not secrets.compare_digest(
            form.get("client_secret", ""), app.secret
        ):
            return oauth_error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is "
                "the client secret value, not the client secret ID.",
                now,
            )
        token = secrets.token_urlsafe(32)
        app.tokens[token] = now + timedelta(seconds=TOKEN_LIFETIME)
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "ext_expires_in": TOKEN_LIFETIME,
            "access_token": token,
        }
        return json_response(200, body)
