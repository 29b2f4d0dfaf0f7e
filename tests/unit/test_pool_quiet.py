"""The preparation pool's worker-minding thread sleeps while results stream in (``Pool``'s
spins on the readable result pipe, ~9% of an ingest process's CPU), and still replaces a
worker that died."""

import multiprocessing
import os
import signal
import time
from pathlib import Path

from dedup.prepool import _QuietPool


def _big(_: int) -> bytes:
    return b"x" * (8 << 20)


def _pid(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def test_the_worker_handler_sleeps_while_results_arrive() -> None:
    pool = _QuietPool(2, context=multiprocessing.get_context("fork"))
    try:
        clock = time.pthread_getcpuclockid(pool._worker_handler.ident)  # type: ignore[attr-defined]
        before = time.clock_gettime(clock)
        for _ in pool.imap(_big, range(16)):  # 128 MB through the result pipe
            time.sleep(0.01)
        # multiprocessing.Pool's thread: 0.13-0.19 s here; this one's: under 1 ms
        assert time.clock_gettime(clock) - before < 0.02
    finally:
        pool.terminate()
        pool.join()


def _sleep_in(path: Path) -> None:
    path.write_text(str(os.getpid()))
    time.sleep(5)


def test_a_dead_worker_is_replaced(tmp_path: Path) -> None:
    """Woken by the worker's exit, not by results (an idle worker may hold the task queue's
    lock: only the busy one is killed)."""
    pool = _QuietPool(2, context=multiprocessing.get_context("fork"))
    try:
        mark = tmp_path / "pid"
        busy = pool.apply_async(_sleep_in, (mark,))
        deadline = time.monotonic() + 5
        while not mark.exists() or not mark.read_text():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        victim = int(mark.read_text())
        os.kill(victim, signal.SIGKILL)
        # the dead worker leaves the list, then its replacement joins it
        while victim in (pids := {p.pid for p in pool._pool}) or len(pids) < 2:  # type: ignore[attr-defined]
            assert time.monotonic() < deadline + 5, "the dead worker was not replaced"
            time.sleep(0.02)
        assert victim not in set(pool.map(_pid, range(8)))
        assert not busy.ready()  # its worker died: the pool never answers that task
    finally:
        pool.terminate()
        pool.join()
