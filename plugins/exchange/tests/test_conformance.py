"""The Exchange provider against every documented exception (calsync-conformance)."""

from calsync_conformance import MailboxProviderConformance


class TestExchangeConformance(MailboxProviderConformance):
    provider = "exchange"
