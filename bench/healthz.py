"""/healthz latency: `wiretrace serve` idle with Redis up, then while bursts of 400 concurrent
lookups (from a process of their own) hit it with Redis stalled (SIGSTOP), then shut down.
The liveness answer must not wait behind the Redis-bound requests (issue F: 100 ms p99).
A redis-server and the API of the bench's own, on loopback; prints a markdown table (with the
API process's CPU time per lookup, a measure the machine's load does not distort as much as
it does latencies) and, per fault, whether the target is met.

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
TARGET_MS = 100.0  # p99 of /healthz under the bursts


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


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    load_before = os.getloadavg()
    rows: list[tuple[str, list[float], list[int], float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rproc, url = _redis(tmp)
        served, base = _serve(url)

        def phase(name: str, load: bool) -> None:
            cpu = _cpu(served.pid)
            times, statuses = _phase(base, probes, load)
            rows.append((name, times, statuses, _cpu(served.pid) - cpu))

        try:
            phase("Redis up, no load", False)
            os.kill(rproc.pid, signal.SIGSTOP)
            phase("Redis stalled (SIGSTOP), bursts of 400 lookups", True)
            os.kill(rproc.pid, signal.SIGCONT)
            redis.Redis.from_url(url).shutdown(nosave=True)
            rproc.wait(10)
            phase("Redis shut down, bursts of 400 lookups", True)
        finally:
            served.terminate()
            served.wait(10)
            if rproc.poll() is None:
                os.kill(rproc.pid, signal.SIGCONT)
                rproc.kill()
    load = os.getloadavg()
    print(f"/healthz, {probes} probes per phase, 20 ms apart; load average (1 min) "
          f"{load_before[0]:.1f} at the start, {load[0]:.1f} at the end, on "
          f"{os.cpu_count()} CPUs")
    print(f"| phase | p50 ms | p99 ms | max ms | lookups answered (503) | API CPU ms per "
          f"lookup | p99 ≤ {TARGET_MS:.0f} ms |")
    print("|---|---|---|---|---|---|---|")
    for name, times, statuses, cpu in rows:
        ms = np.array(times) * 1000
        p99 = float(np.percentile(ms, 99))
        per = f"{cpu * 1000 / len(statuses):.2f}" if statuses else "-"
        verdict = ("met" if p99 <= TARGET_MS else "missed") if statuses else "-"
        print(f"| {name} | {np.percentile(ms, 50):.1f} | {p99:.1f} | {ms.max():.1f} | "
              f"{len(statuses)} ({statuses.count(503)}) | {per} | {verdict} |")


if __name__ == "__main__":
    main()
