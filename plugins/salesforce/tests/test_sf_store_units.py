"""Units under the wire: the store's savepoints and indexes, ids, the RRULE subset."""

from __future__ import annotations

import pytest

from calsync_salesforce.emulator import SalesforceError
from calsync_salesforce.emulator.ids import checksum, make_id, normalize_id
from calsync_salesforce.emulator.rrule_subset import normalize
from calsync_salesforce.emulator.store import Store


def test_savepoints_roll_back_records_deletions_and_indexes() -> None:
    store = Store()
    first = {"Id": store.new_id("Event"), "Ref": "A"}
    store.put("Event", first)
    assert store.find_by("Event", "Ref", "a") == [first]  # index built here, case-insensitive
    point = store.mark()
    store.put("Event", {**first, "Ref": "B"})
    second = {"Id": store.new_id("Event"), "Ref": "A"}
    store.put("Event", second)
    store.log_deletion("Event", first["Id"], None)  # type: ignore[arg-type]
    assert store.find_by("Event", "Ref", "A") == [second]
    store.rollback(point)
    assert store.rows("Event") == [first]
    assert store.find_by("Event", "Ref", "A") == [first]
    assert store.find_by("Event", "Ref", "B") == []
    assert store.deletions == []


def test_nested_savepoints_keep_the_outer_journal() -> None:
    store = Store()
    outer = store.mark()
    with store.atomic():
        store.put("Event", {"Id": "x", "Ref": 1})

    def failing_write() -> None:
        with store.atomic():
            store.put("Event", {"Id": "y", "Ref": 2})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_write()
    assert [r["Id"] for r in store.rows("Event")] == ["x"]
    store.rollback(outer)
    assert store.rows("Event") == []


def test_ids() -> None:
    record_id = make_id("00U", 12345)
    assert len(record_id) == 18
    assert record_id[15:] == checksum(record_id[:15])
    assert normalize_id(record_id[:15]) == record_id
    wrong = "ZZZ" if record_id[15:] != "ZZZ" else "YYY"
    assert normalize_id(record_id[:15] + wrong) is None
    assert normalize_id(record_id.lower()[:15] + record_id[15:]) is None  # case matters
    assert normalize_id("00U-bad-id-00000") is None
    assert normalize_id(12) is None
    # The suffix encodes letter case, so ids differing only in case stay apart once 18 long.
    assert normalize_id("001000000000aBc") != normalize_id("001000000000AbC")


def test_rrule_normalisation() -> None:
    assert normalize("freq=weekly;count=13;byday=MO;wkst=SU") == (
        "RRULE:FREQ=WEEKLY;BYDAY=MO;WKST=SU;INTERVAL=1;COUNT=13"
    )
    assert normalize("RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=2;UNTIL=20300101T000000Z") == (
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=2;INTERVAL=1;UNTIL=20300101T000000Z"
    )
    for bad in (
        "FREQ=MINUTELY;COUNT=2",
        "FREQ=DAILY;COUNT=0",
        "FREQ=DAILY;COUNT=2;COUNT=3",
        "COUNT=2",
    ):
        with pytest.raises(SalesforceError):
            normalize(bad)
