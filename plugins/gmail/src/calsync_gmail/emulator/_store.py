"""The in-memory state of the Google emulator: users, calendars, events, mailboxes.

Events are kept as Event-resource dicts (the shape Calendar v3 speaks), because patch
semantics and echoing unknown-but-valid fields are simplest on the resource itself. Deleted
events stay as ``status: "cancelled"`` tombstones so incremental sync can report them.
Every change takes a number from one global sequence; a sync token remembers the number it
was issued at.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from calsync_gmail.emulator._errors import not_found

#: Gmail's system labels: id -> (labelListVisibility, messageListVisibility) or None.
SYSTEM_LABELS: dict[str, tuple[str, str] | None] = {
    "CHAT": ("labelHide", "hide"),
    "SENT": None,
    "INBOX": None,
    "IMPORTANT": ("labelShow", "hide"),
    "TRASH": ("labelHide", "hide"),
    "DRAFT": None,
    "SPAM": ("labelHide", "hide"),
    "CATEGORY_FORUMS": ("labelHide", "hide"),
    "CATEGORY_UPDATES": ("labelHide", "hide"),
    "CATEGORY_PERSONAL": ("labelHide", "hide"),
    "CATEGORY_PROMOTIONS": ("labelHide", "hide"),
    "CATEGORY_SOCIAL": ("labelHide", "hide"),
    "STARRED": None,
    "UNREAD": None,
}


def new_event_id() -> str:
    """Return a fresh Calendar event id: 26 base32hex characters (``[a-v0-9]``), like Google's."""
    return base64.b32hexencode(secrets.token_bytes(16)).decode().rstrip("=").lower()


def new_token(prefix: str) -> str:
    """Return an opaque, unguessable cursor string."""
    return prefix + base64.urlsafe_b64encode(secrets.token_bytes(18)).decode()


@dataclass
class Calendar:
    """One calendar and its events (masters, singles, exceptions and tombstones).

    :param id: the calendar id (the owner's email for a primary calendar).
    :param owner: the email of the user who owns it.
    """

    id: str
    owner: str
    summary: str
    time_zone: str
    primary: bool = False
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Event id -> the global change number of its last change.
    changes: dict[str, int] = field(default_factory=dict)

    def event(self, event_id: str) -> dict[str, Any]:
        """Return the stored event ``event_id`` (tombstones included); 404 if unknown."""
        try:
            return self.events[event_id]
        except KeyError:
            raise not_found() from None


