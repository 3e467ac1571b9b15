"""Gmail v1 over the wire: from a routed request to a status and a JSON payload."""

from __future__ import annotations

from calsync.emulation import HttpRequest
from calsync_gmail.emulator._calendar_api import Answer, json_body
from calsync_gmail.emulator._errors import ApiError, gmail_invalid
from calsync_gmail.emulator._gmail import GmailApi
from calsync_gmail.emulator._store import Mailbox, Store

_FORMATS = ("minimal", "full", "raw", "metadata")


class GmailHandlers:
    """The Gmail v1 methods the emulator implements."""

    def __init__(self, store: Store) -> None:
        """Serve the mailboxes in ``store``."""
        self.store = store
        self.api = GmailApi()

    def _mailbox(self, caller: str, user_id: str) -> Mailbox:
        user = self.store.users.get(caller)
        if user is None:
            # A service account calling without impersonating anyone has no mailbox.
            raise ApiError(
                400,
                "failedPrecondition",
                "Precondition check failed.",
                status_name="FAILED_PRECONDITION",
            )
        if user_id != "me" and user_id.lower() != caller:
            raise ApiError(403, "forbidden", f"Delegation denied for {caller}")
        return user.mailbox

    def handle(
        self, method: str, caller: str, params: dict[str, str], request: HttpRequest
    ) -> Answer:
        """Run ``method`` for ``caller`` (an authenticated user's email)."""
        box = self._mailbox(caller, params["userId"])
        api = self.api
        name = method.removeprefix("gmail.users.")
        if name == "labels.list":
            return 200, {
                "labels": [api.label_resource(box, lb, counts=False) for lb in box.labels.values()]
            }
        if name == "labels.get":
            return 200, api.label_resource(box, api.label(box, params["id"]), counts=True)
        if name == "labels.create":
            return 200, api.label_resource(
                box, api.create_label(box, json_body(request)), counts=False
            )
        if name in ("labels.patch", "labels.update"):
            label = api.change_label(
                box, params["id"], json_body(request), replace=name == "labels.update"
            )
            return 200, api.label_resource(box, label, counts=False)
        if name == "labels.delete":
            api.delete_label(box, params["id"])
            return 204, None
        if name == "messages.list":
            return 200, api.list_messages(box, request.query)
        if name == "messages.get":
            fmt = request.param("format", "full") or "full"
            if fmt not in _FORMATS:
                raise gmail_invalid(f"Invalid format: {fmt}")
            message = api.message(box, params["id"])
            return 200, api.message_resource(message, fmt, request.query.get("metadataHeaders"))
        if name == "messages.attachments.get":
            message = api.message(box, params["messageId"])
            return 200, api.attachment(message, params["id"])
        if name == "messages.modify":
            return 200, api.modify(box, params["id"], json_body(request))
        if name == "messages.batchModify":
            api.batch_modify(box, json_body(request))
            return 204, None
        raise ApiError(501, "notImplemented", f"{method} is not emulated")
