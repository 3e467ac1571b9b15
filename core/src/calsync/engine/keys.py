"""Identities of items in the id map, and content fingerprints for change detection.

A single item or a series master is known by its native id. An occurrence of a series is
known by ``"<series id>|<original start>"`` on either side, so that it keeps its identity
when a provider gives it no id of its own (an unmodified EWS occurrence) or a new id (a
Salesforce occurrence recreated with its series).

A fingerprint is a hash of what a side's item says about the fields the sync carries
from that side. The engine stores the fingerprint of what each side holds after every
sync; a pulled item whose fingerprint is unchanged is not a change (e.g. only a marker or
a field the sync ignores moved).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from calsync.model import CalendarItem, ItemKind, Moment, ShowAs
from calsync.recurrence import Recurrence
from calsync.state.records import LinkKind, Side

#: Occurrences a series' fingerprint is made of.
RULE_SAMPLE = 40

__all__ = [
    "fingerprint",
    "item_key",
    "link_kind",
    "moment_text",
    "occurrence_key",
    "parse_moment",
    "recorded_exclusions",
]


def moment_text(moment: Moment) -> str:
    """A stable text for a start: UTC to the minute for instants, ISO for dates."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return moment.isoformat()


def parse_moment(text: str) -> Moment:
    """The inverse of :func:`moment_text`."""
    if text.endswith("Z"):
        return datetime.strptime(text, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    return date.fromisoformat(text)


def occurrence_key(series_key: str, original_start: Moment) -> str:
    """The identity of one occurrence of the series ``series_key``."""
    return f"{series_key}|{moment_text(original_start)}"


def item_key(item: CalendarItem) -> str:
    """The identity of ``item`` on its own side."""
    occurrence = item.occurrence_key
    if occurrence is not None:
        return occurrence_key(*occurrence)
    assert item.ref is not None, "an item from a provider has a ref"
    return item.ref.id


def fingerprint(item: CalendarItem, side: Side) -> str:
    """Hash what ``item`` says about the fields the sync carries from ``side``.

    Values are normalised the way every provider can keep them (instants to the minute,
    free/busy as free or not), so a round trip through any service keeps the fingerprint.
    """
    data: dict[str, object] = {
        "kind": str(item.kind),
        "subject": item.subject.strip(),
        "location": item.location.strip(),
        "start": moment_text(item.start),
        "end": moment_text(item.end),
        "private": item.is_private,
        "free": item.show_as is ShowAs.FREE,
        "type": str(item.event_type),
    }
    if item.recurrence is not None:
        # What the rule does, not how it is written: services rewrite rules (Exchange keeps
        # a pattern, Salesforce reorders parts). Exclusions are not content either: each
        # series' link keeps those synced on both sides, and a new one travels as a delete.
        bare = Recurrence(rule=item.recurrence.rule, zone=item.recurrence.zone)
        data["rule"] = [moment_text(m) for m in bare.starts(item.start, limit=RULE_SAMPLE)]
    if side is Side.MAILBOX:
        # The mailbox is the master of the body (EX-16); who is invited and how the person
        # categorised the item decide what the CRM side gets (EX-12..15).
        data["body"] = " ".join(item.body.split())
        data["people"] = list(item.people)
        data["categories"] = sorted(item.categories)
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def link_kind(item: CalendarItem) -> LinkKind:
    """The kind of link a new single item or series is known by."""
    return LinkKind.SERIES if item.kind is ItemKind.SERIES else LinkKind.SINGLE


def recorded_exclusions(item: CalendarItem) -> list[str]:
    """The exclusions a new series' link starts with: those the series already had."""
    return sorted(moment_text(m) for m in item.recurrence.exclusions) if item.recurrence else []
