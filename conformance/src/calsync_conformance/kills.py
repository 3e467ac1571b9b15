"""Faults and killed passes the property machine throws at a sync.

A killed pass is a process that died mid-pass: the provider call did its work, then the
process stopped before calsync stored what it learnt. The next process must carry on.
"""

from __future__ import annotations

from typing import Any, Final

from calsync.emulation import FaultKind

__all__ = ["FAULTS", "KILLS", "KillOnce", "Killed"]

#: Faults a pass meets at random (an expired cursor is a step of its own).
FAULTS: Final = [
    FaultKind.THROTTLE,
    FaultKind.AUTH_EXPIRED,
    FaultKind.SERVER_ERROR,
    FaultKind.TIMEOUT,
    FaultKind.MALFORMED,
    FaultKind.PARTIAL_FAILURE,
]

#: How a pass after a reset ends: not at all (the invariants' passes run it), or killed
#: (which side, and in which call).
KILLS: Final[list[tuple[bool, str] | None]] = [
    None,
    (True, "write"),
    (True, "pull"),
    (False, "write"),
    (False, "pull"),
    (False, "set_markers"),
]


class Killed(BaseException):
    """The process died mid-pass."""


class KillOnce:
    """Proxies a provider; its ``method`` dies once, after doing its work."""

    def __init__(self, target: Any, method: str) -> None:
        self.target, self.method, self.armed = target, method, True

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.target, name)
        if name != self.method:
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            if self.armed:
                self.armed = False
                raise Killed(name)
            return result

        return call
