"""The ``[crm.settings]`` table of the salesforce provider.

Credentials are references to secrets (``{env = "NAME"}`` or ``{file = "PATH"}``), read
only when the provider connects. Which sign-in flow is used follows from what is given:

* ``instance_url`` + ``session_id``: an existing session or OAuth access token;
* ``username`` + ``consumer_key`` + ``private_key``: the OAuth 2.0 JWT bearer flow;
* ``username`` + ``password`` + ``consumer_key`` + ``consumer_secret``: the OAuth 2.0
  username-password flow;
* ``username`` + ``password`` + ``security_token``: the SOAP username-password login;
* ``consumer_key`` + ``consumer_secret`` alone: the OAuth 2.0 client-credentials flow (set
  ``domain`` to the org's My Domain, e.g. ``acme.my``).

``forward_to`` sends every request to a local emulator server instead (the demo).

Example::

    [crm]
    provider = "salesforce"
    [crm.settings]
    instance_url = "https://acme.my.salesforce.com"
    session_id = { env = "SF_SESSION_ID" }
    api_version = "59.0"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from calsync.config.secrets import Secret
from calsync.config.values import HttpUrl, Seconds

__all__ = ["DEFAULT_API_VERSION", "SalesforceSettings"]

DEFAULT_API_VERSION = "59.0"
#: Seconds to wait for an answer, unless the settings say otherwise.
DEFAULT_TIMEOUT: Final = Seconds(120)


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesforceSettings:
    """Where the org is, how to sign in, and how the org is set up."""

    #: The org's URL, e.g. ``https://acme.my.salesforce.com`` (needed with ``session_id``;
    #: optional with the JWT flow, where it picks the login host).
    instance_url: HttpUrl | None = None
    #: An existing session id or OAuth access token.
    session_id: Secret | None = None
    #: The integration user's username (password, JWT flows).
    username: str = ""
    password: Secret | None = None
    security_token: Secret | None = None
    #: The connected app's consumer key (OAuth flows).
    consumer_key: str = ""
    consumer_secret: Secret | None = None
    #: The PEM private key that signs JWT bearer assertions.
    private_key: Secret | None = None
    #: The login domain: ``login``, ``test`` (sandboxes) or a My Domain prefix.
    domain: str = "login"
    #: The REST API version every call uses.
    api_version: str = DEFAULT_API_VERSION
    #: Send every request to this ``http://host:port`` instead (a local emulator server).
    forward_to: HttpUrl | None = None
    #: The External ID field on Event that stores the counterpart's id.
    counterpart_field: str = "Calsync_Ref__c"
    #: Whether the org has "Enable Multiday Events" on (events up to 14 days, else 24 hours).
    multiday_events: bool = True
    #: Seconds to wait for an answer before giving up on a call (at most 900).
    timeout_seconds: Seconds = DEFAULT_TIMEOUT
