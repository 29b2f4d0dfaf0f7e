"""The index on a Redis Cluster: the same answers as on one Redis for the same input, and a
master killed mid-ingest (its replica promoted) is waited for, and a re-run changes nothing."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dedup.keys import Keys
from dedup.redisconn import client_from_url
from wiretrace_testing.rediscluster import start_cluster
from wiretrace_testing.stories import excerpt, light_edit, story, wrapped_copy

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
VOLATILE = ("first_seen",)  # a time of ingest: differs between two runs


def corpus(stories: int, seed: int = 0) -> list[str]:
    """JSON lines: per story an original, a wrapped copy, an excerpt and a light rewrite
    (dated, so the order they arrive in does not decide), and a few unrelated texts."""
    lines = []
    for s in range(stories):
        text = story(seed + s)
        day = 1 + s % 27
        versions = [("orig", text, 1), ("copy", wrapped_copy(text, "Source: Orig"), 3),
                    ("part", excerpt(text), 4), ("edit", light_edit(text, s), 5)]
        for kind, body, offset in versions:
            lines.append(json.dumps({
                "url": f"https://{kind}{s % 7}.example/{seed}/{s}", "text": body,
                "published": f"2024-03-{day:02d}T{offset:02d}:00:00Z"}))
    return lines


def run(args: list[str], url: str, ns: str, stdin: str | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_URL": url, "WIRETRACE_NAMESPACE": ns,
           "WIRETRACE_INGEST_WORKERS": "1"}
    return subprocess.run([WIRETRACE, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=timeout)


def exported(url: str, ns: str) -> list[dict[str, object]]:
    res = run(["export"], url, ns)
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in rows),
                  key=lambda r: str(r["url"]))


def test_same_answers_on_a_cluster_as_on_one_redis(single_redis_url: str,
                                                   cluster_url: str) -> None:
    lines = "\n".join(corpus(40, seed=700)) + "\n"
    answers = []
    for url in (single_redis_url, cluster_url):
        ns = f"wttest-same-{time.monotonic_ns()}"
        res = run(["ingest", "--jsonl", "-"], url, ns, lines)
        assert res.returncode == 0, res.stderr
        answers.append(exported(url, ns))
        assert run(["fsck"], url, ns).returncode == 0
        client = client_from_url(url, 5.0)
        keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
        client.delete(*keys)
    single, cluster = answers
    assert len(single) == 160
    roles = {str(r["role"]) for r in single}
    assert {"original", "copy", "partial"} <= roles, roles
    assert cluster == single


def test_a_master_killed_mid_ingest_costs_at_most_a_rerun(tmp_path: Path) -> None:
    """SIGKILL the master holding the index's slot while `wiretrace ingest` writes; its
    replica takes over. The ingest waits for it and finishes (the client's failover wait,
    tests/redis/test_cluster_retries.py); the same input again leaves fsck clean and one
    original per story."""
    try:
        cluster = start_cluster()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    try:
        ns, stories = "wttest-failover", 300
        data = tmp_path / "in.jsonl"
        data.write_text("\n".join(corpus(stories, seed=5000)) + "\n")
        client = client_from_url(cluster.url, 5.0)
        target = client.get_node_from_key(Keys(ns).stats)  # type: ignore[attr-defined]
        victim = int(target.port)

        killed = threading.Event()

        def kill_when_writing() -> None:
            deadline = time.monotonic() + 120
            probe = client_from_url(cluster.url, 5.0)
            while time.monotonic() < deadline:
                stats = probe.hgetall(Keys(ns).stats)
                if int(stats.get(b"articles", 0)) >= 100:
                    cluster.kill(victim)
                    killed.set()
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_when_writing)
        killer.start()
        first = run(["ingest", "--jsonl", str(data)], cluster.url, ns, timeout=900)
        killer.join()
        assert killed.is_set(), "the ingest ended before the master could be killed"
        err = first.stderr.strip()
        assert "Traceback" not in err, err[-2000:]
        assert first.returncode == 0, err[-2000:]
        cluster.wait_failover(victim)

        again = run(["ingest", "--jsonl", str(data)], cluster.url, ns, timeout=900)
        assert again.returncode == 0, again.stderr[-2000:]
        check = run(["fsck"], cluster.url, ns)
        assert check.returncode == 0, check.stdout + check.stderr
        rows = exported(cluster.url, ns)
        assert len(rows) == 4 * stories
        originals: dict[object, int] = {}
        for r in rows:
            originals[r["cluster"]] = originals.get(r["cluster"], 0) + (r["role"] == "original")
        assert len(originals) == stories and set(originals.values()) == {1}, originals
        print(f"first ingest: rc {first.returncode} {err[:300]!r}")
    finally:
        cluster.stop()


def test_the_api_rate_limit_counts_on_a_cluster(cluster_url: str) -> None:
    """The fetch limiter uses the `limits` library's cluster storage there."""
    from wiretrace.api.limiter import FetchLimiter

    client = client_from_url(cluster_url, 5.0)
    prefix = f"wttest-limit-{time.monotonic_ns()}"
    limiter = FetchLimiter(client, prefix, 2, cluster_url, 2.0)
    assert [limiter.hit("192.0.2.1") for _ in range(3)] == [True, True, False]
    assert limiter.hit("192.0.2.2")
    keys = list(client.scan_iter(match=f"{prefix}*"))
    assert len(keys) == 2
    client.delete(*keys)
