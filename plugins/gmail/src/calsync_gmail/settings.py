"""The ``[mailboxes.settings]`` table of a Google mailbox.

Credentials are references only (:class:`~calsync.config.secrets.Secret`), read when the
provider is built. Two kinds are accepted:

* a service account with domain-wide delegation: ``service_account_key`` holds the JSON key
  file (``{file = "/run/secrets/sa.json"}`` or ``{env = "GOOGLE_SA_JSON"}``); the mailbox
  address is impersonated (``subject`` overrides it);
* installed-app user credentials: ``client_id``, ``client_secret`` and ``refresh_token``.

The endpoint keys exist so that the demo can point the provider at a local
:class:`~calsync.emulation.server.EmulatorServer`; the defaults are Google's own.
``new_batch_http_request()`` ignores ``api_endpoint``, hence the separate batch URIs.

Example::

    [[mailboxes]]
    name = "carol"
    provider = "gmail"
    address = "carol@example.com"
    settings = { service_account_key = { file = "/run/secrets/calsync-sa.json" } }
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from calsync.config.secrets import Secret
from calsync.config.values import HttpUrl, Seconds

__all__ = [
    "CALENDAR_BATCH_URI",
    "DEFAULT_SCOPES",
    "GMAIL_BATCH_URI",
    "MAX_CALENDAR_BATCH",
    "MAX_GMAIL_BATCH",
    "GmailSettings",
]

#: Google's documented ceilings: 1000 calls per Calendar batch, 100 per Gmail batch.
MAX_CALENDAR_BATCH: Final = 1000
MAX_GMAIL_BATCH: Final = 100
#: Seconds before a request is abandoned, unless the settings say otherwise.
DEFAULT_TIMEOUT: Final = Seconds(60.0)
CALENDAR_BATCH_URI: Final = HttpUrl("https://www.googleapis.com/batch/calendar/v3")
GMAIL_BATCH_URI: Final = HttpUrl("https://gmail.googleapis.com/batch")
#: Read/write calendars; read mail that carries an ``.ics`` file and relabel it (see
#: :mod:`.invitations`: only the iCalendar parts' UID lines are used, never stored).
DEFAULT_SCOPES: Final = (
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/gmail.modify",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class GmailSettings:
    """Settings of the ``gmail`` mailbox provider (all optional except the credentials)."""

    #: The service account's JSON key file (domain-wide delegation).
    service_account_key: Secret | None = None
    #: Whom the service account impersonates; empty: the mailbox address.
    subject: str = ""
    #: Installed-app user credentials.
    client_id: Secret | None = None
    client_secret: Secret | None = None
    refresh_token: Secret | None = None
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    #: The calendar to sync.
    calendar_id: str = "primary"
    #: Gmail labels: the parent the "Sync Error" label nests under, and whether to label mail.
    label_parent: str = "Salesforce Emails"
    gmail_labels: bool = True
    #: ``api_endpoint`` overrides (absent: Google's), e.g. ``http://127.0.0.1:8080/calendar/v3/``.
    calendar_api: HttpUrl | None = None
    gmail_api: HttpUrl | None = None
    calendar_batch_uri: HttpUrl = CALENDAR_BATCH_URI
    gmail_batch_uri: HttpUrl = GMAIL_BATCH_URI
    #: The OAuth token endpoint; absent: the key file's (service account) or Google's.
    token_uri: HttpUrl | None = None
    #: Calls per batch request. Google allows 1000 (Calendar) and 100 (Gmail) but advises
    #: against more than 50: larger batches are more often throttled as a whole.
    batch_size: int = 50
    #: Seconds before a request is abandoned (socket timeout); at most 900.
    timeout: Seconds = DEFAULT_TIMEOUT
    #: Retries of a throttled single call (or a 503 that says when to come back) within
    #: the call, as calsync.retry.Backoff waits (the hint up to 60 s, else exponentially
    #: with jitter). Off by default: the engine already repeats a throttled pass the same way.
    num_retries: int = 0

    def __post_init__(self) -> None:
        """Refuse values Google would refuse later, with a clear message now."""
        if not 1 <= self.batch_size <= MAX_CALENDAR_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_CALENDAR_BATCH}")
        if not 0 <= self.num_retries <= 5:
            raise ValueError("num_retries must be between 0 and 5")
        if not self.calendar_id:
            raise ValueError("calendar_id must not be empty")
        if not self.label_parent.strip(" /"):
            raise ValueError("label_parent must name a Gmail label")

    @property
    def gmail_batch_size(self) -> int:
        """Calls per Gmail batch: the configured size, capped at Gmail's limit."""
        return min(self.batch_size, MAX_GMAIL_BATCH)
