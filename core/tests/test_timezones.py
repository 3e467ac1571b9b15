"""Time-zone matching: the Salesforce list, tzdata links, Windows ids, rule equivalence."""

from __future__ import annotations

import json
import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tzlocal.windows_tz import win_tz

from calsync.timezones import MatchMethod, TimeZoneMatcher, salesforce_zones, to_zoneinfo, tzdb
from calsync.timezones.equivalence import same_rules

WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2037, 1, 1, tzinfo=UTC))
#: The zones with no rule-identical Salesforce zone over 2026-2037 (research notes §0).
UNSUPPORTED_ZONES = {"America/Havana", "Cuba", "Asia/Tehran", "Iran", "Etc/GMT+12"}
UNSUPPORTED_WINDOWS = {"Cuba Standard Time", "Iran Standard Time", "Dateline Standard Time"}


@pytest.fixture(scope="module")
def matcher() -> TimeZoneMatcher:
    return TimeZoneMatcher(salesforce_zones(), clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))


def test_the_fixture_has_the_424_zones_salesforce_listed() -> None:
    zones = salesforce_zones()
    assert len(zones) == 424
    assert zones <= tzdb.available()
    assert {"GMT", "Asia/Kolkata", "Africa/Asmera", "Pacific/Truk"} <= zones
    assert not {"UTC", "America/Havana", "Asia/Tehran"} & zones


def test_every_salesforce_zone_matches_itself(matcher: TimeZoneMatcher) -> None:
    for zone in salesforce_zones():
        result = matcher.match(zone, WINDOW)
        assert (result.match, result.method) == (zone, MatchMethod.EXACT)


def test_every_tzdata_zone_matches_or_is_documented_unsupported(matcher: TimeZoneMatcher) -> None:
    unmatched = {z for z in tzdb.available() if not matcher.match(z, WINDOW).ok}
    assert unmatched == UNSUPPORTED_ZONES
    for zone in UNSUPPORTED_ZONES:
        result = matcher.match(zone, WINDOW)
        assert result.issue == "UNSUPPORTED_TIME_ZONE" and result.method is MatchMethod.NONE
        assert "same offsets" in result.detail


def test_every_windows_id_matches_or_is_documented_unsupported(matcher: TimeZoneMatcher) -> None:
    ids = {key for key in win_tz if key} | {"tzone://Microsoft/Utc"}
    unmatched = {w for w in ids if not matcher.match(w, WINDOW).ok}
    assert unmatched == UNSUPPORTED_WINDOWS


@pytest.mark.parametrize(
    ("zone", "expected", "method"),
    [
        ("Asia/Calcutta", "Asia/Kolkata", MatchMethod.LINK),
        ("US/Eastern", "America/New_York", MatchMethod.LINK),
        ("Europe/Kiev", "Europe/Kyiv", MatchMethod.LINK),
        ("Asia/Saigon", "Asia/Ho_Chi_Minh", MatchMethod.LINK),
        ("Etc/UTC", "GMT", MatchMethod.EQUIVALENT),
        ("tzone://Microsoft/Utc", "GMT", MatchMethod.EQUIVALENT),
        ("India Standard Time", "Asia/Kolkata", MatchMethod.WINDOWS),
        ("W. Europe Standard Time", "Europe/Berlin", MatchMethod.WINDOWS),
        ("British Columbia Standard Time", "America/Vancouver", MatchMethod.WINDOWS),
        ("Pacific Standard Time", "America/Los_Angeles", MatchMethod.WINDOWS),
        ("Asia/Damascus", "Asia/Amman", MatchMethod.EQUIVALENT),
        ("EST5EDT", "America/New_York", MatchMethod.EQUIVALENT),
        ("America/Ciudad_Juarez", "America/Denver", MatchMethod.EQUIVALENT),
        ("America/Coyhaique", "America/Punta_Arenas", MatchMethod.EQUIVALENT),
        (
            "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
            "Europe/Amsterdam",
            MatchMethod.DISPLAY_NAME,
        ),
        (
            "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi",
            "Asia/Kolkata",
            MatchMethod.DISPLAY_NAME,
        ),
    ],
)
def test_known_spellings(
    matcher: TimeZoneMatcher, zone: str, expected: str, method: MatchMethod
) -> None:
    result = matcher.match(zone, WINDOW)
    assert (result.match, result.method) == (expected, method), result.detail


