"""The Google provider against every documented exception (calsync-conformance)."""

from calsync_conformance import MailboxProviderConformance


class TestGmailConformance(MailboxProviderConformance):
    provider = "gmail"
