"""``calsync new-provider``: a provider plugin's skeleton, written from templates.

The templates (``template/``, package data) are a whole plugin distribution: the
entry point, the hooks, a mailbox provider whose contract methods raise
:class:`NotImplementedError` naming the section of ``docs/writing-a-provider.md`` to
read, an emulator on :class:`calsync.emulation.Emulator`, a harness and the conformance
suite's test module. They are filled with :class:`string.Template` (``${name}``
placeholders): the stdlib is enough for a handful of names, and core gains no dependency.
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

__all__ = ["GUIDE", "Names", "write_plugin"]

#: Where the skeleton's messages send the author (sections are its headings' anchors).
GUIDE: Final = "docs/writing-a-provider.md"
_NAME: Final = re.compile(r"^[a-z][a-z0-9_]*$")
#: A path segment replaced by the package's name.
_PACKAGE_DIR: Final = "__package__"
_SUFFIX: Final = ".tmpl"


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Names:
    """The names a provider called ``name`` goes by."""

    #: The provider, plugin and entry-point name: ``caldav``.
    name: str

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

    def mapping(self) -> dict[str, str]:
        """The templates' placeholders and their values."""
        return {
            "name": self.name,
            "package": self.package,
            "distribution": self.distribution,
            "cls": self.cls,
            "guide": GUIDE,
        }


def write_plugin(name: str, directory: Path) -> list[Path]:
    """Write the skeleton of the plugin ``name`` into ``directory``; return the files written.

    :raises ValueError: for a name that cannot be used, or a ``directory`` that exists and
        is not empty (nothing is overwritten).
    """
    names = Names(name=name)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ValueError(f"{directory} already exists and is not empty; choose another --dir")
    values = names.mapping()
    written = []
    for relative, template in _templates(files("calsync.scaffold") / "template", ()):
        parts = [names.package if part == _PACKAGE_DIR else part for part in relative]
        target = directory.joinpath(*parts[:-1], parts[-1].removesuffix(_SUFFIX))
        target.parent.mkdir(parents=True, exist_ok=True)
        text = Template(template.read_text(encoding="utf-8")).substitute(values)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return sorted(written)


def _templates(
    folder: Traversable, at: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _templates(entry, (*at, entry.name))
        elif entry.name.endswith(_SUFFIX):
            yield (*at, entry.name), entry
