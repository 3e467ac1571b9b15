"""``calsync new-provider``: a provider plugin's skeleton, written from templates.

The templates (``template/``, package data) are a whole plugin distribution: the
entry point, the hooks, a provider (mailbox or CRM) whose contract methods raise
:class:`NotImplementedError` naming the section of ``docs/writing-a-provider.md`` to
read, an emulator on :class:`calsync.emulation.Emulator`, a harness and the conformance
suite's test module.

``common/`` holds the files both roles write, with the role's names as placeholders;
``mailbox/`` and ``crm/`` the provider, emulator and harness of each; ``parts/`` the pieces
of those that are the same for both (module docstrings, the settings and error table,
reading by counterpart, the emulator's wire plumbing, the harness's faults and
credentials), each pasted as text where a template says ``${part_<file stem>}``: a written
plugin is whole in itself, with no base class of the scaffold's to learn. The templates
are filled with :class:`string.Template` (``${name}`` placeholders): the stdlib is enough
for a handful of names, and core gains no dependency.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template
from typing import Final, final

from calsync.providers import Role

__all__ = ["GUIDE", "Names", "write_plugin"]

#: Where the skeleton's messages send the author (sections are its headings' anchors).
GUIDE: Final = "docs/writing-a-provider.md"
_NAME: Final = re.compile(r"^[a-z][a-z0-9_]*$")
#: A path segment replaced by the package's name.
_PACKAGE_DIR: Final = "__package__"
_SUFFIX: Final = ".tmpl"
#: The folder of the files every skeleton has (the roles' own are named by the role).
_COMMON: Final = "common"
#: The folder of the pieces pasted into the roles' files.
_PARTS: Final = "parts"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Names:
    """The names a provider called ``name`` goes by."""

    #: The provider, plugin and entry-point name: ``caldav``.
    name: str
    #: The side of the sync the provider serves.
    role: Role = Role.MAILBOX

    def __post_init__(self) -> None:
        """Refuse a name that cannot be a provider, package and entry-point name at once."""
        if not _NAME.match(self.name) or keyword.iskeyword(self.name):
            raise ValueError(
                f"{self.name!r} cannot be a provider name: use lower-case letters, digits and "
                "underscores, starting with a letter (it is also the Python package's suffix)"
            )

    @property
    def package(self) -> str:
        """The import name: ``calsync_caldav``."""
        return f"calsync_{self.name}"

    @property
    def distribution(self) -> str:
        """The distribution (pip) name: ``calsync-caldav``."""
        return f"calsync-{self.name.replace('_', '-')}"

    @property
    def cls(self) -> str:
        """The prefix of the class names: ``Caldav`` (``my_cal``: ``MyCal``)."""
        return "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def provider_cls(self) -> str:
        """The provider class: ``CaldavMailbox``, ``HubspotCrm``."""
        return self.cls + ("Mailbox" if self.role is Role.MAILBOX else "Crm")

    def mapping(self) -> dict[str, str]:
        """The templates' placeholders and their values (the parts' excepted)."""
        mailbox = self.role is Role.MAILBOX
        return {
            "name": self.name,
            "package": self.package,
            "distribution": self.distribution,
            "cls": self.cls,
            "guide": GUIDE,
            "role": "mailbox" if mailbox else "CRM",
            "provider_cls": self.provider_cls,
            "description": f"{self.cls} calendars" if mailbox else f"{self.cls} CRM events",
            "conformance": "MailboxProviderConformance" if mailbox else "CrmProviderConformance",
            "provider_base": "MailboxProvider" if mailbox else "CrmProvider",
            "harness_base": "MailboxHarness" if mailbox else "CrmHarness",
        }


def write_plugin(name: str, directory: Path, role: Role = Role.MAILBOX) -> list[Path]:
    """Write the skeleton of the ``role`` plugin ``name`` into ``directory``; the files written.

    :raises ValueError: for a name that cannot be used, or a ``directory`` that exists and
        is not empty (nothing is overwritten).
    """
    names = Names(name=name, role=role)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ValueError(f"{directory} already exists and is not empty; choose another --dir")
    root = files("calsync.scaffold") / "template"
    values = names.mapping()
    values |= {
        f"part_{_stem(entry.name)}": _fill(entry, values).rstrip("\n")
        for _, entry in _templates(root / _PARTS, ())
    }
    written = []
    for relative, template in _role_templates(root, role):
        parts = [names.package if part == _PACKAGE_DIR else part for part in relative]
        target = directory.joinpath(*parts[:-1], parts[-1].removesuffix(_SUFFIX))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(template, values), encoding="utf-8")
        written.append(target)
    return sorted(written)


def _role_templates(root: Traversable, role: Role) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    """The files of every skeleton, then the role's own."""
    yield from _templates(root / _COMMON, ())
    yield from _templates(root / str(role), ())


def _fill(template: Traversable, values: dict[str, str]) -> str:
    return Template(template.read_text(encoding="utf-8")).substitute(values)


def _stem(file_name: str) -> str:
    """``harness_controls.py.tmpl`` -> ``harness_controls``."""
    return file_name.split(".", 1)[0]


def _templates(
    folder: Traversable, at: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _templates(entry, (*at, entry.name))
        elif entry.name.endswith(_SUFFIX):
            yield (*at, entry.name), entry
