"""Text cut to what a CRM holds, counted in UTF-16 code units as Salesforce counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calsync.engine.lengths import cut, fit, units
from calsync.model import CalendarItem


def test_an_emoji_counts_two_and_is_never_split() -> None:
    text = "é" * 250 + "🎉" * 10
    assert units(text) == 270 and len(text) == 260
    held = cut(text, 255)
    assert held == "é" * 250 + "🎉" * 2, "the third emoji would need units 255 and 256"
    assert units(held) == 254
    assert cut("short", 255) == "short" and cut(text, None) == text


def test_fit_cuts_only_the_fields_with_a_limit_and_names_them() -> None:
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    item = CalendarItem(
        start=start, end=start + timedelta(hours=1), subject="x" * 300, body="y" * 10
    )
    fitted, names = fit(item, {"subject": 255, "body": 32000})
    assert names == ("subject",) and fitted.subject == "x" * 255 and fitted.body == item.body
    assert fit(fitted, {"subject": 255}) == (fitted, ())
