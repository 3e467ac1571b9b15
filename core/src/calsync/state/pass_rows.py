"""One mailbox's rows as its pass keeps them: links, cursors, outbox, open issues.

Read together as the pass starts (see :meth:`~calsync.state.transactions.Transactional.pass_rows`)
and kept up to date by the pass's own writes as they are made. What is handed out are
copies: the planner changes the links it is given as it works, and only what it saves
changes here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from calsync.issues import Issue
from calsync.state.records import Link, OutboxEntry, Side

__all__ = ["PassRows"]


@dataclass(slots=True, kw_only=True, eq=False)
class PassRows:
    """A mailbox's rows, as stored (see the module docstring)."""

    mailbox: str
    cursors: dict[Side, str]
    #: By id, in the order they were read or added.
    links: dict[int, Link]
    outbox: dict[int, OutboxEntry]
    #: The open issues, and the resolved ones whose marker is still shown: every issue the
    #: markers follow (the others are only ever read by people, from the database).
    issues: dict[int, Issue]

    # -- links ---------------------------------------------------------------------------------

    def link_copies(self) -> list[Link]:
        """Every link, each a copy of its own."""
        return [_copy(link) for link in self.links.values()]

    def saved_links(self, links: Iterable[Link]) -> None:
        """``links`` (each with its id) were inserted or updated."""
        for link in links:
            assert link.id is not None
            self.links[link.id] = _copy(link)

    def deleted_links(self, ids: Iterable[int]) -> None:
        """The links ``ids`` were deleted."""
        for link_id in ids:
            self.links.pop(link_id, None)

    # -- the outbox ----------------------------------------------------------------------------

    def outbox_entries(self) -> list[OutboxEntry]:
        """The unconfirmed writes, oldest first."""
        return [self.outbox[i] for i in sorted(self.outbox)]

    def added_outbox(self, entries: Iterable[OutboxEntry]) -> None:
        """``entries`` (each with its id) were recorded."""
        for entry in entries:
            assert entry.id is not None
            self.outbox[entry.id] = entry

    def cleared_outbox(self, ids: Iterable[int]) -> None:
        """The entries ``ids`` were forgotten."""
        for entry_id in ids:
            self.outbox.pop(entry_id, None)

    # -- issues --------------------------------------------------------------------------------

    def open_issues(self, code: str | None = None) -> list[Issue]:
        """The open issues (of ``code``), newest first, as the database orders them."""
        return _newest_first(
            i for i in self.issues.values() if i.is_open and (code is None or i.code == code)
        )

    def marker_issues(self) -> list[Issue]:
        """The open issues and those whose marker is still shown, newest first."""
        return _newest_first(self.issues.values())

    def saved_issue(self, issue: Issue) -> None:
        """``issue`` (with its id) was inserted or updated."""
        assert issue.id is not None
        if issue.is_open or issue.marked:
            self.issues[issue.id] = issue
        else:
            self.issues.pop(issue.id, None)


def _copy(link: Link) -> Link:
    return replace(link, exclusions=list(link.exclusions))


def _newest_first(issues: Iterable[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.last_seen, i.id or 0), reverse=True)
