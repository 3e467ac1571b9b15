"""Markers never touch the person's categories; the policy reads as documented."""

from __future__ import annotations

from calsync.markers import MAX_LABEL_LENGTH, Marker, is_marker_label, own_categories
from calsync.policy import Direction, Operation, Policy


def test_marker_labels_are_the_flag_and_a_detail() -> None:
    marker = Marker(code="UNSUPPORTED_TIME_ZONE", detail="Time zone   Asia/Tehran\nnot supported")
    assert marker.labels == ("Sync Error", "Sync Error: Time zone Asia/Tehran not supported")


def test_long_details_are_cut() -> None:
    label = Marker(code="X_Y_Z", detail="x" * 500).detail_label
    assert len(label) == MAX_LABEL_LENGTH and label.endswith("…")


def test_own_categories_keeps_the_persons_labels_in_order() -> None:
    labels = ("Red category", "Sync Error", "Sync Error: nope", "Syncing", "Customer")
    assert own_categories(labels) == ("Red category", "Syncing", "Customer")
    assert is_marker_label("Fehler: x", title="Fehler") and not is_marker_label("Sync Errors")


def test_ignore_list_matches_addresses_and_domains() -> None:
    policy = Policy(ignore=frozenset({"@Example.org", "boss@corp.com"}))
    assert policy.is_ignored("anyone@example.org")
    assert policy.is_ignored("Boss@Corp.com")
    assert not policy.is_ignored("other@corp.com")


def test_prevented_operations_and_directions() -> None:
    policy = Policy(prevent={Direction.UP: frozenset({Operation.DELETE})})
    assert not policy.allows(Direction.UP, Operation.DELETE)
    assert policy.allows(Direction.UP, Operation.UPDATE)
    assert policy.allows(Direction.DOWN, Operation.DELETE)
    one_way = Policy(directions=frozenset({Direction.UP}))
    assert not one_way.allows(Direction.DOWN, Operation.CREATE)
