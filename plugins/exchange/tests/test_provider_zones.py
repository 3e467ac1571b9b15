"""Time zones: Windows ids kept, custom definitions resolved, all-day items far from UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from ews_testing import ALICE, PASSWORD
from exchangelib import EWSTimeZone
from exchangelib.winzone import IANA_TO_MS_TIMEZONE_MAP, MS_TIMEZONE_TO_IANA_MAP
from provider_testing import by_subject, provider_for, utc

from calsync.emulation import FrozenClock
from calsync.model import CalendarItem, ItemKind
from calsync.providers import Write
from calsync.recurrence import Recurrence
from calsync.timezones import tzdb
from calsync_exchange import ExchangeMailbox
from calsync_exchange.emulator import CustomTimeZone, EwsEmulator, TransitionRule
from calsync_exchange.zones import ews_timezone

CUSTOM_CET = CustomTimeZone(
    standard_offset=timedelta(hours=1),
    daylight_offset=timedelta(hours=2),
    daylight_start=TransitionRule(month=3, weekday="Sunday", occurrence=-1, at=time(2)),
    standard_start=TransitionRule(month=10, weekday="Sunday", occurrence=-1, at=time(3)),
)
#: Rules no tz database zone has: UTC+1, daylight time from the second Sunday of May to
#: the first Sunday of September.
CUSTOM_ODD = CustomTimeZone(
    standard_offset=timedelta(hours=1),
    daylight_offset=timedelta(hours=2),
    daylight_start=TransitionRule(month=5, weekday="Sunday", occurrence=2, at=time(2)),
    standard_start=TransitionRule(month=9, weekday="Sunday", occurrence=1, at=time(3)),
)


def test_a_custom_zone_resolves_to_an_iana_zone_with_the_same_rules(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    emulator.seed_item(
        ALICE,
        subject="Custom",
        start=datetime(2025, 7, 1, 9),
        end=datetime(2025, 7, 1, 10),
        time_zone=CUSTOM_CET,
    )
    [item] = provider.pull(None).changed  # exchangelib's warning is handled, not raised
    assert item.zone is not None
    assert tzdb.canonical(item.zone) in {"Europe/Paris", "Europe/Berlin", "Europe/Brussels"}
    assert item.start == utc(2025, 7, 1, 7)
    assert item.start.utcoffset() == timedelta(hours=2)  # type: ignore[union-attr]


def test_a_custom_zone_nobody_shares_stays_customized(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    emulator.seed_item(
        ALICE,
        subject="Odd",
        start=datetime(2025, 7, 1, 9),
        end=datetime(2025, 7, 1, 10),
        time_zone=CUSTOM_ODD,
    )
    emulator.seed_item(
        ALICE, subject="Odd day", start=date(2025, 6, 1), end=date(2025, 6, 2), time_zone=CUSTOM_ODD
    )
    items = by_subject(provider.pull(None))
    timed, all_day = items["Odd"], items["Odd day"]
    # The engine reports UNSUPPORTED_TIME_ZONE for this name (core's matcher).
    assert timed.zone == "Customized Time Zone"
    assert timed.start == utc(2025, 7, 1, 7)  # 09:00 at UTC+2 (its daylight time)
    # The all-day item's dates are its midnights in its own rules, not the host's.
    assert (all_day.start, all_day.end) == (date(2025, 6, 1), date(2025, 6, 2))


@pytest.mark.parametrize(
    ("zone", "midnight_utc"),
    [("Pacific/Kiritimati", utc(2025, 3, 11, 10)), ("Pacific/Pago_Pago", utc(2025, 3, 12, 11))],
)
def test_all_day_items_keep_their_dates_far_from_utc(
    emulator: EwsEmulator, clock: FrozenClock, zone: str, midnight_utc: datetime
) -> None:
    address = f"{zone.split('/')[1].lower()}@example.com"
    emulator.add_mailbox(address, password=PASSWORD, time_zone=zone)
    provider = provider_for(emulator, address, PASSWORD, clock=clock.now, time_zone=zone)
    item = CalendarItem(subject="Holiday", start=date(2025, 3, 12), end=date(2025, 3, 14))
    [result] = provider.write([Write.create(item)])
    assert result.ref is not None
    stored = emulator.item(address, result.ref.id)
    assert stored is not None
    assert stored["is_all_day"]
    assert (stored["start_date"], stored["end_date"]) == (date(2025, 3, 12), date(2025, 3, 14))
    assert (stored["start"], stored["end"]) == (midnight_utc, midnight_utc + timedelta(days=2))
    emulator.seed_item(address, subject="Seeded", start=date(2025, 12, 31), end=date(2026, 1, 1))
    items = by_subject(provider.pull(None))
    assert (items["Holiday"].start, items["Holiday"].end) == (date(2025, 3, 12), date(2025, 3, 14))
    assert (items["Seeded"].start, items["Seeded"].end) == (date(2025, 12, 31), date(2026, 1, 1))
    provider.close()


def test_an_all_day_series_reports_dates(provider: ExchangeMailbox, emulator: EwsEmulator) -> None:
    series = CalendarItem(
        kind=ItemKind.SERIES,
        subject="Offsite",
        start=date(2025, 3, 24),
        end=date(2025, 3, 25),
        recurrence=Recurrence(rule="FREQ=WEEKLY;COUNT=3", exclusions=(date(2025, 3, 31),)),
    )
    [result] = provider.write([Write.create(series)])
    assert result.ref is not None
    stored = emulator.item(ALICE, result.ref.id)
    assert stored is not None and stored["deleted_occurrences"] == [utc(2025, 3, 30, 22)]
    [item] = provider.pull(None).changed
    assert (item.start, item.end) == (date(2025, 3, 24), date(2025, 3, 25))
    assert item.recurrence is not None
    assert item.recurrence.rule == "FREQ=WEEKLY;COUNT=3"
    assert item.recurrence.exclusions == (date(2025, 3, 31),)
    assert item.recurrence.zone is None


def test_the_2026_canadian_windows_ids_resolve(
    provider: ExchangeMailbox, emulator: EwsEmulator
) -> None:
    assert MS_TIMEZONE_TO_IANA_MAP["British Columbia Standard Time"] == "America/Vancouver"
    assert IANA_TO_MS_TIMEZONE_MAP["America/Edmonton"][0] == "Alberta Standard Time"
    assert EWSTimeZone.from_ms_id("Manitoba Standard Time").key == "America/Winnipeg"
    emulator.seed_item(
        ALICE,
        subject="Vancouver",
        start=utc(2027, 1, 12, 17),
        end=utc(2027, 1, 12, 18),
        time_zone="British Columbia Standard Time",
    )
    [item] = provider.pull(None).changed
    assert item.zone == "British Columbia Standard Time"
    # In January 2027 British Columbia is on UTC-7 (tzdata 2026), not Pacific time.
    assert item.start.utcoffset() == timedelta(hours=-7)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("zone", "stored"),
    [
        ("America/Vancouver", "British Columbia Standard Time"),
        ("Europe/Copenhagen", "Romance Standard Time"),
        ("Asia/Calcutta", "India Standard Time"),
        ("W. Europe Standard Time", "W. Europe Standard Time"),
        (None, "W. Europe Standard Time"),  # the mailbox's zone
    ],
)
def test_writes_send_windows_ids(
    provider: ExchangeMailbox, emulator: EwsEmulator, zone: str | None, stored: str
) -> None:
    start = datetime(2026, 5, 4, 16, tzinfo=UTC)
    item = CalendarItem(subject="x", start=start, end=start + timedelta(hours=1), zone=zone)
    [result] = provider.write([Write.create(item)])
    assert result.ref is not None
    record = emulator.item(ALICE, result.ref.id)
    assert record is not None
    assert (record["start_time_zone"], record["start"]) == (stored, start)


def test_unknown_zones_cannot_be_written() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        ews_timezone("Mars/Olympus")
