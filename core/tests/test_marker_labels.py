"""calsync.markers helpers: marker labels beside the person's own, a colour kept beneath a marker."""

from __future__ import annotations

from calsync.markers import Marker, MarkerChange, MarkerLabels, recolour

MARKER = Marker(code="FIELD_ACCESS_DENIED", detail="no access")
OTHER = Marker(code="FIELD_ACCESS_DENIED", detail="no access", title="Sync-Fehler")


def test_a_marker_s_labels_follow_the_person_s_own() -> None:
    labels = MarkerLabels()
    assert labels.after(["Blue", "Red"], MARKER) == ["Blue", "Red", *MARKER.labels]
    assert labels.after(["Blue", *MARKER.labels, "Red"], None) == ["Blue", "Red"]
    assert labels.after(["Blue", "Sync Error: old detail"], MARKER) == ["Blue", *MARKER.labels]


def test_a_configured_title_is_recognised_once_learnt() -> None:
    labels = MarkerLabels()
    shown = ["Blue", *OTHER.labels]
    assert labels.own(shown) == shown
    labels.learn([MarkerChange(item_id="1", marker=OTHER), MarkerChange(item_id="2", marker=None)])
    assert labels.own(shown) == ["Blue"]


def test_colours_are_given_per_label() -> None:
    changes = [MarkerChange(item_id="1", marker=MARKER), MarkerChange(item_id="2", marker=None)]
    colours = MarkerLabels.colours(changes, flag=0, detail=-1)
    assert colours == {MARKER.title: 0, MARKER.detail_label: -1}


def test_showing_keeps_the_person_s_colour_the_first_time_only() -> None:
    first = recolour("5", None, showing=True, red="11")
    assert (first.colour, first.changes, first.kept) == ("11", True, "5")
    again = recolour("11", "5", showing=True, red="11")
    assert (again.changes, again.kept) == (False, "5")
    default = recolour(None, None, showing=True, red="11")
    assert default.kept == ""  # the calendar's own colour


def test_removing_gives_the_colour_back_while_the_marker_s_shows() -> None:
    back = recolour("11", "5", showing=False, red="11")
    assert (back.colour, back.changes, back.kept) == ("5", True, None)
    to_default = recolour("11", "", showing=False, red="11")
    assert (to_default.colour, to_default.changes) == (None, True)
    chosen_meanwhile = recolour("3", "5", showing=False, red="11")
    assert (chosen_meanwhile.colour, chosen_meanwhile.changes) == ("3", False)
    never_marked = recolour("11", None, showing=False, red="11")
    assert never_marked.changes is False
