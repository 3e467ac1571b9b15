"""The RRULE subset Lightning Experience event series accept, and how they store it.

Accepted parts: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), BYMONTH, BYMONTHDAY, BYDAY, WKST,
BYSETPOS, INTERVAL, UNTIL, COUNT (BYWEEKNO and BYYEARDAY are listed too). Rules from the
Object Reference: WEEKLY needs BYDAY without ordinals; a MONTHLY/YEARLY BYDAY is one day,
weekdays, the weekend or every day, with ordinals only -1, 1..4, all the same, and not
together with BYSETPOS; BYSETPOS is -1 or 1..4; INTERVAL is 1..999 daily, 1..99 weekly and
monthly, 1 yearly; COUNT is 1..999; UNTIL is ``yyyyMMddTHHmmssZ``; UNTIL and COUNT exclude
each other; a daily/monthly/yearly series has at most one occurrence per day/month/year.
No EXDATE, RDATE, EXRULE, HOURLY, MINUTELY, BYHOUR, BYMINUTE.

On save Salesforce rewrites the rule: parts in the order below, ``INTERVAL=1`` added,
``RRULE:`` prefixed. This module only *checks and normalises* the text; expansion is
python-dateutil's (:mod:`.series`). A series must end (COUNT or UNTIL) -- the emulator's
choice, as the Lightning UI offers no open-ended series. Refusals are
``FIELD_INTEGRITY_EXCEPTION`` on ``Recurrence2PatternText`` in the emulator's wording.
"""

from __future__ import annotations

import re

from calsync_salesforce.emulator.errors import SalesforceError, integrity

ORDER = (
    "FREQ", "BYMONTH", "BYMONTHDAY", "BYWEEKNO", "BYYEARDAY", "BYDAY", "WKST", "BYSETPOS",
    "INTERVAL", "UNTIL", "COUNT",
)  # fmt: skip
MAX_COUNT = 999
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALLOWED_DAY_SETS = (
    *(frozenset({d}) for d in _DAYS),
    frozenset(_DAYS[:5]),
    frozenset(_DAYS[5:]),
    frozenset(_DAYS),
)
_INTERVAL_MAX = {"DAILY": 999, "WEEKLY": 99, "MONTHLY": 99, "YEARLY": 1}
_BYDAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")
_UNTIL = re.compile(r"^\d{8}T\d{6}Z$")


def _bad(reason: str) -> SalesforceError:
    return integrity(f"Recurrence Pattern: {reason}", ["Recurrence2PatternText"])


def _int(parts: dict[str, str], key: str, low: int, high: int) -> int | None:
    if key not in parts:
        return None
    raw = parts[key]
    if not re.fullmatch(r"-?\d+", raw) or not low <= int(raw) <= high:
        raise _bad(f"{key} must be between {low} and {high}")
    return int(raw)


def normalize(text: str) -> str:
    """Check ``text`` against the subset and return Salesforce's stored form.

    :raises SalesforceError: ``FIELD_INTEGRITY_EXCEPTION`` naming the offending part.
    """
    body = text.strip()
    if "\n" in body or "\r" in body:
        raise _bad("only one RRULE line is allowed (no EXDATE, RDATE or EXRULE)")
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for item in filter(None, body.split(";")):
        key, sep, value = item.partition("=")
        key = key.strip().upper()
        if not sep or not value or key in parts:
            raise _bad(f"malformed rule part {item!r}")
        if key not in ORDER:
            raise _bad(f"{key} is not supported")
        parts[key] = value.strip().upper()
    freq = parts.get("FREQ")
    if freq not in _INTERVAL_MAX:
        raise _bad("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    _int(parts, "INTERVAL", 1, _INTERVAL_MAX[freq])
    _int(parts, "COUNT", 1, MAX_COUNT)
    _int(parts, "BYSETPOS", -1, 4)
    if parts.get("BYSETPOS") == "0":
        raise _bad("BYSETPOS must be -1 or 1 to 4")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _bad("COUNT and UNTIL can't be used together")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _bad("the series must end: give COUNT or UNTIL")
    if "UNTIL" in parts and not _UNTIL.match(parts["UNTIL"]):
        raise _bad("UNTIL must have the form yyyyMMddTHHmmssZ")
    if "WKST" in parts and parts["WKST"] not in _DAYS:
        raise _bad("WKST must be a day")
    _check_days(parts, freq)
    for key in ("BYMONTH", "BYMONTHDAY"):
        if key in parts and "," in parts[key] and freq in ("MONTHLY", "YEARLY", "DAILY"):
            raise _bad(f"{key} takes one value (one occurrence per period)")
    _int(parts, "BYMONTH", 1, 12)
    _int(parts, "BYMONTHDAY", -31, 31)
    parts.setdefault("INTERVAL", "1")
    return "RRULE:" + ";".join(f"{key}={parts[key]}" for key in ORDER if key in parts)


def _check_days(parts: dict[str, str], freq: str) -> None:
    raw = parts.get("BYDAY")
    if raw is None:
        if freq == "WEEKLY":
            raise _bad("a weekly series needs BYDAY")
        return
    ordinals: set[str | None] = set()
    days: set[str] = set()
    for item in raw.split(","):
        match = _BYDAY.match(item)
        if match is None:
            raise _bad(f"bad BYDAY value {item!r}")
        ordinals.add(match[1])
        days.add(match[2])
    ordinal = ordinals.pop() if len(ordinals) == 1 else "mixed"
    if freq in ("WEEKLY", "DAILY") and ordinal is not None:
        raise _bad("BYDAY takes no ordinals in a daily or weekly series")
    if freq in ("MONTHLY", "YEARLY"):
        if ordinal == "mixed" or ordinal not in (
            None,
            "-1",
            "1",
            "2",
            "3",
            "4",
            "+1",
            "+2",
            "+3",
            "+4",
        ):
            raise _bad("BYDAY ordinals must be the same and one of -1, 1, 2, 3, 4")
        if ordinal is not None and "BYSETPOS" in parts:
            raise _bad("BYDAY ordinals can't be combined with BYSETPOS")
        if frozenset(days) not in ALLOWED_DAY_SETS:
            raise _bad("BYDAY must be one day, the weekdays, the weekend or every day")
