"""A tenant the identity platform does not describe: a setup mistake named, never INTERNAL_ERROR.

MSAL asks the identity platform about the tenant as the app starts and raises a bare
``ValueError`` for any other answer. Found from outside: a pass then failed as
``INTERNAL_ERROR: ValueError`` (a typo in tenant_id, a proxy's page at the endpoint).
"""

from __future__ import annotations

import httpx
import pytest

from calsync.errors import ConfigError, ServiceUnavailableError
from calsync_graph.client import GraphClient
from calsync_graph.settings import GraphSettings

PAGE = b"<html><head><title>Not Found</title></head><body>nothing here</body></html>"


def _client(status: int) -> GraphClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=PAGE, headers={"Content-Type": "text/html"})

    settings = GraphSettings(tenant_id="contoso.onmicrosft.com", client_id="app")
    return GraphClient(
        settings, "alice@example.com", transport=httpx.MockTransport(answer), credential="s"
    )


@pytest.mark.parametrize("status", [400, 404])
def test_an_unknown_tenant_is_a_setup_mistake(status: int) -> None:
    with pytest.raises(ConfigError) as raised:
        _client(status)
    [problem] = raised.value.problems
    assert problem.startswith(
        "the identity platform does not know the tenant at "
        f"https://login.microsoftonline.com/contoso.onmicrosft.com (HTTP {status}); check tenant_id"
    )
    assert "<html" not in problem


def test_the_platform_failing_is_unavailability() -> None:
    with pytest.raises(ServiceUnavailableError) as raised:
        _client(503)
    assert "(HTTP 503)" in str(raised.value) and raised.value.source == "mailbox"


def test_the_platform_out_of_reach_is_unavailability() -> None:
    """No network to the identity platform was an INTERNAL_ERROR: ConnectError."""

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    settings = GraphSettings(tenant_id="contoso.onmicrosoft.com", client_id="app")
    with pytest.raises(ServiceUnavailableError) as raised:
        GraphClient(
            settings,
            "alice@example.com",
            transport=httpx.MockTransport(unreachable),
            credential="s",
        )
    assert str(raised.value) == (
        "the identity platform at https://login.microsoftonline.com/contoso.onmicrosoft.com "
        "could not be reached: [Errno -3] Temporary failure in name resolution"
    )
