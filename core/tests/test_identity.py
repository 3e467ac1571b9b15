"""calsync.identity: derived create ids and occurrences that do not claim their master's counterpart."""

from __future__ import annotations

import re

from calsync.identity import derived_id, own_counterpart


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
