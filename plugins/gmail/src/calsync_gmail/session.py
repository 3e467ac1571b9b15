"""What every operation on one mailbox shares: the client, the calendar and how to read events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from calsync.errors import InvalidReplyError
from calsync.model import CalendarItem, Moment
from calsync_gmail.client import GoogleClient
from calsync_gmail.convert import Reading, event_to_item
from calsync_gmail.errors import SIDE
from calsync_gmail.moments import canonical_zone
from calsync_gmail.settings import GmailSettings

__all__ = ["PROVIDER", "Session", "check_event"]

PROVIDER: Final = "gmail"


def check_event(event: Any, what: str) -> dict[str, Any]:
    """Return ``event`` if it looks like an Event resource (an object with an id)."""
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event["id"]:
        raise InvalidReplyError(f"Google's {what} returned an event without an id", source=SIDE)
    return event


class Session:
    """One mailbox's calendar on Google: its client, id, zone, and event conversion."""

    def __init__(self, client: GoogleClient, settings: GmailSettings, address: str) -> None:
        """Serve the calendar ``settings.calendar_id`` of ``address``."""
        self.client = client
        self.settings = settings
        self.address = address.lower()
        self._calendar: tuple[str, str] | None = None
        self._events: Any = None

    @property
    def calendar_id(self) -> str:
        """The configured calendar id (``"primary"`` by default), as sent in requests."""
        return self.settings.calendar_id

    def _load_calendar(self) -> tuple[str, str]:
        # One calendars.get per provider: the calendar's zone hardly ever changes, and
        # timed values without a zone of their own are shown in it.
        if self._calendar is None:
            found = self.client.call(
                self.client.calendar.calendars().get(calendarId=self.calendar_id),
                "calendars.get",
                "id",
            )
            zone = canonical_zone(found.get("timeZone")) or "UTC"
            self._calendar = (str(found["id"]).lower(), zone)
        return self._calendar

    @property
    def zone(self) -> str:
        """The calendar's time zone (IANA)."""
        return self._load_calendar()[1]

    @property
    def reading(self) -> Reading:
        """How events of this calendar are converted."""
        calendar, zone = self._load_calendar()
        return Reading(
            provider=PROVIDER,
            owner=self.address,
            calendar_zone=zone,
            self_addresses=frozenset({self.address, calendar}),
        )

    def events(self) -> Any:
        """The ``events()`` collection of the Calendar service (built once: it is not free)."""
        if self._events is None:
            self._events = self.client.calendar.events()
        return self._events

    def item(self, event: dict[str, Any], cancelled: Iterable[Moment] = ()) -> CalendarItem:
        """Convert a live event; an event Google should never send is a garbage reply."""
        try:
            return event_to_item(event, self.reading, cancelled)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidReplyError(
                f"Google sent an event calsync cannot read ({event.get('id')}): {error}",
                source=SIDE,
            ) from None
