"""Rows of the state database's tables to records and back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any, Final

from calsync.issues import Issue, Source
from calsync.state.records import Link, LinkKind

__all__ = ["IN_CHUNK", "chunked", "inserted_id", "issue", "link", "link_values"]


#: How many names one ``IN (...)`` lists: well within every database's bound parameters.
IN_CHUNK: Final = 1000


def chunked(names: Sequence[str]) -> Iterator[Sequence[str]]:
    """``names`` in lists of at most :data:`IN_CHUNK`."""
    for start in range(0, len(names), IN_CHUNK):
        yield names[start : start + IN_CHUNK]


def inserted_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def link(row: Any) -> Link:
    return Link(
        id=row["id"],
        mailbox=row["mailbox"],
        kind=LinkKind(row["kind"]),
        mailbox_key=row["mailbox_key"],
        crm_key=row["crm_key"],
        mailbox_token=row["mailbox_token"],
        crm_token=row["crm_token"],
        mailbox_hash=row["mailbox_hash"],
        crm_hash=row["crm_hash"],
        shared=row["shared"],
        uid=row["uid"],
        exclusions=list(row["exclusions"] or []),
        detached=row["detached"],
        synced_at=row["synced_at"],
    )


def link_values(link: Link) -> dict[str, Any]:
    values = {f.name: getattr(link, f.name) for f in fields(link)}
    values["kind"] = str(link.kind)
    values["exclusions"] = list(link.exclusions)
    return values


def issue(row: Any) -> Issue:
    return Issue(
        id=row["id"],
        code=row["code"],
        mailbox=row["mailbox"],
        side=Source(row["side"]),
        item_id=row["item_id"] or None,
        message=row["message"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        count=row["count"],
        resolved_at=row["resolved_at"],
        correlation_id=row["correlation_id"],
        related_ids=tuple(row["related_ids"] or ()),
        marked=row["marked"],
    )
