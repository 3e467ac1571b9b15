"""google-api-python-client services, single calls and batches, with errors translated.

The services are built from the discovery documents shipped inside googleapiclient (no
network at build time) over one ``http`` object: ``google_auth_httplib2.AuthorizedHttp``
around ``httplib2.Http`` in production, around core's ``InProcessHttp`` in tests.
Batches are built with an explicit URI because ``new_batch_http_request()`` ignores
``api_endpoint``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from calsync.errors import InvalidReplyError
from calsync.retry import Backoff
from calsync_gmail.errors import ERRORS, SIDE, expect_object
from calsync_gmail.settings import GmailSettings

__all__ = ["Api", "GoogleClient", "Outcome"]

Api = Literal["calendar", "gmail"]
#: One batch part's answer: the parsed reply, or the HttpError it failed with.
Outcome = tuple[Any, HttpError | None]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class GoogleClient:
    """The Calendar and Gmail services of one mailbox, and how calls are made on them."""

    def __init__(self, http: Any, settings: GmailSettings) -> None:
        """Call Google through ``http`` (an authorized httplib2-like object)."""
        self.http = http
        self.settings = settings
        #: How the client waits between retries (tests replace it).
        self.sleep: Callable[[float], None] = time.sleep
        self._services: dict[str, Any] = {}

    def _service(self, api: Api) -> Any:
        if api not in self._services:
            endpoint = self.settings.calendar_api if api == "calendar" else self.settings.gmail_api
            with ERRORS.boundary(f"building the {api} client"):
                self._services[api] = build(
                    api,
                    "v3" if api == "calendar" else "v1",
                    http=self.http,
                    static_discovery=True,
                    cache_discovery=False,
                    client_options={"api_endpoint": endpoint} if endpoint else None,
                )
        return self._services[api]

    @property
    def calendar(self) -> Any:
        """The Calendar v3 service."""
        return self._service("calendar")

    @property
    def gmail(self) -> Any:
        """The Gmail v1 service."""
        return self._service("gmail")

    def execute(self, request: Any, what: str) -> Any:
        """Execute one request, errors translated; its raw reply.

        With ``num_retries`` set, a throttled call (or a 503 that says when to come back) is
        repeated as :class:`calsync.retry.Backoff` says, instead of googleapiclient's own
        blind retries (which ignore ``Retry-After``).
        """
        policy = Backoff(attempts=self.settings.num_retries + 1)
        for attempt in policy.retrying(sleep=self.sleep, name=f"Google {what}"):
            with attempt, ERRORS.boundary(what):
                return request.execute()
        raise AssertionError("unreachable")

    def call(self, request: Any, what: str, *keys: str) -> dict[str, Any]:
        """Execute one request and return its JSON object (checked to carry ``keys``)."""
        return expect_object(self.execute(request, what), what, *keys)

    def call_empty(self, request: Any, what: str) -> None:
        """Execute one request whose answer has no body (204)."""
        self.execute(request, what)

    def batch(self, api: Api, requests: Sequence[Any], what: str) -> list[Outcome]:
        """Execute ``requests`` in batches of the configured size; one outcome per request.

        A whole batch that fails raises (translated); a part that fails comes back as its
        :class:`HttpError` for the caller to judge.
        """
        if api == "calendar":
            size, uri = self.settings.batch_size, self.settings.calendar_batch_uri
        else:
            size, uri = self.settings.gmail_batch_size, self.settings.gmail_batch_uri
        outcomes: list[Outcome] = []
        for chunk in _chunks(requests, size):
            answers: dict[str, Outcome] = {}

            def keep(
                request_id: str,
                response: Any,
                error: Exception | None,
                answers: dict[str, Outcome] = answers,
            ) -> None:
                if error is not None and not isinstance(error, HttpError):
                    raise error
                answers[request_id] = (response, error)

            batch = BatchHttpRequest(callback=keep, batch_uri=uri)
            for index, request in enumerate(chunk):
                batch.add(request, request_id=str(index))
            with ERRORS.boundary(what):
                batch.execute()
            for index in range(len(chunk)):
                if str(index) not in answers:
                    raise InvalidReplyError(f"Google's {what} batch lost a part", source=SIDE)
                outcomes.append(answers[str(index)])
        return outcomes

    def pages(self, make: Callable[[str | None], Any], what: str) -> Iterator[dict[str, Any]]:
        """Yield every page of a list call; ``make(page_token)`` builds each request."""
        token: str | None = None
        while True:
            page = self.call(make(token), what)
            yield page
            token = page.get("nextPageToken")
            if not token:
                return
            if not isinstance(token, str):
                raise InvalidReplyError(f"Google's {what} page token is not text", source=SIDE)
