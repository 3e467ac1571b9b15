"""The Gmail side of markers: a "Sync Error" label on the mail of a marked event.

What is implemented, exactly:

* The label is ``<label_parent>/<marker title>`` (default ``Salesforce Emails/Sync Error``).
  Gmail nests labels by the ``/`` in their names only, so the parent is created first when
  missing, then the child. Labels are listed once per provider (``labels.list``) and
  created once; a 409 ``duplicate`` (someone created it meanwhile, or it differs only in
  case) is answered by listing again and using the existing label.
* Related mail = the messages that carry an iCalendar file naming the event's iCalUID,
  found only in documented ways (see :mod:`.invitations`): the ``filename:ics`` search,
  then each new message's iCalendar parts read once. Gmail does not document that a
  search looks into attachment content, so calsync never searches for the UID itself.
* Flagging adds the label to all those messages in one ``messages.batchModify`` (up to 1000
  ids per call); clearing looks among the messages that carry the label and removes it in
  one ``batchModify``. Removals run before additions, so a message shared by a cleared
  and a flagged event stays flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from googleapiclient.errors import HttpError

from calsync.errors import InvalidReplyError, ProviderError
from calsync.providers import ItemFailure
from calsync_gmail.errors import ERRORS, SIDE, expect_object, item_failure
from calsync_gmail.invitations import Invitations
from calsync_gmail.session import Session

__all__ = ["MailLabels"]

_MAX_MODIFY = 1000


class MailLabels:
    """Finds or creates the error label and puts it on, or takes it off, related mail."""

    def __init__(self, session: Session) -> None:
        """Label mail in the mailbox of ``session``."""
        self.session = session
        self._labels: dict[str, str] | None = None  # lower-case name -> id
        self.invitations = Invitations(session)

    def _list(self) -> dict[str, str]:
        gmail = self.session.client.gmail
        reply = self.session.client.call(gmail.users().labels().list(userId="me"), "labels.list")
        labels = reply.get("labels", [])
        if not isinstance(labels, list):
            raise InvalidReplyError("Gmail's labels.list labels are not a list", source=SIDE)
        self._labels = {
            str(lb["name"]).lower(): str(lb["id"])
            for lb in labels
            if isinstance(lb, dict) and "name" in lb and "id" in lb
        }
        return self._labels

    def _create(self, name: str) -> str:
        gmail = self.session.client.gmail
        body = {"name": name, "labelListVisibility": "labelShow", "messageListVisibility": "show"}
        request = gmail.users().labels().create(userId="me", body=body)
        with ERRORS.boundary("labels.create"):
            try:
                created = request.execute()
            except HttpError as error:
                if error.resp.status != 409:
                    raise
                created = None  # it exists (perhaps in another case): use that one
        if created is None:
            found = self._list().get(name.lower())
            if found is None:
                raise ProviderError(f"Gmail refused the label {name!r} as a duplicate", source=SIDE)
            return found
        label_id = str(expect_object(created, "labels.create", "id")["id"])
        assert self._labels is not None
        self._labels[name.lower()] = label_id
        return label_id

    def label_id(self, title: str) -> str:
        """The id of ``<parent>/<title>``, creating it (and its parents) once."""
        if self._labels is None:
            self._list()
        parts = [p for p in self.session.settings.label_parent.split("/") if p.strip()] + [title]
        label_id = ""
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            assert self._labels is not None  # re-read by _create after a 409
            label_id = self._labels.get(name.lower()) or self._create(name)
        return label_id

    def _modify(self, message_ids: Iterable[str], label: str, *, add: bool) -> None:
        wanted = sorted(set(message_ids))
        messages = self.session.client.gmail.users().messages()
        key = "addLabelIds" if add else "removeLabelIds"
        for start in range(0, len(wanted), _MAX_MODIFY):
            body = {"ids": wanted[start : start + _MAX_MODIFY], key: [label]}
            self.session.client.call_empty(
                messages.batchModify(userId="me", body=body), "messages.batchModify"
            )

    def relabel(
        self, title: str, flag: Sequence[str], clear: Sequence[str]
    ) -> dict[str, ItemFailure]:
        """Label the mail of the events with iCalUIDs ``flag``, unlabel that of ``clear``.

        :returns: the UIDs whose mail could not be relabelled, with why.
        """
        if not flag and not clear:
            return {}
        try:
            label = self.label_id(title)
            to_clear = self.invitations.messages_of(clear, label) if clear else {}
            to_flag = self.invitations.messages_of(flag, None) if flag else {}
            removed = {m for ids in to_clear.values() for m in ids}
            added = {m for ids in to_flag.values() for m in ids}
            if removed - added:
                self._modify(removed - added, label, add=False)
            if added:
                self._modify(added, label, add=True)
        except ProviderError as error:
            failure = item_failure(error, "Gmail labels")
            return dict.fromkeys([*flag, *clear], failure)
        return {}
