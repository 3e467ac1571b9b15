"""The Graph provider against every documented exception (calsync-conformance)."""

from calsync_conformance import MailboxProviderConformance


class TestGraphConformance(MailboxProviderConformance):
    provider = "graph"
