"""Who is calling: the user a session belongs to, their profile and the API version used."""

from __future__ import annotations

from dataclasses import dataclass

from calsync_salesforce.emulator.settings import Profile

DEFAULT_API_VERSION = 59.0


@dataclass(frozen=True, slots=True)
class Caller:
    """The running user of one request.

    ``profile`` ``None`` means system mode: the seed API writes without field-level security
    or API-version limits (validation rules and Salesforce's own rules still apply).
    """

    user_id: str
    profile: Profile | None
    api_version: float = DEFAULT_API_VERSION

    @property
    def system(self) -> bool:
        """Whether field-level security is bypassed."""
        return self.profile is None
