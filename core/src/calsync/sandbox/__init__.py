"""The built-in sandbox: in-memory reference providers for both roles.

They implement the provider contract honestly over in-memory services (see
:mod:`calsync.sandbox.mailbox` and :mod:`calsync.sandbox.crm`), pass the whole conformance
suite, and are what the engine's own tests and property tests run on. They register
through core's own ``calsync`` entry point, exactly as external plugins do.
"""
