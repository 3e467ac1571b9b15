"""A stateful emulator of Exchange Web Services that unmodified exchangelib talks to.

* :class:`EwsEmulator` - the emulator (a :class:`calsync.emulation.Emulator`), with its seed
  and read API (``add_mailbox``, ``seed_item``, ``item``, ``master_categories``...).
* :func:`in_process_account` / :func:`server_account` - exchangelib accounts bound to it.
* The values of the seed API: :class:`Recurrence` and its patterns, :class:`Attendee`,
  :class:`Person`, :class:`Body`, :class:`CustomTimeZone`, :class:`ExtendedKey`...
"""

from __future__ import annotations

from calsync_exchange.emulator.client import build_account, in_process_account, server_account
from calsync_exchange.emulator.emulator import EwsEmulator
from calsync_exchange.emulator.reading import extended_key
from calsync_exchange.emulator.soap import ServerBuild
from calsync_exchange.emulator.values import (
    AbsoluteMonthlyPattern,
    AbsoluteYearlyPattern,
    Attendee,
    Body,
    CustomTimeZone,
    DailyPattern,
    ExtendedKey,
    MeetingMessage,
    Person,
    Recurrence,
    RelativeMonthlyPattern,
    RelativeYearlyPattern,
    TransitionRule,
    WeeklyPattern,
    WindowsTimeZone,
)

__all__ = [
    "AbsoluteMonthlyPattern",
    "AbsoluteYearlyPattern",
    "Attendee",
    "Body",
    "CustomTimeZone",
    "DailyPattern",
    "EwsEmulator",
    "ExtendedKey",
    "MeetingMessage",
    "Person",
    "Recurrence",
    "RelativeMonthlyPattern",
    "RelativeYearlyPattern",
    "ServerBuild",
    "TransitionRule",
    "WeeklyPattern",
    "WindowsTimeZone",
    "build_account",
    "extended_key",
    "in_process_account",
    "server_account",
]
