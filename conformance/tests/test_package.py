"""The conformance distribution installs on its own, next to core only."""

from __future__ import annotations

import importlib.metadata


def test_the_suite_depends_on_core_pytest_and_hypothesis_only() -> None:
    requires = importlib.metadata.requires("calsync-conformance") or []
    names = sorted(r.split(">")[0].split("=")[0].split(";")[0].strip() for r in requires)
    assert names == ["calsync", "hypothesis", "pytest"]
