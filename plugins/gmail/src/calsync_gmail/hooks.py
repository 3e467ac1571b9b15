"""calsync hook implementations of the gmail plugin.

Registered through the ``calsync`` entry-point group. It registers nothing it does not
implement yet.
"""
