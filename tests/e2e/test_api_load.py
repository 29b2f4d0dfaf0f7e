"""With Redis stalled (SIGSTOP) or shut down, 400 concurrent requests from a client process of
their own all get 503 within 2 s, and /healthz answers within 300 ms meanwhile."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import _free_port, wait_for_redis

N = 400


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of this test alone (it is stopped and shut down)."""
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL)
    wait_for_redis(redis.Redis(port=port, socket_timeout=1))
    try:
        yield proc, f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(proc.pid, signal.SIGCONT) if proc.poll() is None else None
        proc.kill()
        proc.wait(10)


def _burst_while_probing(url: str) -> tuple[list[tuple[int, float]], list[float]]:
    """N concurrent lookups from another process; /healthz timed from here meanwhile."""
    health: list[float] = []
    client = subprocess.Popen([sys.executable, "-m", "wiretrace_testing.burst",
                               f"{url}/v1/lookup?url=https://a.example/x", str(N)],
                              stdout=subprocess.PIPE, text=True)
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(timeout=10) as c:
            while not done.is_set():
                t = time.perf_counter()
                assert c.get(url + "/healthz").status_code == 200
                health.append(time.perf_counter() - t)
                time.sleep(0.05)

    prober = threading.Thread(target=probe)
    prober.start()
    out, _ = client.communicate(timeout=120)
    done.set()
    prober.join(15)
    return [tuple(x) for x in json.loads(out)], health


def _serve(redis_url: str) -> tuple[subprocess.Popen[bytes], str]:
    """`wiretrace serve` in a process of its own, once it answers a lookup."""
    port = _free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": "wtload"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("wiretrace")), "serve",
                             "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/v1/lookup?url=https://a.example/x")
            assert r.status_code == 200, r.text
            return proc, f"http://127.0.0.1:{port}"
        except httpx.TransportError:
            assert time.monotonic() < deadline and proc.poll() is None, "serve did not start"
            time.sleep(0.1)


@pytest.mark.parametrize("fault", ["stalled", "shut down"])
def test_many_requests_get_503_in_time_while_healthz_answers(
        own_redis: tuple[subprocess.Popen[bytes], str], fault: str) -> None:
    proc, url = own_redis
    served, base = _serve(url)
    try:
        if fault == "stalled":
            os.kill(proc.pid, signal.SIGSTOP)
        else:
            redis.Redis.from_url(url).shutdown(nosave=True)
            proc.wait(10)
        answers, health = _burst_while_probing(base)
        statuses = {s for s, _ in answers}
        slowest = max(t for _, t in answers)
        times = sorted(t for _, t in answers)
        assert statuses == {503} and slowest < 2.0, (statuses, times[::40], times[-5:])
        assert len(health) >= 3 and max(health) < 0.3, health
    finally:
        served.terminate()
        served.wait(10)
