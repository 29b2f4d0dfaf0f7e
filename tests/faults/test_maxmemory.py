"""Redis at `maxmemory` (policy noeviction, as compose and the embedded server run it): an
ingest stops with one line that says so and how much was committed, nothing is half written
(`fsck` clean), and reads keep working, through the CLI and the API (a refused write does not
make the API's breaker take Redis for down)."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from dedup.config import Settings
from dedup.engine import Engine
from tests.conftest import _free_port, wait_for_redis
from tests.e2e.test_api import Served
from tests.faults.harness import acknowledged, wiretrace, write_input
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings


@pytest.fixture
def small(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp_path),
                             "--maxmemory", "3mb", "--maxmemory-policy", "noeviction"],
                            stdout=subprocess.DEVNULL)
    wait_for_redis(redis.Redis(port=port, socket_timeout=1))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.kill()
        proc.wait(10)


def test_full_redis_stops_ingest_in_one_line_and_reads_go_on(small: str,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    urls = write_input(path, 1500)
    env = {**os.environ, "REDIS_URL": small, "WIRETRACE_NAMESPACE": "full"}
    res = wiretrace(env, "ingest", "--jsonl", str(path))
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1, res.stderr
    assert "Redis is full" in lines[0] and "Traceback" not in res.stderr, lines[0]
    committed = acknowledged(res.stderr)
    assert 0 < committed < len(urls)
    fsck = wiretrace(env, "fsck")
    assert fsck.returncode == 0 and not fsck.stdout.strip(), (fsck.stdout, fsck.stderr)
    # everything acknowledged is there, and can be read
    engine = Engine.from_settings(Settings(redis_url=small, namespace="full"))
    found = {r.url for r in engine.lookup(urls[:committed]) if r.indexed}
    assert found == set(urls[:committed])
    look = wiretrace(env, "lookup", urls[0])
    assert look.returncode == 0 and "role:" in look.stdout, look.stderr
    redis.Redis.from_url(small).config_set("maxmemory", "1mb")  # now no write fits at all
    served = Served(create_app(Settings(redis_url=small, namespace="full"),
                               ApiSettings(api_key=None)))
    try:
        with httpx.Client(base_url=served.url, timeout=10) as c:
            refused = c.post("/v1/watches", json={"site": "full.example"})
            assert refused.status_code == 503, refused.text
            r = c.get("/v1/lookup", params={"url": urls[0]})  # at once: not "Redis down"
            assert r.status_code == 200 and r.json()["indexed"] is True, r.text
    finally:
        served.stop()
