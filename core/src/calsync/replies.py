"""A service's error reply, told in one line fit for an issue's details and a log line.

Proxies, load balancers and web servers in front of a service answer a failure with an HTML
page (IIS's "Runtime Error", Google's "Error 502 (Server Error)!!1", a maintenance page).
Such a page is kilobytes of markup that a person reading ``calsync issues`` cannot use and
that a log should not carry. :func:`summary` keeps what the page says (its title, else its
first heading, else its text), on one line, cut to a length.

A call that got no answer at all is told by :func:`unreachable`: "connection refused" (the
service is down or the address is wrong: nothing was sent) is not "timed out" (the service
took the request and stalled), and an admin acts differently on each.
"""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Final

__all__ = ["MAX_SUMMARY", "looks_like_html", "one_line", "summary", "unreachable"]

#: The longest summary, in characters.
MAX_SUMMARY: Final = 200

_HTML = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)
_SILENT: Final = frozenset({"script", "style"})


class _Text(HTMLParser):
    """Collect the title, the first heading and all visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"title": [], "h1": [], "h2": [], "text": []}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if any(tag in _SILENT for tag in self._open):
            return
        for tag in ("title", "h1", "h2"):
            if tag in self._open:
                self.parts[tag].append(data)
        self.parts["text"].append(data)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML page rather than a message."""
    return bool(_HTML.match(text))


def one_line(text: str, limit: int = MAX_SUMMARY) -> str:
    """``text`` with its whitespace collapsed to single spaces, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def summary(text: str | bytes, limit: int = MAX_SUMMARY) -> str:
    """One line saying what a reply body says; an HTML page is reduced to its title.

    >>> summary("<html><head><title>Runtime Error</title></head><body>...</body></html>")
    'Runtime Error'
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not looks_like_html(text):
        return one_line(text, limit)
    page = _Text()
    page.feed(text)
    page.close()
    for part in ("title", "h1", "h2", "text"):
        found = one_line(" ".join(page.parts[part]), limit)
        if found:
            return found
    return "an HTML page without text"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or while handling."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _refused(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionRefusedError) or (
        isinstance(exc, OSError) and exc.errno == errno.ECONNREFUSED
    )


def _timed_out(exc: BaseException) -> bool:
    # socket.timeout is TimeoutError; requests' and urllib3's timeouts are named so.
    return isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__


def unreachable(exc: BaseException, setting: str = "") -> str | None:
    """How a call got no answer, in words, from anywhere in ``exc``'s chain of causes.

    :param setting: the provider setting that bounds the wait, named after a timeout.
    :returns: ``"host name not found (DNS)"``, ``"connection refused"``, ``"timed out"``
        (``"timed out (no answer within SETTING)"``), ``"connection reset"``, or ``None``
        when no transport failure is in the chain.
    """
    chain = list(_chain(exc))
    if any(isinstance(e, socket.gaierror) for e in chain):
        # Before the timeout: a client that retries (exchangelib) may call this one a timeout.
        return "host name not found (DNS)"
    if any(_refused(e) for e in chain):
        return "connection refused"
    if any(_timed_out(e) for e in chain):
        return f"timed out (no answer within {setting})" if setting else "timed out"
    if any(isinstance(e, ConnectionResetError | ConnectionAbortedError) for e in chain):
        return "connection reset"
    return None
