"""google-auth credentials from the settings' secret references.

A service account always impersonates a user (``with_subject``): the mailbox address, or
``subject`` when set. Without a subject a service account would act as itself and see its
own (empty) calendar. Secrets are revealed here, when the provider is built, and never kept
anywhere but in the credentials object.
"""

from __future__ import annotations

import json
from typing import Final

import google.oauth2.credentials
from google.auth.credentials import Credentials
from google.oauth2 import service_account

from calsync.errors import ConfigError
from calsync_gmail.settings import GmailSettings

__all__ = ["GOOGLE_TOKEN_URI", "credentials_from_settings"]

GOOGLE_TOKEN_URI: Final = "https://oauth2.googleapis.com/token"


def _service_account(settings: GmailSettings, address: str) -> Credentials:
    assert settings.service_account_key is not None
    secret = settings.service_account_key
    try:
        info = json.loads(secret.reveal())
    except ValueError:
        # Never echo the content: it is a private key.
        raise ConfigError(f"the service account key in {secret.reference} is not JSON") from None
    if not isinstance(info, dict):
        raise ConfigError(f"the service account key in {secret.reference} is not a JSON object")
    if settings.token_uri:
        info["token_uri"] = settings.token_uri
    try:
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=list(settings.scopes)
        )
    except (ValueError, KeyError) as error:
        raise ConfigError(
            f"the service account key in {secret.reference} is unusable: {type(error).__name__}"
        ) from None
    subject = settings.subject or address
    return credentials.with_subject(subject)  # type: ignore[no-any-return]


def credentials_from_settings(settings: GmailSettings, address: str) -> Credentials:
    """Build the credentials the settings refer to.

    :raises ConfigError: no credentials, both kinds, or a secret that cannot be read or used.
    """
    user = (settings.client_id, settings.client_secret, settings.refresh_token)
    if settings.service_account_key is not None:
        if any(part is not None for part in user):
            raise ConfigError(
                "give either service_account_key or client_id/client_secret/refresh_token, not both"
            )
        return _service_account(settings, address)
    if any(part is None for part in user):
        raise ConfigError(
            "gmail needs service_account_key, or all of client_id, client_secret and refresh_token"
        )
    client_id, client_secret, refresh_token = (part.reveal() for part in user if part is not None)
    return google.oauth2.credentials.Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=refresh_token,
        client_id=client_id,
        client_secret=client_secret,
        token_uri=settings.token_uri or GOOGLE_TOKEN_URI,
        scopes=list(settings.scopes),
    )
