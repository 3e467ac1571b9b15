"""Who is calling and which mailbox a request acts on.

Requests are authorised by their ``Authorization`` header: ``Basic`` with a mailbox's
address and password, or ``Bearer`` with a token from the emulated Entra ID token endpoint
(client-credentials grant). A user acts on their own mailbox unless they impersonate one
that lists them; an application must name its target mailbox with ``ExchangeImpersonation``
(or at least ``X-AnchorMailbox``), as Exchange Online requires for app-only tokens.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, final
from urllib.parse import parse_qs

from calsync.emulation import HttpRequest, HttpResponse
from calsync_exchange.emulator.errors import EwsError, SoapFault
from calsync_exchange.emulator.records import ApplicationRecord, MailboxRecord, TokenRecord
from calsync_exchange.emulator.store import EwsStore

TOKEN_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/token$")
TOKEN_HOST = "login.microsoftonline.com"
EWS_SCOPE = "https://outlook.office365.com/.default"
TOKEN_LIFETIME = timedelta(seconds=3599)
BASIC_CHALLENGE = 'Basic realm="emulated-exchange"'
BEARER_CHALLENGE = (
    'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", '
    'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'error="invalid_token"'
)


@final
@dataclass(frozen=True, slots=True)
class Identity:
    """The authenticated caller: a mailbox user or an application."""

    kind: Literal["user", "application"]
    name: str
    application: ApplicationRecord | None = None


class AuthFailure(Exception):
    """The credentials were refused: answer HTTP 401 with ``challenge``."""

    def __init__(self, challenge: str, diagnostics: str | None = None) -> None:
        """Carry the ``WWW-Authenticate`` value (and Exchange Online's diagnostics)."""
        super().__init__(challenge)
        self.challenge = challenge
        self.diagnostics = diagnostics

    def response(self) -> HttpResponse:
        """Return the 401 answer (no body, as IIS sends it)."""
        headers = {"WWW-Authenticate": self.challenge}
        if self.diagnostics:
            headers["x-ms-diagnostics"] = self.diagnostics
        return HttpResponse(status=401, headers=headers)


def authenticate(store: EwsStore, request: HttpRequest) -> Identity:
    """Check the ``Authorization`` header; :class:`AuthFailure` when it does not hold."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(credentials).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthFailure(BASIC_CHALLENGE) from None
        mailbox = store.find_mailbox(user.rpartition("\\")[2])
        if mailbox is None or mailbox.password is None or mailbox.password != password:
            raise AuthFailure(BASIC_CHALLENGE)
        return Identity("user", mailbox.address)
    if scheme.lower() == "bearer":
        token = store.tokens.get(credentials.strip())
        if token is None or token.revoked:
            raise AuthFailure(BEARER_CHALLENGE, '2000001;reason="The token is invalid."')
        if token.expires_at <= store.now():
            raise AuthFailure(BEARER_CHALLENGE, '2000003;reason="The token has expired."')
        return Identity("application", token.client_id, store.applications[token.client_id])
    raise AuthFailure(BASIC_CHALLENGE)


def acting_mailbox(
    store: EwsStore, identity: Identity, impersonated: str | None, anchor: str | None
) -> MailboxRecord:
    """Return the mailbox the request acts on (raises a SOAP fault like Exchange)."""
    if identity.kind == "application":
        target = impersonated or anchor
        if not target:
            raise SoapFault(
                "ErrorInvalidExchangeImpersonationHeaderData",
                "ExchangeImpersonation SOAP header must be present for this type of OAuth token.",
            )
        mailbox = store.find_mailbox(target)
        if mailbox is None:
            raise SoapFault(
                "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."
            )
        allowed = identity.application.mailboxes if identity.application else None
        if allowed is not None and mailbox.address.lower() not in allowed:
            raise SoapFault(
                "ErrorImpersonateUserDenied",
                "The account does not have permission to impersonate the requested user.",
            )
        return mailbox
    own = store.mailbox(identity.name)
    if impersonated is None or impersonated.lower() == own.address.lower():
        return own
    mailbox = store.find_mailbox(impersonated)
    if mailbox is None:
        raise SoapFault(
            "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."
        )
    if own.address.lower() not in mailbox.impersonators:
        raise SoapFault(
            "ErrorImpersonateUserDenied",
            "The account does not have permission to impersonate the requested user.",
        )
    return mailbox


def check_access(acting: MailboxRecord, target: MailboxRecord) -> None:
    """Refuse access to another mailbox unless ``acting`` is one of its delegates."""
    if target is acting or acting.address.lower() in target.delegates:
        return
    raise EwsError("ErrorAccessDenied")


# -- the emulated Entra ID token endpoint ------------------------------------------------------


def _oauth_error(status: int, error: str, description: str) -> HttpResponse:
    body = json.dumps({"error": error, "error_description": description, "error_codes": []})
    return HttpResponse(
        status=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
        body=body.encode(),
    )


def token_endpoint(store: EwsStore, request: HttpRequest, tenant: str) -> HttpResponse:
    """Answer a client-credentials token request like Entra ID does."""
    form = {
        k: v[0] for k, v in parse_qs(request.body.decode("utf-8"), keep_blank_values=True).items()
    }
    if request.method != "POST":
        return _oauth_error(
            405, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests."
        )
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(
            400,
            "unsupported_grant_type",
            "AADSTS70003: The app requested an unsupported grant type.",
        )
    if not any(app.tenant == tenant for app in store.applications.values()):
        return _oauth_error(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
    app = store.applications.get(form.get("client_id", ""))
    if app is None or app.tenant != tenant:
        return _oauth_error(
            400,
            "unauthorized_client",
            f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not found "
            f"in the directory '{tenant}'.",
        )
    if form.get("client_secret") != app.client_secret:
        return _oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
    if form.get("scope") != EWS_SCOPE:
        return _oauth_error(
            400,
            "invalid_scope",
            f"AADSTS70011: The provided value for scope {form.get('scope')} is not valid.",
        )
    token = TokenRecord(
        token=secrets.token_urlsafe(32),
        client_id=app.client_id,
        expires_at=store.now() + TOKEN_LIFETIME,
    )
    store.tokens[token.token] = token
    seconds = int(TOKEN_LIFETIME.total_seconds())
    body = {
        "token_type": "Bearer",
        "expires_in": seconds,
        "ext_expires_in": seconds,
        "access_token": token.token,
    }
    return HttpResponse(
        status=200,
        headers={"Content-Type": "application/json; charset=utf-8"},
        body=json.dumps(body).encode(),
    )
