"""Named pre-checks: the rules of the provider and harness contracts, checked one at a time.

The EX cases check what a person would notice after real passes; when a provider breaks a
contract rule they fail far from the cause (a moved occurrence that never syncs). The
pre-checks run first, each on one rule, and fail with a message naming the rule and the
section of ``docs/writing-a-provider.md`` that explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, NoReturn, final

from calsync.providers import Capability, Role

if TYPE_CHECKING:
    from calsync_conformance.scenario import Scenario

__all__ = ["GUIDE", "PRECHECKS", "PreCheck", "RuleBroken", "expect", "precheck", "prechecks_for"]

#: The guide every failure points into.
GUIDE: Final = "docs/writing-a-provider.md"

CheckFunction = Callable[["Scenario"], None]


class RuleBroken(AssertionError):
    """A pre-check found its rule broken; the message says how."""


def expect(condition: object, detail: str) -> None:
    """Fail the running pre-check with ``detail`` unless ``condition`` holds."""
    if not condition:
        raise RuleBroken(detail)


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class PreCheck:
    """One rule of the contracts, checked before the EX cases."""

    #: ``PRE-<name>``; also the test id and the row of the matrix.
    id: str
    #: The rule, in one sentence.
    rule: str
    #: The section of the guide that explains it (a GitHub heading anchor).
    anchor: str
    roles: frozenset[Role]
    run: CheckFunction
    #: What the provider under test must be able to do for the rule to apply at all.
    requires: frozenset[Capability] = field(default_factory=frozenset)

    @property
    def doc(self) -> str:
        """Where the rule is explained: ``docs/writing-a-provider.md#<anchor>``."""
        return f"{GUIDE}#{self.anchor}"

    def missing(self, role: Role, capabilities: frozenset[Capability]) -> frozenset[Capability]:
        """The capabilities the pre-check needs that a provider of ``role`` lacks."""
        return self.requires - capabilities if role in self.roles else frozenset()

    def check(self, scenario: Scenario) -> None:
        """Run the check; a broken rule (or a harness or provider that raises) fails it.

        :raises RuleBroken: with one line naming the pre-check, the rule, what was found
            and the guide's section.
        """
        try:
            self.run(scenario)
        except RuleBroken as exc:
            self.fail(str(exc))
        except Exception as exc:  # whatever the plugin raises is the finding
            self.fail(f"it raised {type(exc).__name__}: {exc}")

    def fail(self, detail: str) -> NoReturn:
        """Raise :class:`RuleBroken` with the pre-check's full message."""
        found = " ".join(detail.split())
        raise RuleBroken(f"{self.id}: {self.rule} — {found} (see {self.doc})") from None


#: Every pre-check, by id.
PRECHECKS: dict[str, PreCheck] = {}


def precheck(
    check_id: str,
    rule: str,
    *,
    anchor: str,
    roles: frozenset[Role],
    requires: set[Capability] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the pre-check ``check_id``."""

    def register(run: CheckFunction) -> CheckFunction:
        if check_id in PRECHECKS:
            raise ValueError(f"pre-check {check_id} is defined twice")
        PRECHECKS[check_id] = PreCheck(
            id=check_id,
            rule=rule,
            anchor=anchor,
            roles=roles,
            run=run,
            requires=frozenset(requires or ()),
        )
        return run

    return register


def prechecks_for(role: Role) -> list[PreCheck]:
    """The pre-checks that apply to providers of ``role``, in the order they run."""
    return [p for p in PRECHECKS.values() if role in p.roles]
