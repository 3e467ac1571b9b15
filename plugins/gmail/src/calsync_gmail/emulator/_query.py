"""Reading ``events.list`` / ``events.instances`` parameters, with Calendar v3's refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from calsync_gmail.emulator._errors import ApiError, full_sync_required, invalid
from calsync_gmail.emulator._store import Calendar, Store, SyncCursor
from calsync_gmail.emulator._times import parse_instant, zone

DEFAULT_MAX_RESULTS = 250
MAX_MAX_RESULTS = 2500
#: Parameters Google refuses next to a ``syncToken`` (the token already carries them).
FORBIDDEN_WITH_SYNC = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A validated list request: what to return, and since when (``since``) for a sync."""

    single_events: bool
    show_deleted: bool
    tz: ZoneInfo
    max_results: int
    time_min: datetime | None = None
    time_max: datetime | None = None
    updated_min: datetime | None = None
    private_properties: tuple[str, ...] = ()
    shared_properties: tuple[str, ...] = ()
    query: str | None = None
    ical_uid: str | None = None
    event_types: tuple[str, ...] = ()
    order_by: str | None = None
    original_start: datetime | None = None
    #: The change number of the sync token in use (``None``: a full listing).
    since: int | None = None

    def cursor(self, owner: str, calendar_id: str, seq: int) -> SyncCursor:
        """Return the sync cursor a listing with this query ends on."""
        return SyncCursor(
            owner=owner,
            calendar_id=calendar_id,
            seq=seq,
            single_events=self.single_events,
            time_min=self.time_min,
            time_max=self.time_max,
            private_properties=self.private_properties,
            shared_properties=self.shared_properties,
            query=self.query,
            ical_uid=self.ical_uid,
        )


def _flag(params: dict[str, list[str]], name: str) -> bool | None:
    value = _one(params, name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise invalid(f"Invalid value for: {name}", location=name)
    return value == "true"


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def _instant(params: dict[str, list[str]], name: str) -> datetime | None:
    value = _one(params, name)
    return None if value is None else parse_instant(value, parameter=name)


def _properties(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    values = tuple(params.get(name, ()))
    if any("=" not in v for v in values):
        raise invalid(f"Invalid value for: {name}", location=name)
    return values


def _max_results(params: dict[str, list[str]]) -> int:
    raw = _one(params, "maxResults")
    if raw is None:
        return DEFAULT_MAX_RESULTS
    try:
        value = int(raw)
    except ValueError:
        raise invalid("Invalid value for: maxResults", location="maxResults") from None
    if value < 1:
        raise invalid("Invalid value for: maxResults", location="maxResults")
    return min(value, MAX_MAX_RESULTS)  # "can never be larger than 2500": capped, not refused


def _tz(params: dict[str, list[str]], calendar: Calendar) -> ZoneInfo:
    name = _one(params, "timeZone") or calendar.time_zone
    try:
        return zone(name)
    except KeyError:
        raise invalid("Invalid time zone definition.", location="timeZone") from None


def _check_window(time_min: datetime | None, time_max: datetime | None) -> None:
    if time_min is not None and time_max is not None and time_min >= time_max:
        raise ApiError(
            400,
            "timeRangeEmpty",
            "The specified time range is empty.",
            domain="calendar",
            location="timeMax",
            location_type="parameter",
        )


def _expired(cursor: SyncCursor | None, calendar: Calendar, store: Store, now: datetime) -> bool:
    if cursor is None or (cursor.owner, cursor.calendar_id) != (calendar.owner, calendar.id):
        return True
    max_age, issued = store.sync_token_max_age, cursor.issued_at
    return max_age is not None and issued is not None and now - issued > max_age


def list_query(
    params: dict[str, list[str]], calendar: Calendar, store: Store, now: datetime
) -> ListQuery:
    """Validate ``events.list`` parameters; a ``syncToken`` brings back its initial query."""
    single = _flag(params, "singleEvents")
    show_deleted = _flag(params, "showDeleted")
    order_by = _one(params, "orderBy")
    common = {"tz": _tz(params, calendar), "max_results": _max_results(params)}
    token = _one(params, "syncToken")
    if token is not None:
        forbidden = [name for name in FORBIDDEN_WITH_SYNC if name in params]
        if forbidden:
            raise invalid(
                f"The parameter {forbidden[0]} cannot be used with syncToken.",
                location=forbidden[0],
            )
        if show_deleted is False:
            raise invalid(
                "showDeleted=false cannot be used with syncToken.", location="showDeleted"
            )
        cursor = store.sync_tokens.get(token)
        if _expired(cursor, calendar, store, now):
            raise full_sync_required()
        assert cursor is not None
        if single is not None and single != cursor.single_events:
            raise invalid(
                "singleEvents must match the request that issued the syncToken.",
                location="singleEvents",
            )
        return ListQuery(
            single_events=cursor.single_events,
            show_deleted=True,
            time_min=cursor.time_min,
            time_max=cursor.time_max,
            private_properties=cursor.private_properties,
            shared_properties=cursor.shared_properties,
            query=cursor.query,
            ical_uid=cursor.ical_uid,
            since=cursor.seq,
            **common,  # type: ignore[arg-type]
        )
    if order_by not in (None, "startTime", "updated"):
        raise invalid("Invalid value for: orderBy", location="orderBy")
    if order_by == "startTime" and not single:
        raise invalid(
            "The requested ordering is not available for the particular query.", location="orderBy"
        )
    time_min, time_max = _instant(params, "timeMin"), _instant(params, "timeMax")
    _check_window(time_min, time_max)
    return ListQuery(
        single_events=bool(single),
        show_deleted=bool(show_deleted),
        time_min=time_min,
        time_max=time_max,
        updated_min=_instant(params, "updatedMin"),
        private_properties=_properties(params, "privateExtendedProperty"),
        shared_properties=_properties(params, "sharedExtendedProperty"),
        query=_one(params, "q"),
        ical_uid=_one(params, "iCalUID"),
        event_types=tuple(params.get("eventTypes", ())),
        order_by=order_by,
        **common,  # type: ignore[arg-type]
    )


def instances_query(params: dict[str, list[str]], calendar: Calendar) -> ListQuery:
    """Validate ``events.instances`` parameters."""
    time_min, time_max = _instant(params, "timeMin"), _instant(params, "timeMax")
    _check_window(time_min, time_max)
    return ListQuery(
        single_events=True,
        show_deleted=bool(_flag(params, "showDeleted")),
        tz=_tz(params, calendar),
        max_results=_max_results(params),
        time_min=time_min,
        time_max=time_max,
        original_start=_instant(params, "originalStart"),
    )
