"""The provider contract: what the engine needs from a mailbox and from a CRM.

A provider is bound to one account on one service: a :class:`MailboxProvider` to one
person's calendar, a :class:`CrmProvider` to one CRM org. Every call is batched — the
engine hands over all the writes of a pass at once and the provider uses the service's
batch API (EWS multi-item calls, Google batch requests, Salesforce sObject Collections of
200) — and returns per-item results, so one refused item never fails the others.

Errors that fail a whole call are raised as :class:`calsync.errors.ProviderError`
subclasses, translated at the provider's boundary. Per-item refusals come back as
:class:`ItemFailure` carrying an issue code.

What a provider can do is declared as :class:`Capability` flags; the engine and the
conformance suite gate on them, never on provider names.

Beyond the types, the engine relies on these rules (``docs/writing-a-provider.md`` says
each at length, under the same headings; the conformance suite checks them and names the
section when one fails):

Change tokens
    :attr:`ItemRef.change_token <calsync.model.ItemRef.change_token>` changes on every
    change of an item (markers included). In a mailbox no two items share one — a series
    master and its exceptions neither: an exception sharing its master's token never
    syncs. A CRM record's token is compared only with the token remembered for that same
    record, so records may share one (Salesforce's ``SystemModstamp``, the same for every
    record saved in one transaction). The token a write or
    :meth:`MailboxProvider.set_markers` returns is the token the next pull reports for the
    item. Equal tokens mean "unchanged". The pre-check ``PRE-tokens`` checks that every
    item listed has a token, that a changed item's token changes, and, in a mailbox, that
    no two items listed share one.
Item order
    :meth:`Provider.write` returns one result per write, in order; the order of
    :attr:`Delta.changed` does not matter.
Occurrences
    An occurrence is identified by (series id, original start). A changed one is an
    exception with its own id and token; a deleted one is an exclusion on its master,
    and the master is in that delta. A write without a target addresses the occurrence
    its item names (:class:`Write`). An exception never reports its master's counterpart id.
Cursors and expiry
    ``pull(None)`` lists everything in scope (``full``); a cursor covers every change made
    after its listing began; a cursor the service refuses raises
    :class:`~calsync.errors.CursorExpiredError`.
Markers on read-back
    What :meth:`MailboxProvider.set_markers` adds is never part of an item read back:
    marker labels are not in ``categories``, marker text is not in ``body``.
"""

from __future__ import annotations

from calsync.providers.base import Provider
from calsync.providers.crm import CrmFeatures, CrmProvider, PersonKind, PersonMatch
from calsync.providers.mailbox import MailboxProvider
from calsync.providers.values import (
    SYNCED_FIELDS,
    ApiUsage,
    Capability,
    Delta,
    GroupKind,
    ItemFailure,
    OwnersDelta,
    ProviderContext,
    Removal,
    Role,
    UserGroup,
    Write,
    WriteResult,
)

__all__ = [
    "SYNCED_FIELDS",
    "ApiUsage",
    "Capability",
    "CrmFeatures",
    "CrmProvider",
    "Delta",
    "GroupKind",
    "ItemFailure",
    "MailboxProvider",
    "OwnersDelta",
    "PersonKind",
    "PersonMatch",
    "Provider",
    "ProviderContext",
    "Removal",
    "Role",
    "UserGroup",
    "Write",
    "WriteResult",
]
