"""Value types a provider's settings declare, so the loader checks them before anything runs.

A settings field typed with one of these is validated by ``calsync check`` and at every
start, with the path of the value in the message; a mistake never waits for a pass to
fail on it::

    from calsync.config.values import HttpUrl, Seconds, ZoneId

    @dataclass(frozen=True, slots=True, kw_only=True)
    class ExampleSettings:
        endpoint: HttpUrl = DEFAULT_ENDPOINT         # HttpUrl("https://api.example.com/")
        timeout_seconds: Seconds = DEFAULT_TIMEOUT   # Seconds(60)
        calendar_api: HttpUrl | None = None          # absent unless written
        time_zone: ZoneId = DEFAULT_ZONE             # ZoneId("UTC")

They are plain ``str`` / ``float`` at run time (:class:`typing.NewType`).
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Final, NewType
from urllib.parse import urlsplit

__all__ = [
    "MAX_SECONDS",
    "HttpUrl",
    "Seconds",
    "ZoneId",
    "duration",
    "http_url",
    "seconds",
    "zone_id",
]

#: An ``http://`` or ``https://`` URL with a host.
HttpUrl = NewType("HttpUrl", str)
#: A time-out or wait in seconds: more than 0, at most :data:`MAX_SECONDS`.
Seconds = NewType("Seconds", float)
#: A time-zone id calsync knows: IANA (``Europe/Berlin``) or Windows (``W. Europe Standard Time``).
ZoneId = NewType("ZoneId", str)

#: Fifteen minutes: a call waiting longer holds its mailbox's pass (and lease) for nothing.
MAX_SECONDS: Final = 900.0


def http_url(value: object, _: type = HttpUrl) -> HttpUrl:
    """``value`` if it is an http(s) URL with a host; raises ValueError saying why not."""
    if not isinstance(value, str):
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host, parts = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host or " " in value:
        raise ValueError(f"{value!r} is not an http:// or https:// URL with a host")
    return HttpUrl(value)


def seconds(value: object, _: type = Seconds) -> Seconds:
    """``value`` if it is a number of seconds more than 0 and at most :data:`MAX_SECONDS`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number of seconds, got {value!r}")
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise ValueError(
            f"{value!r} seconds is out of range: more than 0 and at most {MAX_SECONDS:g}"
        )
    return Seconds(float(value))


def zone_id(value: object, _: type = ZoneId) -> ZoneId:
    """``value`` if it names a time zone calsync knows (IANA, Windows id or display name)."""
    from calsync.timezones import to_zoneinfo

    if not isinstance(value, str) or to_zoneinfo(value) is None:
        raise ValueError(
            f"{value!r} is not a time zone calsync knows; write an IANA id such as "
            "'Europe/Berlin' or a Windows id such as 'W. Europe Standard Time'"
        )
    return ZoneId(value)


_DURATION: Final = re.compile(r"(?P<count>\d+)\s*(?P<unit>[smhd])")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def duration(value: object, path: str, problems: list[str]) -> timedelta | None:
    """A duration written ``"90s"``, ``"15m"``, ``"1h"`` or ``"1d"`` (absent: ``None``).

    From a minute to a week; a problem is added to ``problems`` at ``path``.
    """
    if value is None:
        return None
    found = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is not None:
        length = timedelta(**{_UNITS[found["unit"]]: int(found["count"])})
        if timedelta(minutes=1) <= length <= timedelta(days=7):
            return length
    problems.append(
        f'{path}: a duration from "1m" to "7d" such as "15m", "1h" or "1d", got {value!r}'
    )
    return None
