"""`wiretrace crawl` SIGKILLed at a random point: every page it marked fetched is stored (a page
fetched but not stored is not marked fresh), the index is consistent, and a re-run indexes
every article of the site: the export is then a clean crawl's (but the first-seen times)."""

import json
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedup.keys import Keys
from tests.faults.harness import (
    ROUNDS,
    WIRETRACE,
    AofRedis,
    assert_fsck_clean,
    engine_of,
    env_for,
    exported,
    kill_after,
    stored,
    write_news_site,
)
from wiretrace_testing.localsites import (
    ServerProcess,
    free_port,
    start_server,
)

M = 24
HOST = "kill.test"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         ) -> Iterator[tuple[ServerProcess, Path, list[str]]]:
    tmp = tmp_path_factory.mktemp("killsite")
    port = free_port()
    urls = write_news_site(tmp, HOST, port, M, 7000)
    (tmp / "sources.yaml").write_text(
        "sources:\n  - name: killsite\n    allow_private_addresses: true\n"
        f"    start_urls: ['http://{HOST}:{port}/']\n    follow: {{max_depth: 1}}\n"
        "    settings: {AUTOTHROTTLE_ENABLED: false, DOWNLOAD_DELAY: 0, ROBOTSTXT_OBEY: false,"
        " LOGSTATS_INTERVAL: 0, CONCURRENT_REQUESTS_PER_DOMAIN: 2}\n")
    server = start_server(tmp / "sites", port)
    yield server, tmp, urls
    server.stop()


def _crawl(server: AofRedis, tmp: Path, namespace: str) -> tuple[dict[str, str], list[str]]:
    env = env_for(server, namespace, WIRETRACE_HOSTS_FILE=str(tmp / "hosts"),
                  WIRETRACE_EXTRACT_WORKERS="1", WIRETRACE_BATCH_SIZE="4")
    return env, [WIRETRACE, "crawl", "--json", "--sources", str(tmp / "sources.yaml")]


@pytest.fixture(scope="module")
def clean(server: AofRedis, site: tuple) -> dict[str, dict[str, object]]:
    """The export of one uninterrupted crawl of the site."""
    env, args = _crawl(server, site[1], "wtfault-crawl-clean")
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return exported(server, "wtfault-crawl-clean")


@pytest.mark.parametrize("round_", ROUNDS)
def test_crawl_killed_at_a_random_point(server: AofRedis, site: tuple, clean: dict,
                                        round_: int) -> None:
    _, tmp, urls = site
    namespace = f"wtfault-crawl-{round_}"
    env, args = _crawl(server, tmp, namespace)
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, text=True)
    key, client = Keys(namespace).crawl_fetched("killsite"), server.client()
    while proc.poll() is None and not client.hlen(key):  # its first write: mid-crawl
        time.sleep(0.02)
    kill_after(proc, random.Random(2000 + round_).uniform(0.0, 1.5))
    # what the crawl marked fetched is stored; the rest will be fetched again
    marked = [k.decode() for k in client.hkeys(key)]
    assert stored(server, namespace, marked) == set(marked)
    assert engine_of(server, namespace).fsck() == {}
    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stdout)
    assert summary["articles_indexed"] == M - len(marked), summary
    assert stored(server, namespace, urls) == set(urls)
    assert_fsck_clean(env)
    assert exported(server, namespace) == clean
