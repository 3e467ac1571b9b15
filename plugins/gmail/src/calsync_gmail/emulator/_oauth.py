"""Google's OAuth 2.0 token endpoint and the access tokens it issues.

Two grants, as google-auth sends them to ``https://oauth2.googleapis.com/token``:

* ``refresh_token`` for installed-app user credentials
  (:class:`google.oauth2.credentials.Credentials`);
* ``urn:ietf:params:oauth:grant-type:jwt-bearer`` for a service account with domain-wide
  delegation (``service_account.Credentials...with_subject(user)``). The assertion's RS256
  signature is verified with the public half of the key the emulator generated for its test
  service account, and ``sub`` names the impersonated user.

Access tokens identify a user and a set of scopes and expire after an hour of the emulator's
clock. google-auth checks expiry against the machine clock, so moving a :class:`FrozenClock`
past an hour makes the emulator answer 401 and google-auth refresh, offline.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import crypt

from calsync.emulation import Clock, HttpRequest, HttpResponse
from calsync_gmail.emulator._errors import JSON_TYPE, oauth_error

DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar"
GMAIL_MODIFY_SCOPE = "https://www.googleapis.com/auth/gmail.modify"
#: What the helpers ask for unless told otherwise: read/write calendars, relabel mail.
DEFAULT_SCOPES = (CALENDAR_SCOPE, GMAIL_MODIFY_SCOPE)
TOKEN_LIFETIME = timedelta(seconds=3599)
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: The installed-app OAuth client the user-credential helper registers.
INSTALLED_CLIENT_ID = "calsync-emulator.apps.googleusercontent.com"
SERVICE_ACCOUNT_EMAIL = "calsync-sync@calsync-emulator.iam.gserviceaccount.com"
SERVICE_ACCOUNT_CLIENT_ID = "104242424242424242424"


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An issued access token: who it speaks for, with which scopes, until when."""

    value: str
    email: str
    scopes: frozenset[str]
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshGrant:
    """What a refresh token stands for."""

    email: str
    client_id: str
    scopes: frozenset[str]


