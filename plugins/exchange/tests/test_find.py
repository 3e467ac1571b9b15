"""FindItem: IndexedPageItemView paging, restrictions (FieldURI, ExtendedFieldURI), sorting."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from ews_testing import ALICE, post_soap, utc
from exchangelib import Account, Q
from exchangelib.errors import (
    ErrorCalendarViewRangeTooBig,
    ErrorInvalidRestriction,
    ErrorUnsupportedPathForQuery,
)

from calsync.emulation import FrozenClock
from calsync_exchange.emulator import EwsEmulator, Person, Recurrence, WeeklyPattern


@pytest.fixture
def seeded(emulator: EwsEmulator, clock: FrozenClock) -> dict[str, str]:
    ids = {}
    rows = [
        ("Alpha", 8, ("Red",), "00U1", "Room 1", "Normal"),
        ("Beta", 9, ("Blue", "Red"), "00U2", None, "Private"),
        ("Gamma", 10, (), None, "Room 2", "Normal"),
        ("delta", 11, ("Green",), "00u1", "Annex", "Confidential"),
    ]
    for subject, hour, categories, crm_id, location, sensitivity in rows:
        clock.advance(60)
        extended = {"CalsyncCrmId": crm_id} if crm_id else {}
        ids[subject] = emulator.seed_item(
            ALICE,
            subject=subject,
            start=utc(2025, 3, 10, hour),
            end=utc(2025, 3, 10, hour + 1),
            categories=categories,
            location=location,
            sensitivity=sensitivity,
            extended=extended,
        )
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 3), count=3
    )
    clock.advance(60)
    ids["Series"] = emulator.seed_item(
        ALICE,
        subject="Series",
        start=datetime(2025, 3, 3, 9),
        end=datetime(2025, 3, 3, 10),
        recurrence=recurrence,
    )
    return ids


def _subjects(qs: object) -> list[str]:
    return sorted(i.subject for i in qs)  # type: ignore[attr-defined]


def test_a_plain_listing_returns_singles_and_masters(
    account: Account, seeded: dict[str, str]
) -> None:
    items = list(account.calendar.all())
    assert sorted(i.subject for i in items) == ["Alpha", "Beta", "Gamma", "Series", "delta"]
    assert {i.type for i in items} == {"Single", "RecurringMaster"}


def test_paging_uses_offsets_and_includes_last_item_in_range(
    account: Account, emulator: EwsEmulator, seeded: dict[str, str]
) -> None:
    qs = account.calendar.all().order_by("subject")
    qs.page_size = 2
    # Exchange sorts strings without regard to case.
    assert [i.subject for i in qs.only("subject")] == ["Alpha", "Beta", "delta", "Gamma", "Series"]
    assert emulator.counts["FindItem"] == 3


def test_extended_property_lookup(account: Account, seeded: dict[str, str]) -> None:
    found = list(account.calendar.filter(crm_id="00U1"))
    # Exchange compares strings without regard to case: 00u1 matches too.
    assert sorted(i.subject for i in found) == ["Alpha", "delta"]
    assert found[0].crm_id in ("00U1", "00u1")
    assert _subjects(account.calendar.filter(crm_id__exists=True)) == ["Alpha", "Beta", "delta"]
    assert _subjects(account.calendar.filter(crm_id__exists=False)) == ["Gamma", "Series"]


def test_comparisons_on_field_uris(
    account: Account, seeded: dict[str, str], clock: FrozenClock
) -> None:
    cal = account.calendar
    assert _subjects(cal.filter(subject="alpha")) == ["Alpha"]
    assert _subjects(cal.filter(start__gte=utc(2025, 3, 10, 10))) == ["Gamma", "delta"]
    assert _subjects(cal.filter(start__lt=utc(2025, 3, 10, 9))) == ["Alpha", "Series"]
    assert _subjects(cal.filter(start__gt=utc(2025, 3, 10, 10), end__lte=utc(2025, 3, 10, 12))) == [
        "delta"
    ]
    # A property the item lacks never matches, not even "not equal".
    assert _subjects(cal.filter(location__not="Room 1")) == ["Gamma", "delta"]
    assert _subjects(cal.filter(sensitivity__in=["Private", "Confidential"])) == ["Beta", "delta"]
    assert _subjects(cal.exclude(sensitivity="Normal")) == ["Beta", "delta"]
    modified_after = datetime(2025, 1, 6, 9, 3, tzinfo=clock.now().tzinfo)
    assert _subjects(cal.filter(last_modified_time__gt=modified_after)) == ["Series", "delta"]


def test_multi_valued_and_contains_restrictions(account: Account, seeded: dict[str, str]) -> None:
    cal = account.calendar
    assert _subjects(cal.filter(categories__contains=["red"])) == ["Alpha", "Beta"]
    assert _subjects(cal.filter(categories__contains=["Red", "Blue"])) == ["Beta"]
    assert _subjects(cal.filter(categories__in=["Blue", "Green"])) == ["Beta", "delta"]
    assert _subjects(cal.filter(subject__contains="amm")) == ["Gamma"]
    assert _subjects(cal.filter(subject__icontains="ALP")) == ["Alpha"]
    assert _subjects(cal.filter(subject__contains="ALP")) == []
    assert _subjects(cal.filter(subject__istartswith="DEL")) == ["delta"]
    assert _subjects(cal.filter(Q(subject="Alpha") | Q(location="Room 2"))) == ["Alpha", "Gamma"]
    assert _subjects(cal.filter(~Q(subject__startswith="G") & Q(crm_id__exists=True))) == [
        "Alpha",
        "Beta",
        "delta",
    ]


def test_sorting(account: Account, seeded: dict[str, str]) -> None:
    by_start = [i.subject for i in account.calendar.all().order_by("-start").only("subject")]
    assert by_start == ["delta", "Gamma", "Beta", "Alpha", "Series"]


def test_an_unsupported_restriction_path_is_refused_not_ignored(
    account: Account, seeded: dict[str, str]
) -> None:
    response = post_soap(
        account,
        """<m:FindItem Traversal="Shallow">
        <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
        <m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>
        <m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="calendar:RequiredAttendees"/>
          <t:FieldURIOrConstant><t:Constant Value="bob@example.com"/></t:FieldURIOrConstant>
        </t:IsEqualTo></m:Restriction>
        <m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>
        </m:FindItem>""",
    )
    assert response.status_code == 200
    assert b"ErrorUnsupportedPathForQuery" in response.content
    assert b'ResponseClass="Error"' in response.content
    assert ErrorUnsupportedPathForQuery.__name__.encode() in response.content


def test_a_calendar_view_longer_than_two_years_is_refused(account: Account) -> None:
    tz = account.default_timezone
    with pytest.raises(ErrorCalendarViewRangeTooBig):
        list(
            account.calendar.view(
                start=utc(2025, 1, 1).astimezone(tz), end=utc(2027, 6, 1).astimezone(tz)
            )
        )


def test_a_calendar_view_with_a_restriction_is_refused(account: Account) -> None:
    tz = account.default_timezone
    view = account.calendar.view(
        start=utc(2025, 3, 1).astimezone(tz), end=utc(2025, 4, 1).astimezone(tz)
    )
    with pytest.raises(ErrorInvalidRestriction):
        list(view.filter(subject="Alpha"))


def test_restrictions_are_validated_even_on_an_empty_folder(account: Account) -> None:
    response = post_soap(
        account,
        """<m:FindItem Traversal="Shallow">
        <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
        <m:Restriction>
          <t:Exists><t:FieldURI FieldURI="calendar:Organizer"/></t:Exists>
        </m:Restriction>
        <m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>
        </m:FindItem>""",
    )
    assert b"ErrorUnsupportedPathForQuery" in response.content


def test_a_calendar_view_shows_items_ending_at_its_start_not_starting_at_its_end(
    account: Account, emulator: EwsEmulator
) -> None:
    """CalendarView leaves out items ending *before* StartDate and starting *on or after*
    EndDate (EWS reference, CalendarView element)."""
    emulator.seed_item(ALICE, subject="Before", start=utc(2025, 5, 5, 8), end=utc(2025, 5, 5, 9))
    emulator.seed_item(ALICE, subject="After", start=utc(2025, 5, 5, 10), end=utc(2025, 5, 5, 11))
    emulator.seed_item(
        ALICE,
        subject="Weekly",
        start=datetime(2025, 5, 5, 8, 30),
        end=datetime(2025, 5, 5, 9),
        time_zone="UTC",
        recurrence=Recurrence(
            pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 5, 5), count=2
        ),
    )
    tz = account.default_timezone
    view = account.calendar.view(
        start=utc(2025, 5, 5, 9).astimezone(tz), end=utc(2025, 5, 5, 10).astimezone(tz)
    )
    assert _subjects(view) == ["Before", "Weekly"]


def test_is_recurring_follows_exchanges_table(account: Account, emulator: EwsEmulator) -> None:
    """Single FALSE; a master FALSE for its organizer, TRUE for an attendee; occurrences TRUE
    (EWS reference, IsRecurring element)."""
    weekly = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 5, 5), count=2
    )
    times = {"start": datetime(2025, 5, 5, 9), "end": datetime(2025, 5, 5, 10)}
    emulator.seed_item(ALICE, subject="Mine", recurrence=weekly, **times)
    emulator.seed_item(
        ALICE,
        subject="Theirs",
        recurrence=weekly,
        organizer=Person(name="Bob", email="bob@contoso.example"),
        **times,
    )
    emulator.seed_item(ALICE, subject="Once", start=utc(2025, 5, 6, 9), end=utc(2025, 5, 6, 10))
    listed = {i.subject: i.is_recurring for i in account.calendar.all()}
    assert listed == {"Mine": False, "Theirs": True, "Once": False}
    tz = account.default_timezone
    view = account.calendar.view(
        start=utc(2025, 5, 5).astimezone(tz), end=utc(2025, 5, 6).astimezone(tz)
    )
    assert {(i.subject, i.is_recurring) for i in view} == {("Mine", True), ("Theirs", True)}
