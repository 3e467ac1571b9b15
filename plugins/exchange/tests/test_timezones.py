"""Time zones: all-day items far from UTC, Windows ids, custom definitions without an id."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from ews_testing import ALICE, PASSWORD, post_soap, utc
from exchangelib import Account, CalendarItem, EWSDate, EWSDateTime
from lxml import etree

from calsync_exchange.emulator import (
    CustomTimeZone,
    EwsEmulator,
    Recurrence,
    TransitionRule,
    WeeklyPattern,
    in_process_account,
)
from calsync_exchange.emulator._xml import T
from calsync_exchange.emulator.timezones import RuleZone

#: Central European rules written as a custom definition (no Windows id).
CUSTOM_CET = CustomTimeZone(
    standard_offset=timedelta(hours=1),
    daylight_offset=timedelta(hours=2),
    daylight_start=TransitionRule(month=3, weekday="Sunday", occurrence=-1, at=time(2)),
    standard_start=TransitionRule(month=10, weekday="Sunday", occurrence=-1, at=time(3)),
)


@pytest.mark.parametrize(
    ("zone", "midnight_utc"),
    [("Pacific/Kiritimati", utc(2025, 3, 11, 10)), ("Pacific/Pago_Pago", utc(2025, 3, 12, 11))],
)
def test_all_day_items_keep_their_date_far_from_utc(
    emulator: EwsEmulator, zone: str, midnight_utc: datetime
) -> None:
    address = f"{zone.split('/')[1].lower()}@example.com"
    emulator.add_mailbox(address, password=PASSWORD, time_zone=zone)
    with in_process_account(emulator, address, password=PASSWORD) as account:
        assert account.default_timezone.key == zone or account.default_timezone.ms_id
        item = CalendarItem(
            folder=account.calendar,
            subject="Holiday",
            start=EWSDate(2025, 3, 12),
            end=EWSDate(2025, 3, 12),
            is_all_day=True,
        )
        item.save()
        stored = emulator.item(address, item.id)
        assert stored is not None
        assert stored["start"] == midnight_utc
        assert stored["end"] == midnight_utc + timedelta(days=1)
        assert (stored["start_date"], stored["end_date"]) == (date(2025, 3, 12), date(2025, 3, 13))
        read = account.calendar.get(id=item.id)
        # exchangelib's inclusive end: one day, no shift.
        assert (read.start, read.end, read.is_all_day) == (
            date(2025, 3, 12),
            date(2025, 3, 12),
            True,
        )
        tz = account.default_timezone
        view = list(
            account.calendar.view(
                start=EWSDateTime(2025, 3, 12, tzinfo=tz), end=EWSDateTime(2025, 3, 13, tzinfo=tz)
            )
        )
        assert [(v.subject, v.start) for v in view] == [("Holiday", date(2025, 3, 12))]


def test_an_all_day_start_that_is_not_midnight_is_pushed_to_midnight(emulator: EwsEmulator) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="x",
        start=datetime(2025, 5, 4, 15),
        end=datetime(2025, 5, 5, 9),
        is_all_day=True,
    )
    stored = emulator.item(ALICE, item_id)
    assert stored is not None
    assert (stored["start_date"], stored["end_date"]) == (date(2025, 5, 4), date(2025, 5, 6))
    assert stored["start"] == utc(2025, 5, 3, 22)


def test_items_carry_windows_zone_ids(emulator: EwsEmulator) -> None:
    from ews_testing import BOB

    with in_process_account(emulator, BOB, password=PASSWORD) as account:
        tz = account.default_timezone
        assert tz.ms_id == "Pacific Standard Time"
        item = CalendarItem(
            folder=account.calendar,
            subject="x",
            start=EWSDateTime(2025, 7, 1, 9, tzinfo=tz),
            end=EWSDateTime(2025, 7, 1, 10, tzinfo=tz),
        )
        item.save()
        stored = emulator.item(BOB, item.id)
        assert stored is not None
        assert stored["start_time_zone"] == "Pacific Standard Time"
        assert stored["start"] == utc(2025, 7, 1, 16)


def test_rule_zone_agrees_with_zoneinfo_for_the_same_rules() -> None:
    custom, berlin = RuleZone(CUSTOM_CET), ZoneInfo("Europe/Berlin")
    moment = utc(2025, 1, 1)
    while moment < utc(2026, 1, 1):
        assert moment.astimezone(custom).utcoffset() == moment.astimezone(berlin).utcoffset(), (
            moment
        )
        local = moment.astimezone(berlin).replace(tzinfo=None)
        assert (
            local.replace(tzinfo=custom).utcoffset() == local.replace(tzinfo=berlin).utcoffset()
        ), local
        moment += timedelta(hours=1)


def test_a_custom_zone_series_follows_its_own_rules(emulator: EwsEmulator) -> None:
    recurrence = Recurrence(
        pattern=WeeklyPattern(weekdays=("Monday",)), start_date=date(2025, 3, 24), count=2
    )
    master = emulator.seed_item(
        ALICE,
        subject="Custom",
        start=datetime(2025, 3, 24, 9),
        end=datetime(2025, 3, 24, 10),
        time_zone=CUSTOM_CET,
        recurrence=recurrence,
    )
    view = emulator.calendar_view(ALICE, utc(2025, 3, 1), utc(2025, 4, 30))
    assert [e["start"] for e in view] == [utc(2025, 3, 24, 8), utc(2025, 3, 31, 7)]
    assert emulator.item(ALICE, master)["start_time_zone"] == "Customized Time Zone"  # type: ignore[index]


def test_a_custom_zone_is_returned_as_a_definition_exchangelib_cannot_name(
    account: Account, emulator: EwsEmulator
) -> None:
    item_id = emulator.seed_item(
        ALICE,
        subject="Custom",
        start=datetime(2025, 7, 1, 9),
        end=datetime(2025, 7, 1, 10),
        time_zone=CUSTOM_CET,
    )
    with pytest.warns(UserWarning, match="Customized Time Zone"):
        read = account.calendar.get(id=item_id)
    assert read.start == utc(2025, 7, 1, 7)
    assert read._start_timezone is None
    raw = _raw_get_item(account, item_id, "calendar:StartTimeZone")
    zone = raw.find(f".//{{{T}}}StartTimeZone")
    assert zone is not None
    assert zone.get("Name") == "Customized Time Zone"
    assert zone.get("Id") is None
    assert [p.get("Bias") for p in zone.iter(f"{{{T}}}Period")] == ["-PT1H", "-PT2H"]
    assert [m.text for m in zone.iter(f"{{{T}}}Month")] == ["3", "10"]


def test_a_custom_zone_written_over_the_wire_is_stored_and_returned(
    account: Account, emulator: EwsEmulator
) -> None:
    answer = etree.fromstring(
        post_soap(
            account,
            """<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem>
            <t:Subject>Mumbai</t:Subject>
            <t:Start>2025-07-01T09:00:00+05:30</t:Start><t:End>2025-07-01T10:00:00+05:30</t:End>
            <t:StartTimeZone Name="Customized Time Zone">
              <t:Periods>
                <t:Period Bias="-PT5H30M" Name="Standard" Id="trule:Custom/Std"/>
              </t:Periods>
              <t:TransitionsGroups><t:TransitionsGroup Id="0"><t:Transition>
                <t:To Kind="Period">trule:Custom/Std</t:To>
              </t:Transition></t:TransitionsGroup></t:TransitionsGroups>
              <t:Transitions>
                <t:Transition><t:To Kind="Group">0</t:To></t:Transition>
              </t:Transitions>
            </t:StartTimeZone>
            </t:CalendarItem></m:Items></m:CreateItem>""",
        ).content
    )
    item_id = answer.find(f".//{{{T}}}ItemId").get("Id")  # type: ignore[union-attr]
    stored = emulator.item(ALICE, item_id)
    assert stored is not None
    assert stored["start_time_zone"] == "Customized Time Zone"
    assert stored["start"] == utc(2025, 7, 1, 3, 30)
    returned = _raw_get_item(account, item_id, "calendar:StartTimeZone").find(
        f".//{{{T}}}StartTimeZone"
    )
    assert returned is not None
    assert [p.get("Bias") for p in returned.iter(f"{{{T}}}Period")] == ["-PT5H30M"]


def _raw_get_item(account: Account, item_id: str, field_uri: str) -> etree._Element:
    response = post_soap(
        account,
        f"""<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
        <t:AdditionalProperties><t:FieldURI FieldURI="{field_uri}"/></t:AdditionalProperties>
        </m:ItemShape><m:ItemIds><t:ItemId Id="{item_id}"/></m:ItemIds></m:GetItem>""",
    )
    assert response.status_code == 200, response.content
    return etree.fromstring(response.content)
