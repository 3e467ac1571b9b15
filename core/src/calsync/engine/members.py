"""Who a round syncs: the configured ``[[mailboxes]]`` and the users of a CRM group.

A configuration may say "every user of permission set X" (or profile Y) instead of listing
2,000 mailboxes (``[mailbox_defaults] permission_set = "Calendar_Sync"``). :class:`Roster`
asks the CRM who they are (:meth:`~calsync.providers.CrmProvider.active_users` with the
group: one query) and gives each a mailbox of the defaults, named after its address; a
``[[mailboxes]]`` entry with the same address overrides it. The answer is reused for
:data:`~calsync.engine.org_round.FACTS_LIFETIME`, like the organisation's other facts, so
an admin's change to the group shows within the hour.

A user taken out of the group is simply no longer in the round: nothing of theirs is
deleted, their state (links, cursors, issues) stays, and if they come back their mailbox
continues where it stopped. When the CRM cannot answer, the round keeps the last answer it
had (or, with none, syncs the listed mailboxes); when it refuses the credentials, the round
is told (:attr:`Roster.refused`) and the organisation waits as for any refusal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from calsync.config import MAX_NAME_LENGTH, Config, MailboxConfig
from calsync.engine.org_round import FACTS_LIFETIME
from calsync.errors import AuthError, ConfigError, ProviderError
from calsync.providers import CrmProvider

__all__ = ["Roster"]

logger = logging.getLogger("calsync.engine")


class Roster:
    """The mailboxes of a configuration, with its CRM group's members resolved once per round.

    :param crm: the CRM provider (built on first need).
    """

    def __init__(
        self, config: Config, *, crm: Callable[[], CrmProvider], clock: Callable[[], datetime]
    ) -> None:
        """Serve ``config``."""
        self.config, self._crm, self._clock = config, crm, clock
        #: The members found and when (reused for FACTS_LIFETIME).
        self._members: tuple[datetime, tuple[MailboxConfig, ...]] | None = None
        #: Why the CRM refused to name the group's members at the last try ("" if it did not).
        self.refused = ""
        #: Why the CRM did not name them at the last try, refused or not ("" if it did).
        self.unresolved = ""

    def mailboxes(self) -> tuple[MailboxConfig, ...]:
        """The listed mailboxes, then the group's members that no entry lists."""
        listed = {m.address for m in self.config.mailboxes}
        return self.config.mailboxes + tuple(m for m in self._found() if m.address not in listed)

    def named(self, name: str) -> MailboxConfig:
        """The mailbox called ``name`` (a member's name is its address).

        :raises ConfigError: naming the choices, when there is no such mailbox.
        """
        if self.config.members is None or any(m.name == name for m in self.config.mailboxes):
            return self.config.mailbox(name)
        # A member is named after its address, which is written in lower case.
        address = name.strip().lower()
        found = next((m for m in self.mailboxes() if m.name in (name, address)), None)
        if found is None and self.unresolved and "@" in name:
            # The CRM did not say who is in the group: the pass runs and finds out, as the
            # round does (a refused credential makes the organisation wait, not exit 2).
            return self.config.members.mailbox(address)
        if found is None:
            why = f" (the CRM did not say who is: {self.unresolved})" if self.unresolved else ""
            raise ConfigError(
                f"--mailbox: no mailbox named {name!r}: not listed in [[mailboxes]] and not a "
                f"user of {self.config.members.group}{why}"
            )
        return found

    def _found(self) -> tuple[MailboxConfig, ...]:
        members = self.config.members
        if members is None:
            return ()
        now = self._clock()
        if self._members is not None and now - self._members[0] < FACTS_LIFETIME:
            return self._members[1]
        try:
            users = self._crm().active_users(members.group)
        except AuthError as exc:
            self.refused = str(exc)
            self.unresolved = f"it refused calsync's credentials: {exc}"
            return self._members[1] if self._members else ()
        except ProviderError as exc:
            self.unresolved = f"it could not answer: {exc}"
            logger.warning(
                "the CRM could not name the users of %s (%s); syncing the %s",
                members.group,
                exc,
                "users it named last" if self._members else "listed mailboxes only",
            )
            return self._members[1] if self._members else ()
        self.refused = self.unresolved = ""
        if users is None:
            raise ConfigError(
                [f"mailbox_defaults.{members.group.kind}: the CRM cannot list its users by group"]
            )
        too_long = sorted(a for a in users if len(a) > MAX_NAME_LENGTH)
        if too_long:
            logger.warning("not synced, addresses too long for a mailbox name: %s", too_long)
        found = tuple(members.mailbox(a) for a in sorted(users) if len(a) <= MAX_NAME_LENGTH)
        logger.info("%s: %d user(s)", members.group, len(found))
        self._members = (now, found)
        return found
