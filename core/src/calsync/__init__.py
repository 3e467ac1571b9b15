"""calsync: keep calendar items in step between mailboxes and a CRM."""

__version__ = "0.1.0"
