"""The Salesforce provider against every documented exception (calsync-conformance)."""

from calsync_conformance import CrmProviderConformance


class TestSalesforceConformance(CrmProviderConformance):
    provider = "salesforce"
