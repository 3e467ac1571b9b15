"""What a provider declares about itself to the suite: its known gaps, with reasons."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import final

__all__ = ["SuiteConfig"]

_ID = re.compile(r"^EX-\d\d$")


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class SuiteConfig:
    """Per-provider settings of the conformance suite.

    ``known_gaps`` maps a case id to the reason the provider does not (yet) honour it. A gap
    runs as a strict expected failure: when the provider starts passing it, the build fails
    until the declaration is removed. A gap without a reason a user would accept is refused.
    """

    known_gaps: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Check every gap names a case id and gives a reason."""
        for case_id, reason in self.known_gaps.items():
            if not _ID.match(case_id):
                raise ValueError(f"known_gaps: {case_id!r} is not a case id like 'EX-07'")
            if len(reason.strip()) < 20:
                raise ValueError(
                    f"known_gaps[{case_id!r}]: say why, in a sentence a user would accept"
                )
        object.__setattr__(self, "known_gaps", MappingProxyType(dict(self.known_gaps)))
