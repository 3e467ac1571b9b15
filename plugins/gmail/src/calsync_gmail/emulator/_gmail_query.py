"""A small subset of Gmail's search syntax for ``messages.list(q=...)``.

Supported terms, ANDed: ``from:``, ``to:``, ``subject:``, ``label:``, ``in:``, ``is:``
(``unread``, ``read``, ``starred``, ``important``), ``has:attachment``, ``filename:``, a
leading ``-`` to negate, ``"quoted phrases"`` and bare words (searched in subject, sender,
recipients and body; Gmail documents no search of attachment content, so neither does this).

``filename:`` follows Gmail Help, "Search operators you can use with Gmail"
(https://support.google.com/mail/answer/7190): "Search for emails that have attachments
with a certain name or file type", e.g. ``filename:pdf`` or ``filename:homework.txt``.
"""

from __future__ import annotations

import shlex

from calsync_gmail.emulator._store import Mailbox, Message


def _label_matches(message: Message, box: Mailbox, name: str) -> bool:
    # Gmail lets "label:" name a label by its name, with spaces and "/" written as "-".
    wanted = name.lower()
    for label_id in message.label_ids:
        label = box.labels.get(label_id)
        if label is None:
            continue
        spelled = label.name.lower()
        if wanted in (label_id.lower(), spelled, spelled.replace(" ", "-").replace("/", "-")):
            return True
    return False


def _term(message: Message, box: Mailbox, term: str) -> bool:
    key, sep, value = term.partition(":")
    value = value.lower()
    if not sep:
        text = " ".join(
            [message.header("Subject"), message.header("From"), message.header("To"), message.body]
        )
        return term.lower() in text.lower()
    key = key.lower()
    if key in ("from", "to", "subject"):
        return value in message.header(key).lower()
    if key == "label":
        return _label_matches(message, box, value)
    if key == "in":
        return value == "anywhere" or value.upper() in message.label_ids
    if key == "filename":
        names = [a.filename.lower() for a in message.attachments]
        return any(n == value or n.rsplit(".", 1)[-1] == value for n in names)
    if key == "has" and value == "attachment":
        return bool(message.attachments)
    if key == "is":
        flags = {"unread": "UNREAD", "starred": "STARRED", "important": "IMPORTANT"}
        if value == "read":
            return "UNREAD" not in message.label_ids
        return flags.get(value, "\0") in message.label_ids
    return term.lower() in message.body.lower()


def matches(message: Message, query: str, box: Mailbox) -> bool:
    """Whether ``message`` satisfies every term of ``query``."""
    try:
        terms = shlex.split(query)
    except ValueError:
        terms = query.split()
    for term in terms:
        negate = term.startswith("-") and len(term) > 1
        if _term(message, box, term[1:] if negate else term) == negate:
            return False
    return True
