"""The built-in sandbox providers pass the whole suite."""

from calsync_conformance import CrmProviderConformance, MailboxProviderConformance


class TestSandboxMailboxConformance(MailboxProviderConformance):
    provider = "sandbox"


class TestSandboxCrmConformance(CrmProviderConformance):
    provider = "sandbox"
