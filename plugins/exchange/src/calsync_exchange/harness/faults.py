"""Fault injection for the conformance suite, which names provider calls, not EWS operations.

The suite arms faults on endpoints such as ``"pull"`` or ``"write"`` (the sandbox's names);
an EWS provider call is several SOAP operations. :class:`AliasedFaults` sits between the
provider's transport and the emulator: a fault armed on an alias is moved onto the first
request of one of the alias's operations, which the emulator then answers in its own wire
shape (a SOAP fault, an HTTP 401, a truncated body...). Faults armed on an EWS operation
name (``"SyncFolderItems"``) or on no endpoint go to the emulator unchanged.

The aliases name the operation that starts each provider call: ``pull`` SyncFolderItems,
``fetch`` GetItem, ``find`` FindItem, ``write`` the first CreateItem, UpdateItem or
DeleteItem (so a partial failure fails one write of the batch), ``markers`` UpdateItem.
"""

from __future__ import annotations

import dataclasses
from typing import Final

from calsync.emulation import Fault, FaultPlan, HttpRequest, HttpResponse
from calsync_exchange.emulator import EwsEmulator

__all__ = ["ALIASES", "AliasedFaults"]

#: Provider-call names -> the EWS operations a fault armed on them may hit.
ALIASES: Final[dict[str, frozenset[str]]] = {
    "pull": frozenset({"SyncFolderItems"}),
    "fetch": frozenset({"GetItem"}),
    "find": frozenset({"FindItem"}),
    "write": frozenset({"CreateItem", "UpdateItem", "DeleteItem"}),
    "markers": frozenset({"UpdateItem"}),
}


class AliasedFaults:
    """The emulator as the provider's transport sees it, with faults armed on aliases."""

    def __init__(self, emulator: EwsEmulator) -> None:
        """Route requests to ``emulator``."""
        self.emulator = emulator
        self.plan = FaultPlan()

    def arm(self, fault: Fault) -> None:
        """Arm ``fault`` on an alias, or on the emulator when it names no alias."""
        if fault.endpoint in ALIASES:
            self.plan.arm(fault)
        else:
            self.emulator.faults.arm(fault)

    def clear(self) -> None:
        """Disarm every fault, here and on the emulator."""
        self.plan.clear()
        self.emulator.faults.clear()

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer a request, first moving an alias fault onto it if one matches."""
        operation = self.emulator.endpoint_of(request)
        for alias, operations in ALIASES.items():
            if operation in operations:
                fault = self.plan.take(alias)
                if fault is not None:
                    self.emulator.faults.arm(
                        dataclasses.replace(fault, endpoint=operation, times=1)
                    )
                    break
        return self.emulator.handle(request)
