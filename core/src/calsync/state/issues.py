"""The issue log: what a pass could not do, per mailbox (and the organisation's), open or resolved."""

from __future__ import annotations

from dataclasses import fields, replace

from sqlalchemy import Connection, Select, insert, or_, select, update

from calsync.issues import Issue
from calsync.state import rows as convert
from calsync.state import schema
from calsync.state.transactions import Transactional

__all__ = ["IssueStore", "select_marker_issues"]


class IssueStore(Transactional):
    """The issues of every mailbox (part of :class:`~calsync.state.State`)."""

    def issues(
        self, mailbox: str | None = None, *, open_only: bool = True, code: str | None = None
    ) -> list[Issue]:
        """Issues, newest first."""
        kept = self._rows(mailbox) if open_only else None
        if kept is not None:
            return kept.open_issues(code)
        table = schema.issues
        query = _newest_first(select(table))
        if mailbox is not None:
            query = query.where(table.c.mailbox == mailbox)
        if open_only:
            query = query.where(table.c.resolved_at.is_(None))
        if code is not None:
            query = query.where(table.c.code == code)
        with self._tx(write=False) as conn:
            return [convert.issue(row) for row in conn.execute(query).mappings()]

    def marker_issues(self, mailbox: str) -> list[Issue]:
        """The issues ``mailbox``'s markers follow: the open ones, and those still marked."""
        kept = self._rows(mailbox)
        if kept is not None:
            return kept.marker_issues()
        with self._tx(write=False) as conn:
            return select_marker_issues(conn, mailbox)

    def save_issue(self, issue: Issue) -> Issue:
        """Insert or update an issue row; returns it with its id."""
        values = {f.name: getattr(issue, f.name) for f in fields(issue)}
        values["side"] = str(issue.side)
        values["item_id"] = issue.item_id or ""
        values["related_ids"] = list(issue.related_ids)
        issue_id = values.pop("id")
        table = schema.issues
        with self._tx() as conn:
            if issue_id is None:
                issue_id = convert.inserted_id(conn.execute(insert(table).values(**values)))
            else:
                conn.execute(update(table).where(table.c.id == issue_id).values(**values))
            saved = replace(issue, id=issue_id)
            kept = self._kept_rows(issue.mailbox)
            if kept is not None:
                kept.saved_issue(saved)
        return saved


def select_marker_issues(conn: Connection, mailbox: str) -> list[Issue]:
    """:meth:`IssueStore.marker_issues`, read in ``conn``'s transaction."""
    table = schema.issues
    query = _newest_first(select(table)).where(
        table.c.mailbox == mailbox, or_(table.c.resolved_at.is_(None), table.c.marked.is_(True))
    )
    return [convert.issue(row) for row in conn.execute(query).mappings()]


def _newest_first(query: Select[tuple[object, ...]]) -> Select[tuple[object, ...]]:
    table = schema.issues
    return query.order_by(table.c.last_seen.desc(), table.c.id.desc())
