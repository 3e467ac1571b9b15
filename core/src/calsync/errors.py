"""The exception tree of calsync.

Every error calsync raises on purpose derives from :class:`CalsyncError`::

    CalsyncError
    ├── ConfigError (ValueError)          a configuration file or value is wrong
    ├── InvalidItemError (ValueError)     a calendar item value is invalid (names the field)
    ├── PluginError                       a plugin is missing, duplicated or broken
    │   └── ProviderNotInstalled
    ├── StateError                        the state database cannot be used as it is
    └── ProviderError                     a provider call failed; carries an issue code
        ├── AuthError                     AUTH_FAILED: credentials refused or expired
        ├── ThrottledError                THROTTLED: the service asked us to slow down
        ├── ServiceUnavailableError       SERVICE_UNAVAILABLE: 5xx, timeouts, connection errors
        ├── InvalidReplyError             INVALID_SERVER_REPLY: the service answered garbage
        └── CursorExpiredError            the delta cursor is no longer valid; resync fully

Providers translate their SDK's exceptions into these at their boundary, so the engine never
sees an SDK type. Per-item refusals (a validation rule, field-level security, ...) are not
raised: they come back as :class:`calsync.providers.ItemFailure` in a write's results.
A service's hint of when to come back (``retry_after``) is read with
:func:`calsync.retry.parse_retry_after` and waited for as :mod:`calsync.retry` says; an
error page in a message is cut to one line with :func:`calsync.replies.summary`.
"""

from __future__ import annotations

from typing import ClassVar


class CalsyncError(Exception):
    """Root of every error calsync raises on purpose."""


class ConfigError(CalsyncError, ValueError):
    """The configuration is invalid; ``problems`` lists every error with its path."""

    def __init__(self, problems: list[str] | str, *, file: object = None) -> None:
        """Collect one or more problems, each already formatted as ``path: message``.

        :param file: the configuration file the problems are in, when there is one.
        """
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.file = file
        super().__init__("\n".join(self.problems))


class InvalidItemError(CalsyncError, ValueError):
    """A calendar item value is invalid.

    :param field: the dotted name of the offending field, e.g. ``"end"`` or ``"recurrence.rule"``.
    :param message: what is wrong with it.
    """

    def __init__(self, field: str, message: str) -> None:
        """Name the field and say what is wrong."""
        self.field = field
        super().__init__(f"{field}: {message}")


class PluginError(CalsyncError):
    """A plugin could not be found, loaded or registered."""


class ProviderNotInstalled(PluginError, LookupError):
    """The configuration names a provider no installed plugin provides."""


class StateError(CalsyncError):
    """The state database cannot be used (wrong schema version, unreachable, ...)."""


class ProviderError(CalsyncError):
    """A call to a provider failed as a whole.

    :param message: what happened, safe to show to a person (no secrets).
    :param source: ``"mailbox"`` or ``"crm"``; the engine fills it in when the provider does not.
    """

    #: The issue code recorded for this error (see :mod:`calsync.issues`).
    code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        """Describe the failure."""
        self.source = source
        super().__init__(message)


class AuthError(ProviderError):
    """Credentials were refused or have expired; the mailbox must be suspended."""

    code = "AUTH_FAILED"


class ThrottledError(ProviderError):
    """The service asked to slow down.

    :param retry_after: seconds the service asked us to wait, when it said.
    """

    code = "THROTTLED"

    def __init__(
        self, message: str, *, retry_after: float | None = None, source: str | None = None
    ) -> None:
        """Describe the throttling and keep the service's retry hint."""
        super().__init__(message, source=source)
        self.retry_after = retry_after


class ServiceUnavailableError(ProviderError):
    """The service failed (5xx), timed out or could not be reached; try again later.

    :param retry_after: seconds the service said it will be back in (a 503's
        ``Retry-After``), when it said; see :mod:`calsync.retry`.
    """

    code = "SERVICE_UNAVAILABLE"

    def __init__(
        self, message: str, *, retry_after: float | None = None, source: str | None = None
    ) -> None:
        """Describe the failure and keep the service's hint of when to come back."""
        super().__init__(message, source=source)
        self.retry_after = retry_after


class InvalidReplyError(ProviderError):
    """The service answered something that does not parse or makes no sense."""

    code = "INVALID_SERVER_REPLY"


class CursorExpiredError(ProviderError):
    """The stored delta cursor is no longer valid; the caller must pull everything again.

    The engine handles it by pulling in full; it never becomes an issue of its own.
    """
