"""Errors the emulator answers with, in the two shapes EWS uses.

:class:`EwsError` becomes one ``ResponseClass="Error"`` response message (the other items
of a batch still succeed); :class:`SoapFault` fails the whole request with an HTTP 500
SOAP fault, as schema violations, throttling and impersonation failures do in Exchange.
"""

from __future__ import annotations

#: Default message texts, as Exchange words them.
MESSAGES = {
    "ErrorItemNotFound": "The specified object was not found in the store.",
    "ErrorFolderNotFound": "The specified folder could not be found in the store.",
    "ErrorInvalidIdMalformed": "Id is malformed.",
    "ErrorIrresolvableConflict": (
        "The send or update operation could not be performed because the change key passed in "
        "the request does not match the current change key for the item."
    ),
    "ErrorChangeKeyRequiredForWriteOperations": (
        "When making a write request (UpdateItem) with ConflictResolution set to AutoResolve, "
        "a ChangeKey is required."
    ),
    "ErrorInvalidChangeKey": "The change key is invalid.",
    "ErrorInvalidSyncStateData": "Synchronization state data is corrupt or otherwise invalid.",
    "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange": (
        "Occurrence index is out of recurrence range."
    ),
    "ErrorCalendarOccurrenceIsDeletedFromRecurrence": (
        "Occurrence with this index was previously deleted from the recurrence."
    ),
    "ErrorCalendarEndDateIsEarlierThanStartDate": "EndDate is earlier than StartDate",
    "ErrorAccessDenied": "Access is denied. Check credentials and try again.",
    "ErrorInvalidPropertySet": "Set action is invalid for property.",
    "ErrorInvalidPropertyDelete": "Delete action is invalid for property.",
    "ErrorInvalidPropertyAppend": "Append action is invalid for property.",
    "ErrorUnsupportedPathForQuery": "The property isn't supported in restrictions.",
    "ErrorUnsupportedPathForSortGroup": "The property isn't supported for sorting.",
    "ErrorTimeZone": "The time zone isn't valid.",
    "ErrorCalendarViewRangeTooBig": (
        "The time window specified is larger than the maximum allowed (two years)."
    ),
    "ErrorInvalidRestriction": (
        "Restrictions and sort order may not be specified for a CalendarView."
    ),
    "ErrorNonExistentMailbox": "The SMTP address has no mailbox associated with it.",
    "ErrorCalendarCannotUseIdForRecurringMasterId": (
        "The Id specified isn't the ID of an occurrence or exception."
    ),
    "ErrorCalendarCannotUseIdForOccurrenceId": (
        "The Id specified isn't the ID of a recurring master."
    ),
    "ErrorInvalidValueForProperty": "The value is invalid for the property.",
    "ErrorItemSave": "The item couldn't be saved.",
    "ErrorCannotDeleteObject": "The object couldn't be deleted.",
    "ErrorItemCorrupt": "The item is corrupt.",
    "ErrorInvalidOperation": "The operation is invalid.",
}


class EwsError(Exception):
    """A per-message error: ``ResponseClass="Error"`` with ``code``.

    ``field_uri`` names the property at fault; it is returned in ``m:MessageXml`` like
    Exchange does for property errors.
    """

    def __init__(
        self, code: str, message: str | None = None, *, field_uri: str | None = None
    ) -> None:
        """Describe the error; ``message`` defaults to Exchange's wording for ``code``."""
        self.code = code
        self.message = message or MESSAGES.get(code, code)
        self.field_uri = field_uri
        super().__init__(f"{code}: {self.message}")


class SoapFault(Exception):
    """A request-level failure answered as an HTTP 500 SOAP fault.

    ``back_off_ms`` is sent as ``BackOffMilliseconds`` (``ErrorServerBusy``);
    ``violation`` as ``t:Violation`` (``ErrorSchemaValidation``).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        back_off_ms: int | None = None,
        violation: str | None = None,
    ) -> None:
        """Describe the fault."""
        self.code = code
        self.message = message
        self.back_off_ms = back_off_ms
        self.violation = violation
        super().__init__(f"{code}: {message}")


def schema_error(violation: str) -> SoapFault:
    """Return the fault a request that breaks the EWS schema gets."""
    return SoapFault(
        "ErrorSchemaValidation",
        "The request failed schema validation.",
        violation=violation,
    )
