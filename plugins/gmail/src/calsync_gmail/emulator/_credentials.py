"""google-auth credentials wired to an emulator's token endpoint.

``AuthorizedHttp`` refreshes credentials through the http object it wraps, so an
``InProcessHttp`` already takes refreshes to the emulator. googleapiclient's batches do not:
``BatchHttpRequest.execute`` refreshes invalid credentials, and credentials of a part that
answered 401, through a *new* ``httplib2.Http()`` (``googleapiclient/_auth.py``,
``refresh_credentials``), i.e. over the network. In process there is no network, so the
classes here swap whatever transport a refresh is handed for the emulator, as long as the
credentials use the production token URI. With a socket ``token_uri`` the transport given
is used unchanged (it reaches the server).
"""

from __future__ import annotations

from typing import Any, ClassVar

import google.oauth2.credentials
import google_auth_httplib2
from google.oauth2 import service_account

from calsync.emulation import Emulator
from calsync.emulation.httplib2_transport import InProcessHttp
from calsync_gmail.emulator._oauth import DEFAULT_TOKEN_URI


class _Wired:
    """Mixin: refresh in process when the token URI is the production one."""

    emulator: ClassVar[Emulator]
    _token_uri: str

    def _refresh_transport(self, request: Any) -> Any:
        if self._token_uri == DEFAULT_TOKEN_URI:
            return google_auth_httplib2.Request(InProcessHttp(self.emulator))
        return request


class _WiredUserCredentials(_Wired, google.oauth2.credentials.Credentials):
    def refresh(self, request: Any) -> None:
        super().refresh(self._refresh_transport(request))  # type: ignore[no-untyped-call]


class _WiredServiceAccountCredentials(_Wired, service_account.Credentials):
    def refresh(self, request: Any) -> None:
        super().refresh(self._refresh_transport(request))  # type: ignore[no-untyped-call]


def user_credentials_class(emulator: Emulator) -> type[google.oauth2.credentials.Credentials]:
    """Return a ``google.oauth2.credentials.Credentials`` subclass bound to ``emulator``."""
    return type("EmulatorUserCredentials", (_WiredUserCredentials,), {"emulator": emulator})


def service_account_class(emulator: Emulator) -> type[service_account.Credentials]:
    """Return a ``google.oauth2.service_account.Credentials`` subclass bound to ``emulator``.

    ``with_subject`` and ``with_scopes`` copy through ``self.__class__``, so the binding
    survives them.
    """
    return type(
        "EmulatorServiceAccountCredentials",
        (_WiredServiceAccountCredentials,),
        {"emulator": emulator},
    )
