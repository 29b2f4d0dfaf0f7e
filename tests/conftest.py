"""Shared fixtures: a real Redis server (REDIS_URL, or one started here) and an isolated
namespace per test."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from dedup.config import Settings
from dedup.engine import Engine
from wiretrace_testing.corpus import PAGES

REPO = Path(__file__).resolve().parents[1]
TIERS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e and tests/faults is marked ``e2e`` (make test runs them,
    make check does not)."""
    for item in items:
        if {TIERS / "e2e", TIERS / "faults"} & set(item.path.parents):
            item.add_marker(pytest.mark.e2e)


def wait_for_redis(client: redis.Redis, seconds: float = 5.0) -> None:
    """Return once the server answers PING; raise if it does not within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL when set (CI sets it), else a redis-server of our own on a free port."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no REDIS_URL and no redis-server binary: tests need a real Redis")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="wt-redis-")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir], stdout=subprocess.DEVNULL)
    wait_for_redis(redis.Redis(port=port, socket_timeout=1))
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def settings(redis_url: str) -> Iterator[Settings]:
    """Settings bound to a namespace of this test alone; its keys are deleted afterwards."""
    ns = f"wttest-{uuid.uuid4().hex[:10]}"
    yield Settings(redis_url=redis_url, namespace=ns)
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def engine(settings: Settings) -> Engine:
    return Engine.from_settings(settings)


@pytest.fixture(scope="session")
def shared_pages() -> Path:
    if not (PAGES / "ground-truth.json").exists():
        why = (f"shared article pages not found at {PAGES} (they ship beside the repository; "
               "set WIRETRACE_SHARED_DATA to point elsewhere)")
        if os.environ.get("CI") == "true":
            pytest.fail(why, pytrace=False)  # CI has the data: missing data must not pass
        pytest.skip(why)
    return PAGES
