"""calsync.translation: a service's error table turns its failures into calsync's errors."""

from __future__ import annotations

import pytest

from calsync.errors import (
    AuthError,
    CursorExpiredError,
    InvalidReplyError,
    ProviderError,
    ServiceUnavailableError,
    ThrottledError,
)
from calsync.translation import ErrorRule, ErrorTable, describe


class SdkError(Exception):
    """What an imaginary SDK raises for an HTTP error."""

    def __init__(self, status: int, code: str = "", message: str = "") -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.message = status, code, message


def _sdk(table: ErrorTable, exc: BaseException, what: str) -> ProviderError | None:
    if isinstance(exc, SdkError):
        return table.error(
            what,
            status=exc.status,
            code=exc.code,
            detail=describe(exc.code, exc.message),
            retry_after=4.0,
        )
    return None


TABLE = ErrorTable(
    service="Example",
    rules=(
        ErrorRule(AuthError, statuses={403}, codes={"AccessDenied"}, advice="Grant the app access"),
        ErrorRule(ThrottledError, statuses={403}, codes={"rateLimited"}),
        ErrorRule(CursorExpiredError, codes={"syncTokenGone"}, says="forgot the round"),
    ),
    item_codes={"BadZone": "UNSUPPORTED_TIME_ZONE"},
    translate=_sdk,
)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "", AuthError),
        (429, "", ThrottledError),
        (410, "", CursorExpiredError),
        (503, "", ServiceUnavailableError),
        (403, "accessdenied", AuthError),  # codes are compared in any case
        (403, "rateLimited", ThrottledError),
        (403, "other", ProviderError),
        (400, "syncTokenGone", CursorExpiredError),  # a rule without statuses: any status
        (404, "", ProviderError),
    ],
)
def test_statuses_and_codes_decide_the_error(
    status: int, code: str, expected: type[ProviderError]
) -> None:
    error = TABLE.error("pull", status=status, code=code, detail="told")
    assert type(error) is expected
    assert error.source == "mailbox"


def test_the_table_s_own_rules_come_before_the_http_rules() -> None:
    table = ErrorTable(service="X", rules=(ErrorRule(ProviderError, statuses={410}),))
    assert type(table.error("pull", status=410)) is ProviderError


def test_a_message_names_the_service_the_operation_the_detail_and_the_advice() -> None:
    error = TABLE.error("pull", status=403, code="AccessDenied", detail="AccessDenied: no")
    assert str(error) == (
        "Example refused the credentials (pull): AccessDenied: no. Grant the app access"
    )
    said = TABLE.error("pull", status=400, code="syncTokenGone")
    assert str(said) == "Example forgot the round (pull)"
    assert str(TABLE.error("", status=500, detail="HTTP 500")) == "Example failed: HTTP 500"


def test_throttling_and_outages_keep_the_service_s_hint() -> None:
    throttled = TABLE.error("pull", status=429, retry_after=7.0)
    down = TABLE.error("pull", status=503, retry_after=9.0)
    assert isinstance(throttled, ThrottledError) and throttled.retry_after == 7.0
    assert isinstance(down, ServiceUnavailableError) and down.retry_after == 9.0


def test_the_boundary_translates_and_keeps_the_cause() -> None:
    raised = SdkError(429, "tooMany", "slow down")
    with pytest.raises(ThrottledError) as caught, TABLE.boundary("write"):
        raise raised
    assert caught.value.__cause__ is raised
    assert caught.value.retry_after == 4.0
    assert str(caught.value) == "Example asked to slow down (write): tooMany: slow down"


def test_calsync_errors_and_bugs_pass_the_boundary_as_they_are() -> None:
    with pytest.raises(CursorExpiredError, match="as it is"), TABLE.boundary("pull"):
        raise CursorExpiredError("as it is")
    with pytest.raises(RuntimeError), TABLE.boundary("pull"):
        raise RuntimeError("a bug is not a service error")


def test_a_call_without_an_answer_says_how() -> None:
    with pytest.raises(ServiceUnavailableError) as refused, TABLE.boundary("pull"):
        raise ConnectionRefusedError("refused")
    assert str(refused.value) == "Example connection refused (pull)"
    with pytest.raises(ServiceUnavailableError) as stalled, TABLE.boundary("pull"):
        raise TimeoutError("slow")
    assert str(stalled.value) == "Example timed out (pull; no answer within timeout_seconds)"
    with pytest.raises(ServiceUnavailableError, match="is unreachable"), TABLE.boundary("pull"):
        raise OSError("no route")


def test_an_answer_of_the_wrong_shape_is_unreadable() -> None:
    shape = r"unexpected shape \(fetch\): KeyError"
    with pytest.raises(InvalidReplyError, match=shape), TABLE.boundary("fetch"):
        raise KeyError("start")
    narrow = ErrorTable(service="Y", unreadable=(UnicodeDecodeError,))
    with pytest.raises(KeyError), narrow.boundary("fetch"):
        raise KeyError("a bug here")


@pytest.mark.parametrize(
    ("status", "code", "issue", "retry_after"),
    [
        (400, "badzone", "UNSUPPORTED_TIME_ZONE", None),
        (429, "", "THROTTLED", 3.0),
        (503, "", "SERVICE_UNAVAILABLE", None),
        (400, "other", "INTERNAL_ERROR", None),
    ],
)
def test_an_item_s_failure_gets_its_issue_code(
    status: int, code: str, issue: str, retry_after: float | None
) -> None:
    failure = TABLE.item_failure(status=status, code=code, detail="told", retry_after=3.0)
    assert failure.code == issue and failure.retry_after == retry_after
    assert failure.message == "Example refused the item: told"


def test_a_crm_table_marks_its_errors_as_the_crm_s() -> None:
    table = ErrorTable(service="CRM", source="crm")
    assert table.error("query", status=500).source == "crm"


def test_describe_joins_what_is_there_on_one_line() -> None:
    assert describe("Code", "a\nmessage") == "Code: a message"
    assert describe("", "only a message") == "only a message"
    assert describe("Code", "") == "Code"
