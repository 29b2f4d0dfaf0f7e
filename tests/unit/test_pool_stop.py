"""The preparation pool stops within a bound: ``Pool.terminate`` waits for good when a worker
died idle, holding the task queue's lock (one way an `ingest` could hang after Redis died)."""

import multiprocessing
import threading
import time

from dedup.prepool import _stop


def _pool_with_dead_workers() -> multiprocessing.pool.Pool:
    pool = multiprocessing.get_context("fork").Pool(2)
    assert pool.map(abs, [-1, -2]) == [1, 2]
    time.sleep(0.2)  # both idle: one waits for a task holding the queue's lock
    for proc in list(pool._pool):  # type: ignore[attr-defined]
        proc.kill()
    time.sleep(0.2)
    return pool


def test_terminate_alone_never_returns() -> None:
    """What the bound is for: this must keep failing while Pool.terminate hangs."""
    stuck = threading.Thread(target=_pool_with_dead_workers().terminate, daemon=True)
    stuck.start()
    stuck.join(3)
    assert stuck.is_alive()


def test_the_pool_is_killed_past_the_bound() -> None:
    pool = _pool_with_dead_workers()
    started = time.monotonic()
    _stop(pool, wait=1.0)
    assert time.monotonic() - started < 2.5
    for proc in pool._pool:  # type: ignore[attr-defined]
        proc.join(5)
        assert proc.exitcode is not None


def test_a_healthy_pool_stops_at_once() -> None:
    pool = multiprocessing.get_context("fork").Pool(2)
    assert pool.map(abs, [-3]) == [3]
    started = time.monotonic()
    _stop(pool, wait=10.0)
    assert time.monotonic() - started < 5
