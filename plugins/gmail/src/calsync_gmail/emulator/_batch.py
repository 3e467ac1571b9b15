r"""The multipart/mixed batch wire format (protocols.md §3.5).

A batch is a POST whose parts are ``application/http`` messages, each holding a whole
request (request line, headers, body) and a ``Content-ID`` of the form ``<base + n>``. The
answer is a ``multipart/mixed`` body whose parts carry whole responses, matched to requests
by ``Content-ID: <response-base + n>``. googleapiclient splits each part's headers from its
body on ``\r\n\r\n``, so answers use CRLF line ends throughout.
"""

from __future__ import annotations

import email
import re
import secrets
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from calsync.emulation import HttpRequest, HttpResponse

_BLANK_LINE = re.compile(r"\r?\n\r?\n")


class BatchFormatError(ValueError):
    """A batch body that is not multipart/mixed of application/http parts."""


@dataclass(frozen=True, slots=True)
class Part:
    """One request inside a batch, with the ``Content-ID`` to answer under."""

    content_id: str
    request: HttpRequest


def _parse_part(part: Message, base_url: str) -> Part:
    content_id = part.get("Content-ID", "")
    payload = part.get_payload()
    if not isinstance(payload, str) or not payload.strip():
        raise BatchFormatError("empty batch part")
    pieces = _BLANK_LINE.split(payload.lstrip("\r\n"), maxsplit=1)
    head, body = pieces[0], pieces[1] if len(pieces) > 1 else ""
    lines = head.splitlines()
    try:
        method, target, _version = lines[0].split(" ", 2)
    except (IndexError, ValueError):
        raise BatchFormatError(f"bad request line in part {content_id}") from None
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return Part(content_id, HttpRequest.build(method, base_url + target, headers, body))


def parse(request: HttpRequest) -> list[Part]:
    """Split a batch request into its parts (sub-requests keep the batch URL's scheme and host)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/mixed") or "boundary" not in content_type:
        raise BatchFormatError("a batch request must be multipart/mixed with a boundary")
    message = email.message_from_bytes(
        b"content-type: " + content_type.encode() + b"\r\n\r\n" + request.body
    )
    if not message.is_multipart():
        raise BatchFormatError("a batch request must be multipart/mixed")
    parts = message.get_payload()
    if not isinstance(parts, list) or not all(isinstance(p, Message) for p in parts):
        raise BatchFormatError("a batch request must be multipart/mixed")
    url = urlsplit(request.url)
    base_url = f"{url.scheme}://{url.netloc}"
    return [_parse_part(part, base_url) for part in parts if isinstance(part, Message)]


def response_id(content_id: str) -> str:
    """Turn ``<base + 1>`` into ``<response-base + 1>``."""
    inner = content_id.strip()
    inner = inner[1:-1] if inner.startswith("<") and inner.endswith(">") else inner
    return f"<response-{inner}>"


def render(answers: list[tuple[str, HttpResponse]]) -> HttpResponse:
    """Pack ``(content_id, response)`` pairs into one multipart/mixed answer."""
    boundary = "batch_" + secrets.token_urlsafe(12).replace("-", "A").replace("_", "B")
    chunks: list[str] = []
    for content_id, answer in answers:
        body = answer.body.decode("utf-8")
        head = [f"HTTP/1.1 {answer.status} {answer.reason}"]
        head += [f"{k}: {v}" for k, v in answer.headers.items() if k.lower() != "content-length"]
        head.append(f"Content-Length: {len(answer.body)}")
        chunks.append(
            f"--{boundary}\r\nContent-Type: application/http\r\n"
            f"Content-ID: {response_id(content_id)}\r\n\r\n"
            + "\r\n".join(head)
            + "\r\n\r\n"
            + body
            + "\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return HttpResponse(
        headers={"content-type": f"multipart/mixed; boundary={boundary}"},
        body="".join(chunks).encode("utf-8"),
    )
