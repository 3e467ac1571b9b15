"""The shared Retry-After parser and back-off policy (calsync.retry), and calsync.replies."""

from __future__ import annotations

import email.utils
import socket
import time
from collections.abc import Callable

import pytest

from calsync.emulation.dead import StalledServer, refused_url
from calsync.errors import AuthError, ServiceUnavailableError, ThrottledError
from calsync.replies import summary, unreachable
from calsync.retry import MAX_WAIT, Backoff, parse_retry_after, worth_waiting


class TestParseRetryAfter:
    @pytest.mark.parametrize(("value", "seconds"), [("120", 120.0), (" 7 ", 7.0), ("0", 0.0)])
    def test_delta_seconds(self, value: str, seconds: float) -> None:
        assert parse_retry_after(value) == seconds

    def test_an_http_date_is_the_time_until_it(self) -> None:
        value = email.utils.formatdate(time.time() + 30, usegmt=True)
        wait = parse_retry_after(value)
        assert wait is not None and 25 <= wait <= 31

    def test_a_date_in_the_past_is_no_wait(self) -> None:
        assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0

    @pytest.mark.parametrize("value", [None, "", "  ", "soon", "-5", "1e999x"])
    def test_no_or_an_invalid_header_is_no_hint(self, value: str | None) -> None:
        assert parse_retry_after(value) is None


def run(policy: Backoff, failures: list[Exception]) -> tuple[list[float], int, Callable[[], str]]:
    """Run work that fails with ``failures`` in turn, then succeeds; (sleeps, calls, result)."""
    sleeps: list[float] = []
    calls = 0

    def work() -> str:
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)
        return "done"

    result = ""
    for attempt in policy.retrying(sleep=sleeps.append):
        with attempt:
            result = work()
    return sleeps, calls, lambda: result


class TestBackoff:
    def test_a_hint_is_waited_for_as_given(self) -> None:
        sleeps, calls, result = run(Backoff(), [ThrottledError("busy", retry_after=2.5)])
        assert (sleeps, calls, result()) == ([2.5], 2, "done")

    def test_a_503_with_a_hint_is_waited_for(self) -> None:
        sleeps, calls, _ = run(Backoff(), [ServiceUnavailableError("down", retry_after=4)])
        assert (sleeps, calls) == ([4], 2)

    def test_a_hint_over_the_cap_is_not_waited_for(self) -> None:
        with pytest.raises(ThrottledError) as raised:
            run(Backoff(), [ThrottledError("busy", retry_after=MAX_WAIT + 1)])
        assert raised.value.retry_after == MAX_WAIT + 1

    def test_without_a_hint_waits_grow_exponentially_with_jitter(self) -> None:
        policy = Backoff(attempts=5, initial=1.0, jitter=1.0)
        sleeps, calls, _ = run(policy, [ThrottledError("busy") for _ in range(4)])
        assert calls == 5
        for number, wait in enumerate(sleeps):
            assert 2**number <= wait <= 2**number + 1.0
        assert len(set(run(policy, [ThrottledError("busy")] * 4)[0]) | set(sleeps)) > 4, (
            "two runs do not wait the same"
        )

    def test_no_wait_is_longer_than_the_cap(self) -> None:
        sleeps, _, _ = run(Backoff(attempts=4, initial=40.0), [ThrottledError("x")] * 3)
        assert max(sleeps) <= MAX_WAIT

    def test_it_gives_up_after_its_attempts_with_the_last_error(self) -> None:
        last = ThrottledError("third", retry_after=1)
        with pytest.raises(ThrottledError, match="third"):
            run(Backoff(attempts=3), [ThrottledError("a"), ThrottledError("b"), last])

    @pytest.mark.parametrize(
        "error", [ServiceUnavailableError("500 without a hint"), AuthError("refused")]
    )
    def test_other_failures_are_not_repeated(self, error: Exception) -> None:
        """A 500 without a hint or a refused login: the next scheduled pass is the retry."""
        assert not worth_waiting(error)
        with pytest.raises(type(error)):
            run(Backoff(), [error])

    def test_a_policy_that_cannot_work_is_refused(self) -> None:
        with pytest.raises(ValueError, match="attempts"):
            Backoff(attempts=0)


class TestSummary:
    IIS = (
        "<html><head><title>Runtime Error</title></head><body>"
        "<h1>Server Error in '/EWS' Application.</h1>" + "<p>stack</p>" * 500 + "</body></html>"
    )
    GOOGLE_502 = (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        "  <title>Error 502 (Server Error)!!1</title>\n  <style>*{margin:0}</style>\n"
        "  <p><b>502.</b> <ins>That's an error.</ins>\n"
    )

    def test_an_html_page_is_cut_to_its_title(self) -> None:
        assert summary(self.IIS) == "Runtime Error"
        assert summary(self.GOOGLE_502.encode()) == "Error 502 (Server Error)!!1"

    def test_a_page_without_title_gives_its_heading_or_text(self) -> None:
        assert summary("<html><body><h1>Bad\n Gateway</h1><p>nginx</p></body></html>") == (
            "Bad Gateway"
        )
        assert summary("<html><body><script>x()</script>Down for maintenance</body></html>") == (
            "Down for maintenance"
        )

    def test_text_is_one_line_and_cut(self) -> None:
        text = summary("line one\nline two " + "x" * 500)
        assert "\n" not in text and len(text) == 200 and text.endswith("…")


class TestUnreachable:
    def test_a_refused_connection_is_refused_not_a_timeout(self) -> None:
        port = int(refused_url().rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError) as raised:
            socket.create_connection(("127.0.0.1", port), timeout=5)
        assert unreachable(raised.value) == "connection refused"

    def test_a_stalled_server_times_out_and_the_cause_is_found_in_the_chain(self) -> None:
        with StalledServer() as server:
            port = int(server.url.rsplit(":", 1)[1])
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as client:
                client.sendall(b"GET / HTTP/1.1\r\n\r\n")
                with pytest.raises(TimeoutError) as stalled:
                    client.recv(1)
        wrapped = RuntimeError("Reraised from ReadTimeout")
        wrapped.__context__ = stalled.value
        assert unreachable(wrapped) == "timed out"
        assert unreachable(ValueError("no transport here")) is None

    def test_a_host_name_not_found_is_said_so_even_inside_a_timeout(self) -> None:
        """exchangelib re-raises a failed DNS lookup as its ErrorTimeoutExpired: 0.03 s, no wait."""
        with pytest.raises(socket.gaierror) as lookup:
            socket.getaddrinfo("no-such-host.invalid", 443)
        wrapped = type("ErrorTimeoutExpired", (Exception,), {})("Reraised from ConnectionError")
        wrapped.__context__ = lookup.value
        assert unreachable(wrapped) == "host name not found (DNS)"
