"""Gmail v1: labels (list, get, create, patch/update, delete) and messages (list, get, modify).

Label names are unique case-insensitively across system and user labels; nesting is purely
a ``/`` in the name (protocols.md §3.4). Message ids are 16 hex digits, as Gmail's are.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from calsync_gmail.emulator._errors import ApiError, gmail_invalid, gmail_not_found
from calsync_gmail.emulator._gmail_query import matches
from calsync_gmail.emulator._store import SYSTEM_LABELS, Label, Mailbox, Message

#: Names a user label may not take (compared case-insensitively), besides the system ids.
RESERVED_NAMES = frozenset(
    {
        *SYSTEM_LABELS,
        "DRAFTS",
        "SENT MAIL",
        "ALL MAIL",
        "CHATS",
        "MUTED",
        "SNOOZED",
        "SCHEDULED",
        "OUTBOX",
    }
)
#: System labels a client may not put on or take off a message.
FIXED_LABELS = frozenset({"DRAFT", "SENT", "CHAT"})
LABEL_LIST_VISIBILITIES = ("labelShow", "labelShowIfUnread", "labelHide")
MESSAGE_LIST_VISIBILITIES = ("show", "hide")
MAX_BATCH_MODIFY = 1000
DEFAULT_PAGE, MAX_PAGE = 100, 500
_MESSAGE_ID = re.compile(r"^[0-9a-f]{1,32}$")


def _inline(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "data": base64.urlsafe_b64encode(data).decode()}


def _parts(message: Message) -> list[dict[str, Any]]:
    """The parts of a message with attachments: its text, then each attachment.

    An attachment's ``body`` has an ``attachmentId`` and no ``data`` (Gmail API reference,
    MessagePart: "An attachment ID is present if the body data is contained in a separate
    attachment", https://developers.google.com/gmail/api/reference/rest/v1/users.messages).
    """
    text: dict[str, Any] = {"partId": "0", "mimeType": "text/plain", "filename": ""}
    parts = [{**text, "headers": [], "body": _inline(message.body.encode())}]
    for number, attachment in enumerate(message.attachments, start=1):
        headers = [
            {
                "name": "Content-Type",
                "value": f'{attachment.mime_type}; name="{attachment.filename}"',
            },
            {
                "name": "Content-Disposition",
                "value": f'attachment; filename="{attachment.filename}"',
            },
        ]
        body = {"attachmentId": attachment.id, "size": len(attachment.data)}
        parts.append(
            {
                "partId": str(number),
                "mimeType": attachment.mime_type,
                "filename": attachment.filename,
                "headers": headers,
                "body": body,
            }
        )
    return parts


def _duplicate() -> ApiError:
    return ApiError(
        409, "duplicate", "Label name exists or conflicts", status_name="ALREADY_EXISTS"
    )


class GmailApi:
    """Label and message operations over one user's :class:`Mailbox` (stateless itself)."""

    # -- labels ---------------------------------------------------------------------

    @staticmethod
    def label(box: Mailbox, label_id: str) -> Label:
        """Return the label ``label_id``; 404 if unknown."""
        try:
            return box.labels[label_id]
        except KeyError:
            raise gmail_not_found() from None

    @staticmethod
    def _check_name(box: Mailbox, name: Any, *, keep: str | None = None) -> str:
        if not isinstance(name, str) or not name.strip():
            raise gmail_invalid("Invalid label name")
        if name.upper() in RESERVED_NAMES:
            raise gmail_invalid("Invalid label name")
        if any(lb.name.lower() == name.lower() and lb.id != keep for lb in box.labels.values()):
            raise _duplicate()
        return name

    @staticmethod
    def _apply(label: Label, body: dict[str, Any]) -> None:
        for key, allowed in (
            ("labelListVisibility", LABEL_LIST_VISIBILITIES),
            ("messageListVisibility", MESSAGE_LIST_VISIBILITIES),
        ):
            if key in body and body[key] not in allowed:
                raise gmail_invalid(f"Invalid value for {key}: {body[key]}")
        label.label_list_visibility = body.get("labelListVisibility", label.label_list_visibility)
        label.message_list_visibility = body.get(
            "messageListVisibility", label.message_list_visibility
        )
        if "color" in body:
            label.color = body["color"]

    def create_label(self, box: Mailbox, body: dict[str, Any]) -> Label:
        """``labels.create``: 409 for a taken name, 400 for a reserved or empty one."""
        name = self._check_name(box, body.get("name"))
        label = Label(f"Label_{box.next_label}", name)
        self._apply(label, body)
        box.next_label += 1
        box.labels[label.id] = label
        box.bump()
        return label

    def change_label(
        self, box: Mailbox, label_id: str, body: dict[str, Any], *, replace: bool
    ) -> Label:
        """``labels.patch`` / ``labels.update`` of a user label."""
        label = self.label(box, label_id)
        if label.type == "system":
            raise gmail_invalid("Invalid update request")
        if replace or "name" in body:
            label.name = self._check_name(box, body.get("name"), keep=label.id)
        self._apply(label, body)
        box.bump()
        return label

    def delete_label(self, box: Mailbox, label_id: str) -> None:
        """``labels.delete``: removes a user label and takes it off every message."""
        label = self.label(box, label_id)
        if label.type == "system":
            raise gmail_invalid("Invalid delete request")
        del box.labels[label_id]
        for message in box.messages.values():
            if label_id in message.label_ids:
                message.label_ids.remove(label_id)
                message.history_id = box.bump()

    def label_resource(self, box: Mailbox, label: Label, *, counts: bool) -> dict[str, Any]:
        """Return a label as ``labels.get`` (with counts) or ``labels.list`` renders it."""
        out = label.resource()
        if counts:
            tagged = [m for m in box.messages.values() if label.id in m.label_ids]
            unread = [m for m in tagged if "UNREAD" in m.label_ids]
            threads = {m.thread_id for m in tagged}
            out.update(
                messagesTotal=len(tagged),
                messagesUnread=len(unread),
                threadsTotal=len(threads),
                threadsUnread=len({m.thread_id for m in unread}),
            )
        return out

    # -- messages -------------------------------------------------------------------

    @staticmethod
    def message(box: Mailbox, message_id: str) -> Message:
        """Return the message ``message_id``; 400 for a malformed id, 404 if unknown."""
        if not _MESSAGE_ID.match(message_id):
            raise gmail_invalid("Invalid id value")
        try:
            return box.messages[message_id]
        except KeyError:
            raise gmail_not_found() from None

    def list_messages(self, box: Mailbox, params: dict[str, list[str]]) -> dict[str, Any]:
        """``messages.list``: newest first, ``labelIds`` ANDed, ``q`` in a small subset."""
        wanted = params.get("labelIds", [])
        for label_id in wanted:
            if label_id not in box.labels:
                raise gmail_invalid(f"Invalid label: {label_id}")
        include_hidden = (params.get("includeSpamTrash") or ["false"])[0] == "true"
        query = (params.get("q") or [""])[0]
        box.searches.append(query)
        hits = [
            m
            for m in sorted(
                box.messages.values(), key=lambda m: (m.internal_date, m.id), reverse=True
            )
            if all(label in m.label_ids for label in wanted)
            and (include_hidden or not {"SPAM", "TRASH"} & set(m.label_ids))
            and matches(m, query, box)
        ]
        try:
            size = min(int((params.get("maxResults") or [str(DEFAULT_PAGE)])[0]), MAX_PAGE)
            offset = int((params.get("pageToken") or ["0"])[0])
        except ValueError:
            raise gmail_invalid("Invalid pageToken or maxResults") from None
        page = hits[offset : offset + size]
        out: dict[str, Any] = {}
        if page:
            out["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
        if offset + size < len(hits):
            out["nextPageToken"] = f"{offset + size:020d}"
        out["resultSizeEstimate"] = len(page)
        return out

    @staticmethod
    def message_resource(
        message: Message, fmt: str = "full", headers: list[str] | None = None
    ) -> dict[str, Any]:
        """Return a message in ``format`` ``minimal``, ``metadata``, ``full`` or ``raw``."""
        out: dict[str, Any] = {
            "id": message.id,
            "threadId": message.thread_id,
            "labelIds": list(message.label_ids),
            "snippet": message.body[:100],
            "sizeEstimate": len(message.body.encode())
            + sum(len(k) + len(v) + 4 for k, v in message.headers),
            "historyId": str(message.history_id),
            "internalDate": str(int(message.internal_date.timestamp() * 1000)),
        }
        if fmt == "raw":
            text = "".join(f"{k}: {v}\r\n" for k, v in message.headers) + "\r\n" + message.body
            out["raw"] = base64.urlsafe_b64encode(text.encode()).decode()
        elif fmt in ("full", "metadata"):
            shown = [
                {"name": k, "value": v}
                for k, v in message.headers
                if fmt == "full" or not headers or k.lower() in {h.lower() for h in headers}
            ]
            payload: dict[str, Any] = {
                "partId": "",
                "mimeType": "text/plain",
                "filename": "",
                "headers": shown,
            }
            if fmt == "full":
                payload["body"] = _inline(message.body.encode())
                if message.attachments:
                    payload["parts"] = _parts(message)
                    payload["mimeType"] = "multipart/mixed"
                    payload["body"] = {"size": 0}
            out["payload"] = payload
        return out

    @staticmethod
    def attachment(message: Message, attachment_id: str) -> dict[str, Any]:
        """``messages.attachments.get``: the attachment's data; 404 if unknown."""
        found = next((a for a in message.attachments if a.id == attachment_id), None)
        if found is None:
            raise gmail_not_found()
        return {"attachmentId": found.id, **_inline(found.data)}

    def _label_ids(self, box: Mailbox, ids: Any) -> list[str]:
        if ids is None:
            return []
        if not isinstance(ids, list):
            raise gmail_invalid("Invalid label list")
        for label_id in ids:
            if label_id not in box.labels or label_id in FIXED_LABELS:
                raise gmail_invalid(f"Invalid label: {label_id}")
        return ids

    def _relabel(self, box: Mailbox, message: Message, add: list[str], remove: list[str]) -> None:
        labels = [label for label in message.label_ids if label not in remove]
        labels += [label for label in add if label not in labels]
        if labels != message.label_ids:
            message.label_ids = labels
            message.history_id = box.bump()

    def modify(self, box: Mailbox, message_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``messages.modify``: 400 ``Invalid label`` for unknown ids, 404 unknown message."""
        add = self._label_ids(box, body.get("addLabelIds"))
        remove = self._label_ids(box, body.get("removeLabelIds"))
        message = self.message(box, message_id)
        self._relabel(box, message, add, remove)
        return {
            "id": message.id,
            "threadId": message.thread_id,
            "labelIds": list(message.label_ids),
        }

    def batch_modify(self, box: Mailbox, body: dict[str, Any]) -> None:
        """``messages.batchModify``: up to 1000 ids; ids that name no message are skipped."""
        ids = body.get("ids")
        if not isinstance(ids, list) or not ids:
            raise gmail_invalid("ids must be specified")
        if len(ids) > MAX_BATCH_MODIFY:
            raise gmail_invalid(f"Too many ids: at most {MAX_BATCH_MODIFY} may be given")
        add = self._label_ids(box, body.get("addLabelIds"))
        remove = self._label_ids(box, body.get("removeLabelIds"))
        for message_id in ids:
            if not isinstance(message_id, str) or not _MESSAGE_ID.match(message_id):
                raise gmail_invalid("Invalid id value")
        for message_id in ids:
            if message_id in box.messages:
                self._relabel(box, box.messages[message_id], add, remove)
