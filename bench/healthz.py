"""/healthz latency: `wiretrace serve` idle with Redis up, then while bursts of 400 concurrent
lookups (from a process of their own) hit it with Redis stalled (SIGSTOP), then shut down.
The liveness answer must not wait behind the Redis-bound requests (issue F: 100 ms p99).
A redis-server and the API of the bench's own, on loopback; prints a markdown table.

    python -m bench.healthz [PROBES]      # probes per phase (default 400), 20 ms apart
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import redis

from wiretrace_testing.localsites import free_port

BURST = 400


def _redis(workdir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", workdir],
                            stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_timeout=1)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def _serve(redis_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": "bench-healthz"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("wiretrace")), "serve",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/v1/lookup?url=https://a.example/x").status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("wiretrace serve did not start")


def _phase(base: str, probes: int, load: bool) -> tuple[list[float], list[int]]:
    """``probes`` /healthz times (seconds); with ``load``, bursts of lookups run meanwhile
    (their statuses returned)."""
    done = threading.Event()
    statuses: list[int] = []

    def bursts() -> None:
        while not done.is_set():
            out = subprocess.run([sys.executable, "-m", "wiretrace_testing.burst",
                                  f"{base}/v1/lookup?url=https://a.example/x", str(BURST)],
                                 capture_output=True, text=True, timeout=120).stdout
            statuses.extend(s for s, _ in json.loads(out))

    loader = threading.Thread(target=bursts)
    if load:
        loader.start()
        time.sleep(0.3)
    times = []
    with httpx.Client(timeout=10) as c:
        for _ in range(probes):
            t = time.perf_counter()
            assert c.get(base + "/healthz").status_code == 200
            times.append(time.perf_counter() - t)
            time.sleep(0.02)
    done.set()
    if load:
        loader.join()
    return times, statuses


def main() -> None:
    probes = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    with tempfile.TemporaryDirectory() as tmp:
        rproc, url = _redis(tmp)
        served, base = _serve(url)
        try:
            rows = [("Redis up, no load", *_phase(base, probes, False))]
            os.kill(rproc.pid, signal.SIGSTOP)
            rows.append(("Redis stalled (SIGSTOP), bursts of 400 lookups",
                         *_phase(base, probes, True)))
            os.kill(rproc.pid, signal.SIGCONT)
            redis.Redis.from_url(url).shutdown(nosave=True)
            rproc.wait(10)
            rows.append(("Redis shut down, bursts of 400 lookups", *_phase(base, probes, True)))
        finally:
            served.terminate()
            served.wait(10)
            if rproc.poll() is None:
                os.kill(rproc.pid, signal.SIGCONT)
                rproc.kill()
    print(f"/healthz, {probes} probes per phase, 20 ms apart; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| phase | p50 ms | p99 ms | max ms | lookups answered (503) |")
    print("|---|---|---|---|---|")
    for name, times, statuses in rows:
        ms = np.array(times) * 1000
        print(f"| {name} | {np.percentile(ms, 50):.1f} | {np.percentile(ms, 99):.1f} | "
              f"{ms.max():.1f} | {len(statuses)} ({statuses.count(503)}) |")


if __name__ == "__main__":
    main()
