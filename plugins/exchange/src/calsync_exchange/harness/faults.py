"""Fault injection for the conformance suite, which names provider calls, not EWS operations.

The suite arms faults on endpoints such as ``"pull"`` or ``"write"`` (the sandbox's names);
an EWS provider call is several SOAP operations. The harness gives the emulator these names
as :attr:`~calsync.emulation.Emulator.fault_aliases`: a fault armed on one hits the first
request of one of its operations, which the emulator answers in its own wire shape (a SOAP
fault, an HTTP 401, a truncated body...). Faults armed on an EWS operation name
(``"SyncFolderItems"``) or on no endpoint work as on any emulator.

The aliases name the operation that starts each provider call: ``pull`` SyncFolderItems,
``fetch`` GetItem, ``find`` FindItem, ``write`` the first CreateItem, UpdateItem or
DeleteItem (so a partial failure fails one write of the batch), ``markers`` UpdateItem.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ALIASES"]

#: Provider-call names -> the EWS operations a fault armed on them may hit.
ALIASES: Final[dict[str, frozenset[str]]] = {
    "pull": frozenset({"SyncFolderItems"}),
    "fetch": frozenset({"GetItem"}),
    "find": frozenset({"FindItem"}),
    "write": frozenset({"CreateItem", "UpdateItem", "DeleteItem"}),
    "markers": frozenset({"UpdateItem"}),
}
