"""What a CRM can hold: text cut to its field lengths, counted as the CRM counts.

A CRM keeps at most so many characters of a subject, a location or a description
(:attr:`~calsync.providers.CrmFeatures.text_lengths`, read from the org's describe).
Salesforce counts characters as Java does, in UTF-16 code units: describe's ``length`` is
"the maximum size of the field in Unicode characters (not bytes)" (Salesforce Help,
knowledge article 000381913), and "surrogate pair characters are treated as two characters"
(knowledge article 005166849) — an emoji counts two, an ``é`` one.

calsync cuts what it writes itself, never in the middle of a surrogate pair, so that the
event holds exactly what calsync remembers writing (no echo, no second write), the cut is
reported on the item (``TEXT_TRUNCATED``), and first-sync matching compares a mailbox item
as the CRM would hold it with what the CRM holds (EX-23).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from calsync.engine.plan import Hit, Planned
from calsync.issues import named
from calsync.model import CalendarItem
from calsync.state.records import Side

__all__ = ["TEXT_FIELDS", "cut", "fit", "fit_write", "units"]

#: The text fields a CRM may hold only so much of.
TEXT_FIELDS = ("subject", "location", "body")
#: How an issue names them.
_FIELD_NAMES = {"subject": "subject", "location": "location", "body": "description"}


def units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def cut(text: str, limit: int | None) -> str:
    """The longest start of ``text`` that fits ``limit`` UTF-16 code units (``None``: all)."""
    if limit is None or len(text) * 2 <= limit or units(text) <= limit:
        return text
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def fit(item: CalendarItem, lengths: Mapping[str, int]) -> tuple[CalendarItem, tuple[str, ...]]:
    """``item`` with its text cut to ``lengths``, and the names of the fields that were cut."""
    changes = {
        name: cut(getattr(item, name), lengths.get(name)) for name in TEXT_FIELDS if name in lengths
    }
    changed = {name: value for name, value in changes.items() if value != getattr(item, name)}
    if not changed:
        return item, ()
    return item.evolve(**changed), tuple(changed)


def fit_write(planned: Planned, lengths: Mapping[str, int]) -> tuple[Planned, list[Hit]]:
    """A CRM write with the text it writes cut to ``lengths``; a ``TEXT_TRUNCATED`` if cut."""
    write = planned.write
    if write.item is None or not lengths:
        return planned, []
    written = {k: v for k, v in lengths.items() if write.fields is None or k in write.fields}
    item, names = fit(write.item, written)
    if not names:
        return planned, []
    source = planned.source
    hit = Hit(
        code="TEXT_TRUNCATED",
        side=Side.MAILBOX,
        item_id=source.ref.id if source is not None and source.ref is not None else None,
        params={
            "fields": " and ".join(_FIELD_NAMES[name] for name in names),
            "limits": " and ".join(f"{lengths[name]:,}" for name in names) + " characters",
            "subject": named(item),
        },
    )
    return replace(planned, write=replace(write, item=item)), [hit]
