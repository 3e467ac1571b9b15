"""The single-value extended properties calsync keeps on Microsoft 365 events.

They are the same MAPI named properties the ``exchange`` provider writes through EWS
(``DistinguishedPropertySetId="PublicStrings"``, ``PropertyName``, ``String``), addressed
in Graph's form ``"String {guid} Name <name>"`` with PS_PUBLIC_STRINGS' GUID
(https://learn.microsoft.com/en-us/graph/api/resources/extended-properties-overview), so a
mailbox synced over EWS keeps its cross-references when it moves to Graph:

* ``CalsyncCounterpart``: the counterpart's native id (the CRM event id);
* ``CalsyncRecurrenceRule``: the RRULE text calsync wrote to a series, reported while the
  pattern is still the one it maps to, so a round trip never looks like a change.

Graph matches the value of a ``$filter`` case-insensitively; 15-character Salesforce ids
differ by case only, so matches are filtered case-sensitively again.
"""

from __future__ import annotations

from typing import Final

__all__ = ["COUNTERPART", "PUBLIC_STRINGS", "RULE", "expand"]

#: MAPI's PS_PUBLIC_STRINGS property set ([MS-OXPROPS]).
PUBLIC_STRINGS: Final = "{00020329-0000-0000-C000-000000000046}"
COUNTERPART: Final = f"String {PUBLIC_STRINGS} Name CalsyncCounterpart"
RULE: Final = f"String {PUBLIC_STRINGS} Name CalsyncRecurrenceRule"


def expand() -> str:
    """The ``$expand`` that reads both properties with an event."""
    return f"singleValueExtendedProperties($filter=id eq '{COUNTERPART}' or id eq '{RULE}')"
