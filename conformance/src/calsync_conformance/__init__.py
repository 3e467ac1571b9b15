"""The calsync conformance suite: every documented sync exception, checked for every provider.

A provider author enables the pytest plugin and subclasses one base class::

    # conftest.py (the root one)
    pytest_plugins = ["calsync_conformance.plugin"]

    # test_conformance.py
    from calsync_conformance import MailboxProviderConformance

    class TestMyProviderConformance(MailboxProviderConformance):
        provider = "myprovider"

See ``docs/writing-a-provider.md``.
"""

import pytest

# Assertions in the cases must be rewritten for readable failures; register before importing.
pytest.register_assert_rewrite("calsync_conformance.cases", "calsync_conformance.scenario")

from calsync_conformance.base import (  # noqa: E402
    CrmProviderConformance,
    MailboxProviderConformance,
    ProviderConformance,
)
from calsync_conformance.config import SuiteConfig  # noqa: E402
from calsync_conformance.registry import CASES, Case, cases_for  # noqa: E402

__all__ = [
    "CASES",
    "Case",
    "CrmProviderConformance",
    "MailboxProviderConformance",
    "ProviderConformance",
    "SuiteConfig",
    "cases_for",
]
