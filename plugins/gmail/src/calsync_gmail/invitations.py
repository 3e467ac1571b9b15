"""Finding the invitation mail of events by their iCalendar UID, only in documented ways.

Gmail does not document that a search looks into attachment content, so calsync does not
search for a UID. It relies on what is documented:

* ``messages.list(q="filename:ics")``: Gmail's ``filename:`` operator finds "emails that have
  attachments with a certain name or file type" (Gmail Help, "Search operators you can use
  with Gmail", https://support.google.com/mail/answer/7190); ``q`` "Supports the same query
  format as the Gmail search box" (Gmail API reference, users.messages.list).
* ``messages.get(format="full")`` returns the message's MIME parts; a part's data is inline
  in ``body.data`` or, for an attachment, fetched with ``messages.attachments.get`` by its
  ``body.attachmentId`` (Gmail API reference, MessagePart and users.messages.attachments).
* An iCalendar object names its event in the ``UID`` property, on unfolded content lines
  (RFC 5545, sections 3.1 and 3.8.4.7).

Messages never change in Gmail, so the UIDs read from a message are remembered for the
provider's lifetime: a later relabel lists the candidates again but reads only new mail.
Invitations whose calendar part is not a named ``.ics`` attachment are not found.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from calsync_gmail.errors import expect_object, provider_error
from calsync_gmail.session import Session

__all__ = ["INVITATIONS", "Invitations", "ical_uids"]

#: The search for mail that carries an iCalendar file.
INVITATIONS: Final = "filename:ics"
_PAGE: Final = 500
_GONE: Final = frozenset({404, 410})
_CALENDAR_TYPES: Final = frozenset({"text/calendar", "application/ics"})
_FOLD: Final = re.compile(r"\r?\n[ \t]")


def ical_uids(text: str) -> frozenset[str]:
    """Every ``UID`` value in an iCalendar text (lines unfolded first)."""
    found: set[str] = set()
    for line in _FOLD.sub("", text).splitlines():
        name, sep, value = line.partition(":")
        if sep and name.split(";", 1)[0].strip().upper() == "UID" and value.strip():
            found.add(value.strip())
    return frozenset(found)


def _calendar_parts(part: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The iCalendar parts of a message payload, at any depth."""
    mime = str(part.get("mimeType", "")).lower()
    if mime in _CALENDAR_TYPES or str(part.get("filename", "")).lower().endswith(".ics"):
        yield part
    for child in part.get("parts") or ():
        if isinstance(child, Mapping):
            yield from _calendar_parts(child)


def _decoded(data: Any) -> str:
    try:
        return base64.urlsafe_b64decode(str(data) + "=" * (-len(str(data)) % 4)).decode(
            "utf-8", "replace"
        )
    except (binascii.Error, ValueError):
        return ""


class Invitations:
    """Which messages carry an iCalendar file naming which UIDs."""

    def __init__(self, session: Session) -> None:
        """Read the mailbox of ``session``."""
        self.session = session
        self._uids_of: dict[str, frozenset[str]] = {}  # message id -> UIDs it names

    def messages_of(self, uids: Iterable[str], label: str | None) -> dict[str, list[str]]:
        """The ids of the messages (with ``label``, if given) naming each of ``uids``."""
        wanted = set(uids)
        candidates = self._candidates(label)
        self._read([m for m in candidates if m not in self._uids_of])
        found: dict[str, list[str]] = {uid: [] for uid in wanted}
        for message_id in candidates:
            for uid in self._uids_of.get(message_id, frozenset()) & wanted:
                found[uid].append(message_id)
        return found

    def _candidates(self, label: str | None) -> list[str]:
        messages, what = self.session.client.gmail.users().messages(), "messages.list"
        ids: list[str] = []
        token: str | None = None
        while True:
            request = messages.list(
                userId="me",
                q=INVITATIONS,
                labelIds=[label] if label else None,
                maxResults=_PAGE,
                pageToken=token,
            )
            page = self.session.client.call(request, what)
            ids += [
                str(m["id"]) for m in page.get("messages", []) if isinstance(m, dict) and "id" in m
            ]
            token = page.get("nextPageToken")
            if not token:
                return ids

    def _read(self, message_ids: list[str]) -> None:
        """Read the iCalendar parts of new messages and remember the UIDs they name."""
        if not message_ids:
            return
        messages = self.session.client.gmail.users().messages()
        what = "messages.get"
        requests = [messages.get(userId="me", id=m, format="full") for m in message_ids]
        texts: dict[str, list[str]] = {}
        detached: list[tuple[str, str]] = []
        outcomes = self.session.client.batch("gmail", requests, what)
        for message_id, (reply, error) in zip(message_ids, outcomes, strict=True):
            if error is not None:
                if error.resp.status in _GONE:
                    continue  # deleted since it was listed
                raise provider_error(error, what)
            payload = expect_object(reply, what).get("payload")
            texts[message_id] = []
            for part in _calendar_parts(payload if isinstance(payload, Mapping) else {}):
                body = part.get("body")
                if not isinstance(body, Mapping):
                    continue
                if body.get("data"):
                    texts[message_id].append(_decoded(body["data"]))
                elif body.get("attachmentId"):
                    detached.append((message_id, str(body["attachmentId"])))
        self._fetch(detached, texts)
        for message_id, parts in texts.items():
            self._uids_of[message_id] = frozenset().union(*(ical_uids(t) for t in parts))

    def _fetch(self, detached: list[tuple[str, str]], texts: dict[str, list[str]]) -> None:
        """Add the data of attachments kept apart from their message."""
        if not detached:
            return
        attachments = self.session.client.gmail.users().messages().attachments()
        what = "messages.attachments.get"
        requests = [attachments.get(userId="me", messageId=m, id=a) for m, a in detached]
        outcomes = self.session.client.batch("gmail", requests, what)
        for (message_id, _), (reply, error) in zip(detached, outcomes, strict=True):
            if error is not None:
                if error.resp.status in _GONE:
                    continue
                raise provider_error(error, what)
            texts[message_id].append(_decoded(expect_object(reply, what).get("data", "")))
