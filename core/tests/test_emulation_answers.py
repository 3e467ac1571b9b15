"""calsync.emulation.answers: the fault answers every service gives alike but for their bytes."""

from __future__ import annotations

from calsync.emulation import Fault, FaultKind
from calsync.emulation.answers import FrontAnswers

ANSWERS = FrontAnswers(
    malformed=b'{"items": [',
    content_type="application/json",
    page=lambda status: f"<html><title>{status}</title></html>".encode(),
)


def test_a_timeout_is_no_answer() -> None:
    answer = ANSWERS.answer(Fault(kind=FaultKind.TIMEOUT))
    assert answer is not None and answer.timeout


def test_a_malformed_answer_is_a_cut_off_200_keeping_the_service_s_headers() -> None:
    answer = ANSWERS.answer(Fault(kind=FaultKind.MALFORMED), {"Sforce-Limit-Info": "api-usage=1/5"})
    assert answer is not None and answer.status == 200 and answer.body == b'{"items": ['
    assert answer.headers == {
        "Sforce-Limit-Info": "api-usage=1/5",
        "Content-Type": "application/json",
    }


def test_a_server_error_page_has_its_status_and_retry_after() -> None:
    fault = Fault(kind=FaultKind.SERVER_ERROR, detail="503 html retry-after", retry_after=9)
    answer = ANSWERS.answer(fault)
    assert answer is not None and answer.status == 503
    assert answer.body == b"<html><title>503</title></html>"
    assert answer.headers["Retry-After"] == "9"
    assert answer.headers["Content-Type"].startswith("text/html")


def test_the_service_s_own_errors_are_left_to_its_emulator() -> None:
    for kind in (FaultKind.THROTTLE, FaultKind.AUTH_EXPIRED, FaultKind.CURSOR_EXPIRED):
        assert ANSWERS.answer(Fault(kind=kind)) is None
    assert ANSWERS.answer(Fault(kind=FaultKind.SERVER_ERROR)) is None  # not html: the service's


def test_a_service_whose_errors_are_pages_always_answers_one() -> None:
    iis = FrontAnswers(
        malformed=b"<s:Env", content_type="text/xml", page=lambda s: b"IIS", always_a_page=True
    )
    answer = iis.answer(Fault(kind=FaultKind.SERVER_ERROR))
    assert answer is not None and answer.status == 500 and answer.body == b"IIS"
    bare = FrontAnswers(malformed=b"{", content_type="application/json")
    assert bare.answer(Fault(kind=FaultKind.SERVER_ERROR, detail="html")) is None
