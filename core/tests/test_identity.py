"""calsync.identity: derived create ids and occurrences that do not claim their master's counterpart."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from calsync.identity import asked, by_counterpart, derived_id, own_counterpart
from calsync.model import CalendarItem


def test_a_derived_id_is_the_same_for_the_same_counterpart() -> None:
    assert derived_id("00U5g00000XyZ12AB") == derived_id("00U5g00000XyZ12AB")
    assert derived_id("a") != derived_id("A")  # Salesforce ids differ by case only


def test_a_derived_id_is_lower_case_base32hex_within_its_bounds() -> None:
    made = derived_id("00U5g00000XyZ12AB")
    assert re.fullmatch(r"[0-9a-v]+", made)
    assert len(derived_id("a")) >= 5
    assert len(derived_id("x" * 2000, longest=64)) == 64


def test_without_a_counterpart_an_id_is_random() -> None:
    assert derived_id(None) != derived_id(None)
    assert len(derived_id("")) == 32


def test_only_the_item_it_was_written_for_has_the_counterpart() -> None:
    assert own_counterpart("00U1", "master", "master") == "00U1"
    assert own_counterpart("00U1", "master", "master_20260105T090000Z") is None  # a copy
    assert own_counterpart("00U1", None, "master") is None  # written before the rule
    assert own_counterpart(None, "master", "master") is None


def test_a_lookup_asks_for_each_id_once() -> None:
    assert asked(["00U1", "", "00U2", "00U1"]) == ["00U1", "00U2"]


def test_a_lookup_keeps_exact_matches_of_singles_and_masters_only() -> None:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    single = CalendarItem(
        subject="a", start=start, end=start + timedelta(hours=1), counterpart_id="00Ua"
    )
    other_case = single.evolve(subject="b", counterpart_id="00UA")
    occurrence = single.evolve(
        subject="c", counterpart_id="00Ub", series_id="m", original_start=start
    )
    found = by_counterpart([other_case, single, occurrence], ["00Ua", "00Ub"])
    assert found == {"00Ua": single}
