"""Secrets in the configuration: only by reference, never by value.

A secret is written as ``{env = "EXCHANGE_PASSWORD"}`` or ``{file = "/run/secrets/sf.key"}``;
the value is read when a provider is built, never stored on the config object, never
printed, never logged and never written to state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import final

from calsync.errors import ConfigError

__all__ = ["Secret"]


@final
@dataclass(frozen=True, slots=True, kw_only=True)
class Secret:
    """A reference to a secret: an environment variable or a file."""

    env: str | None = None
    file: str | None = None

    def __post_init__(self) -> None:
        """Exactly one of ``env`` and ``file``."""
        if (self.env is None) == (self.file is None):
            raise ValueError('write a secret as {env = "NAME"} or {file = "PATH"}, exactly one')

    def __repr__(self) -> str:
        """Show the reference, never the value."""
        return f"Secret(env={self.env!r})" if self.env else f"Secret(file={self.file!r})"

    __str__ = __repr__

    @property
    def reference(self) -> str:
        """Where the secret is read from, for messages."""
        return f"environment variable {self.env}" if self.env else f"file {self.file}"

    def problem(self) -> str | None:
        """Why the secret cannot be read right now (``None`` when it can)."""
        if self.env is not None:
            return (
                None if os.environ.get(self.env) else f"environment variable {self.env} is not set"
            )
        path = Path(self.file or "")
        if not path.is_file():
            return f"secret file {path} does not exist"
        if not os.access(path, os.R_OK):
            return f"secret file {path} is not readable"
        return None

    def reveal(self) -> str:
        """Read the secret's value; raises :class:`ConfigError` naming the reference if it cannot."""
        problem = self.problem()
        if problem is not None:
            raise ConfigError(problem)
        if self.env is not None:
            return os.environ[self.env]
        return Path(self.file or "").read_text(encoding="utf-8").strip()