@dataclass
class Label:
    """A Gmail label (system or user)."""

    id: str
    name: str
    type: str = "user"
    label_list_visibility: str | None = "labelShow"
    message_list_visibility: str | None = "show"
    color: dict[str, str] | None = None

    def resource(self) -> dict[str, Any]:
        """Return the Label resource as ``labels.list``/``labels.get`` render it."""
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.message_list_visibility:
            out["messageListVisibility"] = self.message_list_visibility
        if self.label_list_visibility:
            out["labelListVisibility"] = self.label_list_visibility
        if self.color:
            out["color"] = dict(self.color)
        out["type"] = self.type
        return out


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a message (an invitation's ``invite.ics``)."""

    id: str
    filename: str
    mime_type: str
    data: bytes


@dataclass
class Message:
    """A Gmail message: headers, a plain-text body and attachments."""

    id: str
    thread_id: str
    label_ids: list[str]
    internal_date: datetime
    headers: list[tuple[str, str]]
    body: str
    history_id: int
    attachments: tuple[Attachment, ...] = ()

    def header(self, name: str) -> str:
        """Return the first header ``name`` (case-insensitive), or ``""``."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


@dataclass
class Mailbox:
    """A user's Gmail mailbox."""

    labels: dict[str, Label] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    #: Every ``q`` that ``messages.list`` received, in order (what a client searched for).
    searches: list[str] = field(default_factory=list)
    next_label: int = 1
    history_id: int = 1000

    @classmethod
    def fresh(cls) -> Mailbox:
        """Return a mailbox with Gmail's system labels and nothing else."""
        box = cls()
        for label_id, visibility in SYSTEM_LABELS.items():
            list_vis, message_vis = visibility or (None, None)
            box.labels[label_id] = Label(label_id, label_id, "system", list_vis, message_vis)
        return box

    def bump(self) -> int:
        """Advance and return the mailbox's history id."""
        self.history_id += 1
        return self.history_id


@dataclass
class User:
    """A Google Workspace user: calendars (one primary) and a mailbox."""

    email: str
    display_name: str
    calendars: dict[str, Calendar] = field(default_factory=dict)
    mailbox: Mailbox = field(default_factory=Mailbox.fresh)

    @property
    def primary(self) -> Calendar:
        """The primary calendar."""
        return next(c for c in self.calendars.values() if c.primary)


@dataclass(frozen=True, slots=True)
class SyncCursor:
    """What a ``nextSyncToken`` stands for: a calendar, a change number, the initial query.

    The filters of the initial full sync travel with the token, which is why Google refuses
    them next to a ``syncToken``.
    """

    owner: str
    calendar_id: str
    seq: int
    single_events: bool
    time_min: datetime | None = None
    time_max: datetime | None = None
    private_properties: tuple[str, ...] = ()
    shared_properties: tuple[str, ...] = ()
    query: str | None = None
    ical_uid: str | None = None
    #: When the token was handed out (emulator clock); ages it for ``sync_token_max_age``.
    issued_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PageCursor:
    """What a ``nextPageToken`` stands for: the rest of an already-computed result."""

    owner: str
    calendar_id: str
    items: tuple[dict[str, Any], ...]
    #: The sync token the last page will carry (``None`` for ``instances``).
    sync: SyncCursor | None


@dataclass(frozen=True, slots=True)
class NotificationRequest:
    """A write that asked Google to e-mail attendees (``sendUpdates`` all/externalOnly).

    Nothing is sent; the emulator only records that a caller asked.
    """

    method: str
    user: str
    event_id: str
    send_updates: str
    recipients: tuple[str, ...]


@dataclass
class Store:
    """Everything the emulator holds; :meth:`clear` forgets it all."""

    users: dict[str, User] = field(default_factory=dict)
    sequence: int = 0
    sync_tokens: dict[str, SyncCursor] = field(default_factory=dict)
    page_tokens: dict[str, PageCursor] = field(default_factory=dict)
    notifications: list[NotificationRequest] = field(default_factory=list)
    #: Sync tokens older than this (emulator clock) answer 410; ``None``: they never age.
    #: Configuration, so :meth:`clear` keeps it.
    sync_token_max_age: timedelta | None = None

    def clear(self) -> None:
        """Forget every user, cursor and recorded notification."""
        self.users.clear()
        self.sync_tokens.clear()
        self.page_tokens.clear()
        self.notifications.clear()

    def bump(self) -> int:
        """Take the next global change number."""
        self.sequence += 1
        return self.sequence

    def user(self, email: str) -> User:
        """Return the user ``email`` (case-insensitive); :class:`KeyError` if unknown."""
        return self.users[email.lower()]

    def calendar(self, email: str, calendar_id: str) -> Calendar:
        """Resolve ``calendar_id`` (``primary``, the owner's email or an id) for ``email``."""
        user = self.users.get(email.lower())
        if user is None:
            raise not_found()
        if calendar_id == "primary" or calendar_id.lower() == user.email:
            return user.primary
        try:
            return user.calendars[calendar_id]
        except KeyError:
            raise not_found() from None

    def expire_sync_tokens(self, email: str | None = None) -> int:
        """Forget the sync tokens of ``email`` (all users if ``None``); return how many."""
        doomed = [
            t for t, c in self.sync_tokens.items() if email is None or c.owner == email.lower()
        ]
        for token in doomed:
            del self.sync_tokens[token]
        return len(doomed)
