"""The conformance cases: one per documented exception (``EX-nn``) and role it applies to."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, final

from calsync.providers import Capability, Role

if TYPE_CHECKING:
    from calsync_conformance.scenario import Scenario

__all__ = ["BOTH", "CASES", "Case", "case", "cases_for"]

BOTH: Final = frozenset({Role.MAILBOX, Role.CRM})

CaseFunction = Callable[["Scenario"], None]
_ENTRY: Final = re.compile(r"EX-\d\d|[A-Z][A-Z_]+")


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One documented exception, checked for the providers of the roles it applies to."""

    #: The ``EX-nn`` id of ``docs/exceptions.md``; also the test id.
    id: str
    title: str
    roles: frozenset[Role]
    run: CaseFunction
    #: What the provider under test must be able to do, per role; lacking it, the case does
    #: not apply ("not applicable" in the matrix), never silently passes.
    requires: dict[Role, frozenset[Capability]] = field(default_factory=dict)

    @property
    def entry(self) -> str:
        """The documented entry the case checks: ``EX-01`` for ``EX-01`` and ``EX-01-trace``.

        A further aspect of an entry gets a case of its own, named ``<entry>-<aspect>``;
        calsync's own safety nets are named by their issue code (``MASS_DELETE_HELD-crm``).
        """
        found = _ENTRY.match(self.id)
        return found.group() if found else self.id

    def missing(self, role: Role, capabilities: frozenset[Capability]) -> frozenset[Capability]:
        """The capabilities the case needs that a provider of ``role`` lacks."""
        return self.requires.get(role, frozenset()) - capabilities


#: Every case, by id.
CASES: dict[str, Case] = {}


def case(
    case_id: str,
    title: str,
    *,
    roles: frozenset[Role] = BOTH,
    requires: dict[Role, set[Capability]] | set[Capability] | None = None,
) -> Callable[[CaseFunction], CaseFunction]:
    """Register the decorated function as the case ``case_id``.

    ``requires`` is either a set (for every role) or a set per role.
    """

    def register(run: CaseFunction) -> CaseFunction:
        if case_id in CASES:
            raise ValueError(f"case {case_id} is defined twice")
        needs = requires or {}
        per_role = (
            {role: frozenset(caps) for role, caps in needs.items()}
            if isinstance(needs, dict)
            else {role: frozenset(needs) for role in roles}
        )
        CASES[case_id] = Case(id=case_id, title=title, roles=roles, run=run, requires=per_role)
        return run

    return register


def cases_for(role: Role) -> list[Case]:
    """The cases that apply to providers of ``role``, in id order."""
    from calsync_conformance import cases  # noqa: F401 - registers every case

    return [c for _, c in sorted(CASES.items()) if role in c.roles]
