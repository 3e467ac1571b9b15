"""Conversions between exchangelib's calendar items and the core model.

* :mod:`.incoming` — EWS to core (:func:`to_core`);
* :mod:`.outgoing` — core to EWS (:func:`to_ews`, :func:`ews_fieldnames`);
* :mod:`.recurrence` — EWS patterns and ranges <-> RRULEs;
* :mod:`.values` — sensitivity, free/busy and response enumerations.
"""

from __future__ import annotations

from calsync_exchange.conversions.incoming import PROVIDER, Reading, to_core
from calsync_exchange.conversions.outgoing import ews_fieldnames, to_ews
from calsync_exchange.conversions.recurrence import UnsupportedRule, from_rrule, to_rrule

__all__ = [
    "PROVIDER",
    "Reading",
    "UnsupportedRule",
    "ews_fieldnames",
    "from_rrule",
    "to_core",
    "to_ews",
    "to_rrule",
]
