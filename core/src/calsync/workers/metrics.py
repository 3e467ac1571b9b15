"""The workers' Prometheus metrics (prometheus-client, what the field scrapes).

Each worker process serves its own registry on ``--metrics-port``; Prometheus adds the
``instance`` label, so every figure here is per process and sums across the fleet.
"""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from calsync.providers import ApiUsage

__all__ = [
    "API_ALLOWANCE",
    "API_CALLS",
    "API_USED",
    "ISSUES",
    "PASSES",
    "PASS_SECONDS",
    "QUEUE_DEPTH",
    "ROUND_LAG",
    "record_api_usage",
    "serve_metrics",
]

PASSES: Final = Counter(
    "calsync_passes",
    "Mailbox passes a worker ran, by outcome (ok, issues, failed, suspended, disabled, busy).",
    ["outcome"],
)
ISSUES: Final = Counter(
    "calsync_pass_issues",
    "Issues open after a pass, by code: one count per pass and code.",
    ["code"],
)
API_CALLS: Final = Counter(
    "calsync_api_calls",
    "Provider calls the passes made, by service (the provider) and endpoint (its operation).",
    ["service", "endpoint"],
)
API_USED: Final = Gauge(
    "calsync_api_budget_used",
    "Calls of the CRM's daily API allowance used, org-wide, as its latest answer to this "
    "worker said (Salesforce: Sforce-Limit-Info); divide by calsync_api_budget_allowance.",
    ["service"],
)
API_ALLOWANCE: Final = Gauge(
    "calsync_api_budget_allowance",
    "The CRM's daily API allowance (calls a day), as its latest answer to this worker said.",
    ["service"],
)
PASS_SECONDS: Final = Histogram(
    "calsync_pass_duration_seconds",
    "Wall time of one mailbox pass.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
)
ROUND_LAG: Final = Gauge(
    "calsync_round_lag_seconds",
    "Seconds since each mailbox last synced without failing, as the latest round saw it.",
    ["mailbox"],
)
QUEUE_DEPTH: Final = Gauge(
    "calsync_queue_depth",
    "Pass tasks waiting in the broker's queue (asked of the broker at each scrape).",
)


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Serve ``/metrics`` on ``host:port`` in a daemon thread (``port`` 0: not at all)."""
    if port:
        start_http_server(port, addr=host)


def record_api_usage(service: str, usage: ApiUsage | None) -> None:
    """Keep the CRM's latest word on its daily API allowance (``None``: it says nothing)."""
    if usage is not None:
        API_USED.labels(service=service).set(usage.used)
        API_ALLOWANCE.labels(service=service).set(usage.allowed)