@functools.cache
def _key_pair() -> tuple[str, str]:
    """One RSA key per process (generating one costs ~0.1 s): private and public PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class OAuthServer:
    """The token endpoint plus the registry of clients, refresh and access tokens.

    :param clock: dates token expiry.
    :param user_exists: tells whether an email is a user of the emulator.
    """

    def __init__(self, clock: Clock, user_exists: Callable[[str], bool]) -> None:
        """Register the installed-app client and the domain-wide-delegated service account."""
        self.clock = clock
        self._user_exists = user_exists
        self.client_secret = secrets.token_urlsafe(18)
        self.private_key_id = secrets.token_hex(20)
        #: Scopes the Workspace admin delegated to the service account's client id.
        self.delegated_scopes: set[str] = {
            CALENDAR_SCOPE,
            "https://www.googleapis.com/auth/calendar.events",
            GMAIL_MODIFY_SCOPE,
            "https://www.googleapis.com/auth/gmail.labels",
            "https://mail.google.com/",
        }
        self._refresh: dict[str, RefreshGrant] = {}
        self._access: dict[str, AccessToken] = {}

    # -- registry ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every issued token (clients and the service account stay registered)."""
        self._refresh.clear()
        self._access.clear()

    def issue(self, email: str, scopes: frozenset[str] = frozenset()) -> AccessToken:
        """Issue an access token for ``email`` (empty ``scopes``: every API is allowed)."""
        token = AccessToken(
            value="ya29.emu-" + secrets.token_urlsafe(24),
            email=email.lower(),
            scopes=scopes,
            expires_at=self.clock.now() + TOKEN_LIFETIME,
        )
        self._access[token.value] = token
        return token

    def grant_refresh_token(self, email: str, scopes: frozenset[str]) -> str:
        """Register a refresh token for ``email`` on the installed-app client."""
        value = "1//emu-" + secrets.token_urlsafe(24)
        self._refresh[value] = RefreshGrant(email.lower(), INSTALLED_CLIENT_ID, scopes)
        return value

    def authenticate(self, authorization: str | None) -> AccessToken | None:
        """Return the live access token in an ``Authorization: Bearer`` header, else ``None``."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        token = self._access.get(authorization[7:].strip())
        if token is None or token.expires_at <= self.clock.now():
            return None
        return token

    def expire_access_tokens(self, email: str | None = None) -> int:
        """Invalidate the access tokens of ``email`` (everyone's if ``None``); return how many."""
        doomed = [v for v, t in self._access.items() if email is None or t.email == email.lower()]
        for value in doomed:
            del self._access[value]
        return len(doomed)

    def revoke_refresh_tokens(self, email: str | None = None) -> int:
        """Revoke the refresh tokens of ``email`` (everyone's if ``None``); return how many."""
        doomed = [v for v, g in self._refresh.items() if email is None or g.email == email.lower()]
        for value in doomed:
            del self._refresh[value]
        return len(doomed)

    @property
    def public_key_pem(self) -> str:
        """The public key that verifies the service account's assertions."""
        return _key_pair()[1]

    def service_account_info(self, token_uri: str = DEFAULT_TOKEN_URI) -> dict[str, str]:
        """Return a service-account key file, as ``from_service_account_info`` reads it."""
        return {
            "type": "service_account",
            "project_id": "calsync-emulator",
            "private_key_id": self.private_key_id,
            "private_key": _key_pair()[0],
            "client_email": SERVICE_ACCOUNT_EMAIL,
            "client_id": SERVICE_ACCOUNT_CLIENT_ID,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
            + SERVICE_ACCOUNT_EMAIL.replace("@", "%40"),
            "universe_domain": "googleapis.com",
        }

    # -- the endpoint -----------------------------------------------------------------

    def _granted(self, token: AccessToken) -> HttpResponse:
        body: dict[str, object] = {
            "access_token": token.value,
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "token_type": "Bearer",
        }
        if token.scopes:
            body["scope"] = " ".join(sorted(token.scopes))
        return HttpResponse(headers={"content-type": JSON_TYPE}, body=json.dumps(body).encode())

    def _refresh_grant(self, form: dict[str, str]) -> HttpResponse:
        if form.get("client_id") != INSTALLED_CLIENT_ID:
            return oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("client_secret") != self.client_secret:
            return oauth_error(401, "invalid_client", "Unauthorized")
        grant = self._refresh.get(form.get("refresh_token", ""))
        if grant is None or not self._user_exists(grant.email):
            return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
        wanted = frozenset(form.get("scope", "").split()) or grant.scopes
        if not wanted <= grant.scopes:
            return oauth_error(400, "invalid_scope", "Bad Request")
        return self._granted(self.issue(grant.email, wanted))

    def _jwt_grant(self, assertion: str) -> HttpResponse:
        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            payload = json.loads(_b64decode(payload_b64))
            signature = _b64decode(signature_b64)
        except ValueError:
            return oauth_error(
                400, "invalid_grant", "Invalid JWT: Token must be a short-lived token"
            )
        if payload.get("iss") != SERVICE_ACCOUNT_EMAIL:
            return oauth_error(400, "invalid_grant", "Invalid grant: account not found")
        signed = f"{header_b64}.{payload_b64}".encode()
        if not crypt.verify_signature(signed, signature, [self.public_key_pem]):  # type: ignore[no-untyped-call]
            return oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
        lifetime = int(payload.get("exp", 0)) - int(payload.get("iat", 0))
        if not 0 < lifetime <= 3600 or not str(payload.get("aud", "")).endswith("/token"):
            return oauth_error(
                400, "invalid_grant", "Invalid JWT: Token must be a short-lived token"
            )
        scopes = frozenset(str(payload.get("scope", "")).split())
        subject = str(payload.get("sub") or "")
        if not scopes:
            return oauth_error(
                400, "invalid_scope", "Invalid OAuth scope or ID token audience provided."
            )
        if subject and not self._user_exists(subject):
            return oauth_error(400, "invalid_grant", "Invalid email or User ID")
        if subject and not scopes <= self.delegated_scopes:
            return oauth_error(
                401,
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, "
                "or client not authorized for any of the scopes requested.",
            )
        return self._granted(self.issue(subject or SERVICE_ACCOUNT_EMAIL, scopes))

    def token_endpoint(self, request: HttpRequest) -> HttpResponse:
        """Answer ``POST /token``."""
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        grant_type = form.get("grant_type", "")
        if grant_type == "refresh_token":
            return self._refresh_grant(form)
        if grant_type == JWT_GRANT:
            return self._jwt_grant(form.get("assertion", ""))
        return oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
