"""What an issue code is: :class:`IssueDefinition`, its severity, disposition and source.

The codes themselves are in :mod:`calsync.issues.catalogue`; a recorded occurrence is an
:class:`~calsync.issues.recorded.Issue`.
"""

from __future__ import annotations

import enum
import re
import string
from dataclasses import dataclass
from typing import Final, final

__all__ = [
    "ADVICE_CONTEXT",
    "Disposition",
    "IssueDefinition",
    "Severity",
    "Source",
    "template_names",
]

_CODE = re.compile(r"^[A-Z][A-Z0-9_]{2,40}$")


class Severity(enum.StrEnum):
    """What an issue affects."""

    #: One item; the rest of the mailbox syncs.
    ITEM = "item"
    #: The whole mailbox.
    MAILBOX = "mailbox"


class Disposition(enum.StrEnum):
    """What the engine does when the issue occurs."""

    #: The item is not synced; the others go on. Tried again when the item changes.
    SKIP = "skip"
    #: Tried again on the next pass.
    RETRY = "retry"
    #: The mailbox's synchronisation stops until someone acts.
    SUSPEND = "suspend"
    #: The item synced; the issue only says how (nothing to retry, no error marker).
    INFO = "info"


class Source(enum.StrEnum):
    """Where the problem comes from."""

    MAILBOX = "mailbox"
    CRM = "crm"
    ENGINE = "engine"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class IssueDefinition:
    """One entry of the catalogue."""

    code: str
    #: A few words for tables and markers.
    title: str
    severity: Severity
    disposition: Disposition
    source: Source
    #: What happened; ``{placeholders}`` are filled from the issue's parameters.
    message: str
    #: What the person or admin can do about it; ``{placeholders}`` are filled from the
    #: message's parameters and ``{mailbox}`` (see :meth:`render_advice`).
    advice: str
    #: Whether a marker is shown on the mailbox item (when there is one to mark).
    marker: bool
    #: The ``EX-nn`` entries of ``docs/exceptions.md`` this code serves.
    exceptions: tuple[str, ...] = ()
    #: Whether someone has to act when it first appears (``calsync sync`` exits 1 for a new
    #: one). Not for what settles by itself or is how the policy is meant to work.
    needs_person: bool = True
    #: The advice when the issue is about the whole organisation (:data:`ORGANISATION`),
    #: e.g. a shared credential; the mailbox advice otherwise.
    organisation_advice: str = ""

    def __post_init__(self) -> None:
        """Refuse codes that are not stable identifiers."""
        if not _CODE.match(self.code):
            raise ValueError(f"issue code {self.code!r} must be UPPER_SNAKE_CASE")
        # Advice is rendered from what an issue keeps (its message and mailbox), so it may only
        # ask for what the message carries.
        unknown = (
            template_names(self.advice + self.organisation_advice)
            - self.placeholders
            - ADVICE_CONTEXT
        )
        if unknown:
            raise ValueError(f"advice of {self.code} names {sorted(unknown)}, not in its message")

    @property
    def placeholders(self) -> frozenset[str]:
        """The names the message template expects."""
        return template_names(self.message)

    def render(self, **params: object) -> str:
        """Fill the message template; a missing parameter shows as ``?`` rather than failing."""
        values = {name: params.get(name, "?") for name in self.placeholders}
        return self.message.format(**values)

    def render_advice(self, **params: object) -> str:
        """Fill the advice template; a missing parameter shows as ``?`` rather than failing."""
        return self.advice.format(
            **{name: params.get(name, "?") for name in template_names(self.advice)}
        )

    def parameters(self, message: str) -> dict[str, str]:
        """The parameters a message rendered from this template was filled with ({} if none fit)."""
        pattern, groups = "", set()
        fields = list(string.Formatter().parse(self.message))
        for index, (literal, name, _, _) in enumerate(fields):
            pattern += re.escape(literal)
            if not name:
                continue
            if name in groups:
                pattern += f"(?P={name})"
            else:
                lazy = "?" if index < len(fields) - 1 else ""
                pattern += f"(?P<{name}>.*{lazy})"
                groups.add(name)
        found = re.fullmatch(pattern, message, flags=re.DOTALL)
        return dict(found.groupdict()) if found else {}


#: Names advice may use beyond its message's: the issue's own mailbox.
ADVICE_CONTEXT: Final = frozenset({"mailbox"})


def template_names(template: str) -> frozenset[str]:
    """The ``{placeholders}`` a message or advice template names."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)
