"""Gmail v1 labels and messages through the real googleapiclient."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from gapi_support import ALICE, BOB, START
from googleapiclient.errors import HttpError

from calsync_gmail.emulator import GoogleEmulator


def test_labels_list_has_system_and_user_labels(gmail: Any, emulator: GoogleEmulator) -> None:
    emulator.seed_label(ALICE, "Projects")
    labels = gmail.users().labels().list(userId="me").execute()["labels"]
    by_name = {label["name"]: label for label in labels}
    for system in (
        "INBOX",
        "SENT",
        "DRAFT",
        "SPAM",
        "TRASH",
        "UNREAD",
        "STARRED",
        "IMPORTANT",
        "CATEGORY_SOCIAL",
    ):
        assert by_name[system]["type"] == "system"
        assert by_name[system]["id"] == system
    assert by_name["Projects"] == {
        "id": "Label_1",
        "name": "Projects",
        "messageListVisibility": "show",
        "labelListVisibility": "labelShow",
        "type": "user",
    }


def test_nested_labels_and_the_409_on_a_duplicate(gmail: Any, emulator: GoogleEmulator) -> None:
    body = {"labelListVisibility": "labelShow", "messageListVisibility": "show"}
    parent = (
        gmail.users()
        .labels()
        .create(userId="me", body={"name": "Salesforce Emails", **body})
        .execute()
    )
    child = (
        gmail.users()
        .labels()
        .create(userId="me", body={"name": "Salesforce Emails/Sync Error", **body})
        .execute()
    )
    assert (parent["id"], child["id"]) == ("Label_1", "Label_2")
    assert child["name"] == "Salesforce Emails/Sync Error"
    with pytest.raises(HttpError) as duplicate:
        gmail.users().labels().create(
            userId="me", body={"name": "salesforce emails/SYNC ERROR"}
        ).execute()
    assert duplicate.value.resp.status == 409
    assert json.loads(duplicate.value.content) == {
        "error": {
            "code": 409,
            "message": "Label name exists or conflicts",
            "errors": [
                {
                    "message": "Label name exists or conflicts",
                    "domain": "global",
                    "reason": "duplicate",
                }
            ],
            "status": "ALREADY_EXISTS",
        }
    }
    names = [label["name"] for label in emulator.labels(ALICE) if label["type"] == "user"]
    assert names == ["Salesforce Emails", "Salesforce Emails/Sync Error"]


@pytest.mark.parametrize("name", ["INBOX", "Inbox", "sent", "", "   ", "Chats"])
def test_reserved_and_invalid_label_names_are_400(
    gmail: Any, emulator: GoogleEmulator, name: str
) -> None:
    with pytest.raises(HttpError) as refused:
        gmail.users().labels().create(userId="me", body={"name": name}).execute()
    assert refused.value.resp.status == 400
    assert json.loads(refused.value.content)["error"]["status"] == "INVALID_ARGUMENT"
    assert [label for label in emulator.labels(ALICE) if label["type"] == "user"] == []


def test_label_get_patch_and_delete(gmail: Any, emulator: GoogleEmulator) -> None:
    label = emulator.seed_label(ALICE, "Old")
    message = emulator.seed_message(ALICE, labels=["INBOX", "UNREAD", label])
    got = gmail.users().labels().get(userId="me", id=label).execute()
    assert (got["messagesTotal"], got["messagesUnread"], got["threadsTotal"]) == (1, 1, 1)
    renamed = gmail.users().labels().patch(userId="me", id=label, body={"name": "New"}).execute()
    assert renamed["name"] == "New"
    assert gmail.users().labels().delete(userId="me", id=label).execute() == ""
    assert label not in emulator.message(ALICE, message)["labelIds"]  # type: ignore[index]
    for call in (
        gmail.users().labels().get(userId="me", id=label),
        gmail.users().labels().delete(userId="me", id=label),
    ):
        with pytest.raises(HttpError) as missing:
            call.execute()
        assert missing.value.resp.status == 404
    with pytest.raises(HttpError) as refused:
        gmail.users().labels().delete(userId="me", id="INBOX").execute()
    assert refused.value.resp.status == 400


def test_messages_list_filters_orders_and_pages(gmail: Any, emulator: GoogleEmulator) -> None:
    synced = emulator.seed_label(ALICE, "Synced")
    ids = [
        emulator.seed_message(
            ALICE,
            labels=["INBOX", synced] if n % 2 else ["INBOX"],
            subject=f"Quote {n}",
            sender="x@customer.example" if n < 3 else "y@other.example",
            internal_date=START + timedelta(minutes=n),
        )
        for n in range(5)
    ]
    emulator.seed_message(ALICE, labels=["SPAM"], subject="spam")
    everything = gmail.users().messages().list(userId="me").execute()
    assert [m["id"] for m in everything["messages"]] == ids[::-1]  # newest first, spam hidden
    assert everything["resultSizeEstimate"] == 5
    assert everything["messages"][0] == {"id": ids[4], "threadId": ids[4]}
    both = gmail.users().messages().list(userId="me", labelIds=["INBOX", synced]).execute()
    assert [m["id"] for m in both["messages"]] == [ids[3], ids[1]]
    from_x = (
        gmail.users()
        .messages()
        .list(userId="me", q="from:x@customer.example -subject:1", labelIds="INBOX")
        .execute()
    )
    assert [m["id"] for m in from_x["messages"]] == [ids[2], ids[0]]
    assert (
        len(gmail.users().messages().list(userId="me", includeSpamTrash=True).execute()["messages"])
        == 6
    )
    pages, request = [], gmail.users().messages().list(userId="me", maxResults=2)
    while request is not None:
        page = request.execute()
        pages.append([m["id"] for m in page.get("messages", [])])
        request = gmail.users().messages().list_next(request, page)
    assert pages == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    assert gmail.users().messages().list(userId="me", q="subject:nothing").execute() == {
        "resultSizeEstimate": 0
    }
    with pytest.raises(HttpError) as refused:
        gmail.users().messages().list(userId="me", labelIds="Label_99").execute()
    assert refused.value.resp.status == 400


def test_message_get_formats(gmail: Any, emulator: GoogleEmulator) -> None:
    message_id = emulator.seed_message(ALICE, subject="Hello", sender=BOB, body="Body text")
    full = gmail.users().messages().get(userId="me", id=message_id).execute()
    assert full["labelIds"] == ["INBOX", "UNREAD"]
    assert {"name": "Subject", "value": "Hello"} in full["payload"]["headers"]
    assert full["snippet"] == "Body text"
    minimal = gmail.users().messages().get(userId="me", id=message_id, format="minimal").execute()
    assert "payload" not in minimal
    meta = (
        gmail.users()
        .messages()
        .get(userId="me", id=message_id, format="metadata", metadataHeaders=["From"])
        .execute()
    )
    assert meta["payload"]["headers"] == [{"name": "From", "value": BOB}]
    with pytest.raises(HttpError) as missing:
        gmail.users().messages().get(userId="me", id="0123456789abcdef").execute()
    assert missing.value.resp.status == 404


def test_modify_and_its_refusals(gmail: Any, emulator: GoogleEmulator) -> None:
    label = emulator.seed_label(ALICE, "Sync Error")
    message_id = emulator.seed_message(ALICE)
    before = emulator.message(ALICE, message_id)["historyId"]  # type: ignore[index]
    modified = (
        gmail.users()
        .messages()
        .modify(
            userId="me", id=message_id, body={"addLabelIds": [label], "removeLabelIds": ["INBOX"]}
        )
        .execute()
    )
    assert modified == {"id": message_id, "threadId": message_id, "labelIds": ["UNREAD", label]}
    after = emulator.message(ALICE, message_id)
    assert after is not None
    assert after["labelIds"] == ["UNREAD", label]
    assert int(after["historyId"]) > int(before)
    for bad in ("Label_99", "SENT", "DRAFT"):
        with pytest.raises(HttpError) as refused:
            gmail.users().messages().modify(
                userId="me", id=message_id, body={"addLabelIds": [bad]}
            ).execute()
        assert refused.value.resp.status == 400
        assert json.loads(refused.value.content)["error"]["message"] == f"Invalid label: {bad}"
    with pytest.raises(HttpError) as missing:
        gmail.users().messages().modify(
            userId="me", id="ffffffffffffffff", body={"addLabelIds": [label]}
        ).execute()
    assert missing.value.resp.status == 404


def test_batch_modify(gmail: Any, emulator: GoogleEmulator) -> None:
    label = emulator.seed_label(ALICE, "Synced")
    ids = [emulator.seed_message(ALICE) for _ in range(3)]
    result = (
        gmail.users()
        .messages()
        .batchModify(
            userId="me", body={"ids": ids, "addLabelIds": [label], "removeLabelIds": ["UNREAD"]}
        )
        .execute()
    )
    assert result == ""  # an empty 204 answer
    assert [emulator.message(ALICE, m)["labelIds"] for m in ids] == [["INBOX", label]] * 3  # type: ignore[index]
    with pytest.raises(HttpError) as too_many:
        gmail.users().messages().batchModify(
            userId="me", body={"ids": ["a"] * 1001, "addLabelIds": [label]}
        ).execute()
    assert too_many.value.resp.status == 400
    with pytest.raises(HttpError) as bad_label:
        gmail.users().messages().batchModify(
            userId="me", body={"ids": ids, "addLabelIds": ["Label_42"]}
        ).execute()
    assert bad_label.value.resp.status == 400


def test_another_users_mailbox_is_delegation_denied(gmail: Any) -> None:
    with pytest.raises(HttpError) as denied:
        gmail.users().labels().list(userId=BOB).execute()
    assert denied.value.resp.status == 403
    assert json.loads(denied.value.content)["error"]["message"] == f"Delegation denied for {ALICE}"
    assert gmail.users().labels().list(userId=ALICE).execute()["labels"]


def test_attachments_are_found_by_filename_and_read_apart(
    gmail: Any, emulator: GoogleEmulator
) -> None:
    """``filename:`` finds attachments by name or type (Gmail Help, search operators); a
    word is not looked for in attachment content; an attachment's data comes from
    ``messages.attachments.get`` (Gmail API reference, MessagePart)."""
    ics = b"BEGIN:VCALENDAR\r\nUID:abc-123\r\nEND:VCALENDAR\r\n"
    invite = emulator.seed_message(
        ALICE, subject="Invitation", attachments=[("invite.ics", "text/calendar", ics)]
    )
    emulator.seed_message(ALICE, subject="Notes", body="abc-123 is in the body here")
    messages = gmail.users().messages()

    def found(q: str) -> list[str]:
        return [m["id"] for m in messages.list(userId="me", q=q).execute().get("messages", [])]

    assert found("filename:ics") == found("filename:invite.ics") == [invite]
    assert found("has:attachment") == [invite]
    assert invite not in found('"abc-123"')  # attachment content is not searched
    payload = messages.get(userId="me", id=invite, format="full").execute()["payload"]
    assert payload["mimeType"] == "multipart/mixed"
    (text, attached) = payload["parts"]
    assert text["mimeType"] == "text/plain" and attached["filename"] == "invite.ics"
    assert "data" not in attached["body"]
    data = (
        messages.attachments()
        .get(userId="me", messageId=invite, id=attached["body"]["attachmentId"])
        .execute()["data"]
    )
    assert base64.urlsafe_b64decode(data) == ics
