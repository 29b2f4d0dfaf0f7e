"""Shared fixtures: a real Redis server (REDIS_URL, or one started here) and an isolated
namespace per test."""

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from dedup.config import Settings
from dedup.engine import Engine
from dedup.redisconn import client_from_url
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.rediscluster import start_cluster, wait_for_redis

REPO = Path(__file__).resolve().parents[1]
TIERS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e and tests/faults is marked ``e2e`` (make test runs them,
    make check does not)."""
    for item in items:
        if {TIERS / "e2e", TIERS / "faults"} & set(item.path.parents):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked ``cluster`` runs against one Redis and against a Redis Cluster."""
    if "redis_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("cluster"):
        metafunc.parametrize("redis_url", ["single", "cluster"], indirect=True, scope="session")


@pytest.fixture(scope="session")
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """One Redis (or, for a ``cluster`` test's second run, the Redis Cluster)."""
    if getattr(request, "param", "single") == "cluster":
        yield request.getfixturevalue("cluster_url")
    else:
        yield request.getfixturevalue("single_redis_url")


@pytest.fixture(scope="session")
def cluster_url() -> Iterator[str]:
    """WIRETRACE_TEST_CLUSTER_URL when set (scripts/with-redis.sh sets it), else a cluster of
    our own (3 masters, 3 replicas on loopback). Without redis-server: skipped, but a
    failure under CI=true."""
    url = os.environ.get("WIRETRACE_TEST_CLUSTER_URL")
    if url:
        yield url
        return
    try:
        cluster = start_cluster()
    except FileNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs a Redis Cluster: {exc}", pytrace=False)
        pytest.skip(str(exc))
    yield cluster.url
    cluster.stop()


@pytest.fixture(scope="session")
def single_redis_url() -> Iterator[str]:
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
    yield from _namespace(redis_url)


@pytest.fixture
def cluster_settings(cluster_url: str) -> Iterator[Settings]:
    """The same, on the Redis Cluster."""
    yield from _namespace(cluster_url)


def _namespace(redis_url: str) -> Iterator[Settings]:
    ns = f"wttest-{uuid.uuid4().hex[:10]}"
    yield Settings(redis_url=redis_url, namespace=ns)
    client = client_from_url(redis_url, 5.0)
    keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
    if keys:
        client.delete(*keys)  # a cluster client deletes slot by slot


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
