"""The CRM providers a worker's threads share: one while calls take turns, more when they queue."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("prometheus_client", reason="calsync[workers] is installed by `make setup`")

from calsync.workers.providers import SharedCrm


class _Provider:
    """Stands in for a CRM provider: counts how often it learns the org, holds calls on demand."""

    name = "stand-in"

    def __init__(self, hold: threading.Barrier | None = None) -> None:
        self.hold, self.described, self.closed, self.calls = hold, 0, False, 0

    def features(self) -> str:
        self.described += 1
        return "features"

    def pull(self) -> int:
        if self.hold is not None:
            self.hold.wait()  # every caller inside a call at once
        self.calls += 1
        return self.calls

    def api_usage(self) -> tuple[int, int]:
        return (self.calls, 100)

    def close(self) -> None:
        self.closed = True


def test_calls_that_take_turns_use_one_provider() -> None:
    built: list[_Provider] = []

    def build() -> _Provider:
        built.append(_Provider())
        return built[-1]

    crm = SharedCrm(build, "stand-in")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: crm.pull(), range(40)))

    assert crm.opened == len(built) == 1
    assert crm.features() == "features" and built[0].described == 1
    assert crm.api_usage() == (40, 100)
    assert crm.name == "stand-in"  # an attribute, not a call
    crm.close()
    assert built[0].closed


def test_calls_that_queue_open_more_providers_and_run_side_by_side() -> None:
    together = threading.Barrier(4, timeout=30)
    built: list[_Provider] = []
    lock = threading.Lock()

    def build() -> _Provider:
        with lock:
            built.append(_Provider(together))
            return built[-1]

    crm = SharedCrm(build, "stand-in", busy_limit=0.05)

    # Each call returns only once four calls are under way: one provider, taking turns,
    # would never get there (the barrier would break).
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: crm.pull(), range(4))) == [1, 1, 1, 1]

    assert crm.opened == 4
    crm.close()
    assert all(provider.closed for provider in built)
