"""Sandbox worlds: named pairs of an in-memory CRM and mailbox service.

Providers configured with the same ``world`` share its services, as the mailboxes and the
CRM of one organisation do. Worlds live as long as the process.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from calsync.sandbox.crm import CrmService
from calsync.sandbox.mailbox import MailboxService

__all__ = ["Sandbox"]


class Sandbox:
    """One in-memory organisation: a CRM and a mailbox service."""

    _worlds: ClassVar[dict[str, Sandbox]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        """Create empty services."""
        self.crm = CrmService()
        self.mailboxes = MailboxService()

    @classmethod
    def named(cls, name: str) -> Sandbox:
        """The world called ``name``, created empty on first use."""
        with cls._lock:
            world = cls._worlds.get(name)
            if world is None:
                world = cls._worlds[name] = cls()
            return world

    @classmethod
    def forget(cls, name: str) -> None:
        """Drop the world ``name`` (tests start from scratch with it)."""
        with cls._lock:
            cls._worlds.pop(name, None)
