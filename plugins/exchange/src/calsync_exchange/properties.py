"""The extended properties calsync keeps on Exchange calendar items.

* ``CalsyncCounterpart`` (PublicStrings, String): the counterpart's native id (the CRM
  event id), the cross-reference that lets a lost state be rebuilt and a replayed write
  adopt what it created. Exchange compares restriction values case-insensitively, so
  :func:`find_by_counterpart <calsync_exchange.provider.ExchangeMailbox.find_by_counterpart>`
  filters the server's answer case-sensitively again (15-character Salesforce ids differ by
  case only).
* ``CalsyncRecurrenceRule`` (PublicStrings, String): the RRULE text calsync wrote to a series.
  EWS stores a pattern, not a rule; while the pattern is still the one that text maps to,
  the series reports the text as it was written, so a round trip never looks like a change.

exchangelib registers extended properties on the item class, process-wide: :func:`register`
does it once.
"""

from __future__ import annotations

import threading
from typing import Final

from exchangelib import CalendarItem, ExtendedProperty
from exchangelib.fields import InvalidField

__all__ = ["COUNTERPART", "RULE", "CounterpartProperty", "RuleProperty", "register"]

#: The attribute names the properties are registered under on ``CalendarItem``.
COUNTERPART: Final = "calsync_counterpart"
RULE: Final = "calsync_recurrence_rule"


class CounterpartProperty(ExtendedProperty):
    """The counterpart's native id."""

    distinguished_property_set_id = "PublicStrings"
    property_name = "CalsyncCounterpart"
    property_type = "String"


class RuleProperty(ExtendedProperty):
    """The RRULE text calsync wrote to a series master."""

    distinguished_property_set_id = "PublicStrings"
    property_name = "CalsyncRecurrenceRule"
    property_type = "String"


_lock = threading.Lock()


def register() -> None:
    """Register both properties on ``CalendarItem`` unless they already are."""
    with _lock:
        for name, cls in ((COUNTERPART, CounterpartProperty), (RULE, RuleProperty)):
            try:
                CalendarItem.get_field_by_fieldname(name)
            except InvalidField:
                CalendarItem.register(name, cls)
