"""Counterpart ids survive a Salesforce External ID field that ignores case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from calsync_salesforce.refs import original_ref, stored_ref

#: Two EWS item ids of one mailbox that differ only in the case of one letter.
EWS_A = "AAMkADQ2ZjVhYmE4LTk0ZTAtNDk0Zi05NzM4LTBhMjFjZDVlNzU5NABGAAAAAAB1bWFpbGJveA=="
EWS_B = EWS_A.replace("bWFp", "bwFp")


def test_ids_that_differ_in_case_are_stored_apart() -> None:
    a, b = stored_ref(EWS_A, case_proof=True), stored_ref(EWS_B, case_proof=True)
    assert a.casefold() != b.casefold()
    assert (original_ref(a), original_ref(b)) == (EWS_A, EWS_B)


def test_lower_case_ids_stay_readable_and_case_sensitive_fields_hold_ids_as_they_are() -> None:
    google = "5k2r0bqv1h3d8vke2m8a6n4q9c_20270607t080000z"
    assert stored_ref(google, case_proof=True) == google
    assert stored_ref(EWS_A, case_proof=False) == EWS_A
    assert original_ref(EWS_A) == EWS_A


def test_values_someone_typed_are_read_as_they_are() -> None:
    for typed in ("~^", "~^#zz;", "~^#110000;", "~^#", "~^A"):
        assert original_ref(typed) == typed


@given(st.text())
def test_every_id_round_trips_and_no_two_fold_together(ref: str) -> None:
    stored = stored_ref(ref, case_proof=True)
    assert original_ref(stored) == ref
    assert stored.casefold() == stored, "a case-insensitive field would merge it with another"
    assert original_ref(stored_ref(ref, case_proof=False)) == ref
