"""In-memory reference providers."""