def test_vancouver_left_los_angeles_in_2026() -> None:
    later = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    earlier = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert same_rules("America/Vancouver", "America/Los_Angeles", earlier)
    assert not same_rules("America/Vancouver", "America/Los_Angeles", later)
    # An org that lists Los Angeles and Phoenix but not Vancouver: from 2027 on Vancouver
    # keeps UTC-7 all year, which is Phoenix, never Los Angeles.
    org = TimeZoneMatcher({"America/Los_Angeles", "America/Phoenix"})
    assert org.match("America/Vancouver", later).match == "America/Phoenix"
    assert org.match("British Columbia Standard Time", later).match == "America/Phoenix"


def test_custom_zones_and_garbage_get_a_clear_answer(matcher: TimeZoneMatcher) -> None:
    custom = matcher.match("Customized Time Zone", WINDOW)
    assert custom.issue == "UNSUPPORTED_TIME_ZONE" and custom.canonical is None
    assert "defined only by its rules" in custom.detail
    garbage = matcher.match("Mitteleuropäische Zeit", WINDOW)
    assert (
        not garbage.ok
        and "not an IANA id, a Windows id or a Windows display name" in garbage.detail
    )


def test_a_resolver_hook_can_answer_for_unknown_ids() -> None:
    org = TimeZoneMatcher(salesforce_zones(), resolver={"Contoso Head Office": "Europe/Berlin"}.get)
    result = org.match("Contoso Head Office", WINDOW)
    assert (result.match, result.method) == ("Europe/Berlin", MatchMethod.WINDOWS)


def test_the_default_window_starts_now_and_looks_ten_years_ahead() -> None:
    org = TimeZoneMatcher(salesforce_zones(), clock=lambda: datetime(2031, 6, 1, 12, tzinfo=UTC))
    start, end = org.default_window()
    assert start == datetime(2031, 5, 31, tzinfo=UTC)
    assert end.year == 2041
    assert "from 2031-05-31 to 2041-" in org.match("Asia/Tehran").detail


def test_lookups_are_cached(matcher: TimeZoneMatcher) -> None:
    assert matcher.match("Asia/Damascus", WINDOW) is matcher.match("Asia/Damascus", WINDOW)


def test_to_zoneinfo_understands_windows_ids() -> None:
    assert to_zoneinfo("Romance Standard Time") == zoneinfo.ZoneInfo("Europe/Paris")
    assert to_zoneinfo("Nowhere") is None and to_zoneinfo(None) is None


def test_zoneinfo_reads_the_pinned_tzdata_only() -> None:
    assert zoneinfo.TZPATH == ()
    assert tzdb.IANA_VERSION == "2026f"


SCRIPT = """
import json, sys
from datetime import datetime, UTC
from calsync.timezones import TimeZoneMatcher, salesforce_zones
window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2037, 1, 1, tzinfo=UTC))
m = TimeZoneMatcher(salesforce_zones())
zones = sys.argv[1:]
print(json.dumps({z: [m.match(z, window).match, str(m.match(z, window).method)] for z in zones}))
"""


@pytest.mark.skipif(
    not Path("/usr/share/zoneinfo").is_dir(), reason="needs an OS tz database to compare with"
)
def test_results_do_not_depend_on_the_operating_systems_tz_database(
    matcher: TimeZoneMatcher,
) -> None:
    zones = [
        "America/Vancouver",
        "America/Edmonton",
        "Africa/Casablanca",
        "Asia/Damascus",
        "Europe/Berlin",
    ]
    env = {"PYTHONTZPATH": "/usr/share/zoneinfo", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, *zones], capture_output=True, text=True, env=env, check=True
    ).stdout
    here = {
        z: [matcher.match(z, WINDOW).match, str(matcher.match(z, WINDOW).method)] for z in zones
    }
    assert json.loads(out) == here
