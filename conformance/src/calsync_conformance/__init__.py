"""The calsync conformance suite (a pytest plugin; see docs/writing-a-provider.md)."""
