"""Hook implementations of the built-in sandbox providers."""
