"""What the pages show, computed from calsync's own views: the mailbox table, moments."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, final
from urllib.parse import urlencode

from calsync.status import MailboxView

__all__ = [
    "MAILBOX_COLUMNS",
    "PAGE_SIZE",
    "MailboxQuery",
    "Page",
    "when",
]

#: Mailboxes shown per page.
PAGE_SIZE: Final = 25


def when(moment: datetime | None) -> str:
    """A moment as people read it, in UTC."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


#: The mailbox table's sortable columns: key -> (heading, sort key).
MAILBOX_COLUMNS: Final[Mapping[str, tuple[str, Callable[[MailboxView], Any]]]] = {
    "name": ("Name", lambda m: m.name),
    "provider": ("Provider", lambda m: m.provider),
    "status": ("Status", lambda m: (str(m.status), m.suspended_by or "")),
    "enabled": ("Syncing", lambda m: m.effectively_enabled),
    "up": ("Mailbox → CRM", lambda m: str(m.up)),
    "down": ("CRM → mailbox", lambda m: str(m.down)),
    "records": ("In sync", lambda m: m.records_in_sync),
    "issues": ("Open issues", lambda m: m.open_issues),
    "last_pass": ("Last pass", lambda m: m.last_pass_at.timestamp() if m.last_pass_at else 0.0),
}


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of a table."""

    rows: tuple[MailboxView, ...]
    number: int
    count: int
    total: int


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxQuery:
    """The mailbox table's filter, sort order and page, from the query string."""

    text: str = ""
    status: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> MailboxQuery:
        """Read the query string; anything unknown falls back to the default."""
        sort = params.get("sort", "name")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            text=params.get("q", "").strip(),
            status=params.get("status", ""),
            sort=sort if sort in MAILBOX_COLUMNS else "name",
            descending=params.get("dir") == "desc",
            page=page,
        )

    def matches(self, view: MailboxView) -> bool:
        """Whether ``view`` passes the filter."""
        text = self.text.lower()
        if text and text not in view.name.lower() and text not in view.address.lower():
            return False
        if self.status == "not-syncing":
            return not view.effectively_enabled
        return not self.status or str(view.status) == self.status

    def apply(self, views: Iterable[MailboxView]) -> Page:
        """Filter, sort and cut out the page."""
        chosen = sorted(
            (v for v in views if self.matches(v)),
            key=MAILBOX_COLUMNS[self.sort][1],
            reverse=self.descending,
        )
        count = max(1, math.ceil(len(chosen) / PAGE_SIZE))
        number = min(self.page, count)
        start = (number - 1) * PAGE_SIZE
        return Page(
            rows=tuple(chosen[start : start + PAGE_SIZE]),
            number=number,
            count=count,
            total=len(chosen),
        )

    def link(self, **changes: object) -> str:
        """The query string of this view with ``changes`` (sort, dir, page, ...)."""
        values: dict[str, object] = {
            "q": self.text,
            "status": self.status,
            "sort": self.sort,
            "dir": "desc" if self.descending else "asc",
            "page": self.page,
        }
        values.update(changes)
        return "?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})
