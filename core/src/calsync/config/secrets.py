"""Secrets in the configuration: only by reference, never by value.

A secret is written as ``{env = "EXCHANGE_PASSWORD"}`` or ``{file = "/run/secrets/sf.key"}``
(a relative file path is relative to the configuration file's folder);
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
        """Why the secret cannot be read right now (``None`` when it can); never its value."""
        try:
            self.reveal()
        except ConfigError as exc:
            return str(exc)
        return None

    def reveal(self) -> str:
        """Read the secret's value; raises :class:`ConfigError` naming the reference if it cannot.

        An empty value is refused too: it is a setup mistake (an unexported variable, a file
        written by a failed job), never a credential.
        """
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise ConfigError(f"environment variable {self.env} is not set")
            if not value.strip():
                raise ConfigError(f"environment variable {self.env} is empty")
            return value
        path = Path(self.file or "")
        try:
            value = path.read_bytes().decode("utf-8").strip()
        except FileNotFoundError:
            raise ConfigError(f"secret file {path} does not exist") from None
        except IsADirectoryError:
            raise ConfigError(f"secret file {path} is a folder, not a file") from None
        except PermissionError:
            raise ConfigError(f"secret file {path} is not readable by this user") from None
        except OSError as exc:
            raise ConfigError(f"secret file {path} cannot be read: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"secret file {path} is not UTF-8 text") from None
        if not value:
            raise ConfigError(f"secret file {path} is empty")
        return value
