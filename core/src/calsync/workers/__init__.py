"""Passes on Celery workers: ``calsync[workers]`` (``calsync worker``, ``scheduler``, ``health``).

Celery on a Redis broker (RabbitMQ works the same) runs the rounds: the scheduler plans one
every few minutes, the round task reads the organisation once and enqueues one pass per
mailbox, and any number of worker processes on any number of hosts run the passes, each
with a pool of threads (a pass mostly waits for the services). The state database,
PostgreSQL for more than one host, is shared; its leases keep a mailbox to one pass at a
time. See docs/operating-at-scale.md.

Nothing else in calsync imports this package: without the extra, calsync runs as before.
"""
