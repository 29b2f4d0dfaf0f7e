"""A shared crawl shares the work: several `wiretrace crawl --shared-queue RUN` processes on
many loopback sites each fetch a fair part, no page is fetched twice (the sites' own access
log says so), and together they are no slower than one process alone. On one Redis and on a
Redis Cluster."""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from wiretrace_testing.crawlsites import sitemap_xml
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts
from wiretrace_testing.stories import story

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
DEPRECATIONS = ("returned a Deferred", "Passing a 'spider' argument")
NAV = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(8))


@dataclass
class Crawl:
    seconds: float
    articles: list[int]  # articles each process fetched and indexed
    fetches: Counter[str]  # GETs of article pages, by path, all processes together


def build_sites(root: Path, sites: int, pages: int, port: int, latency: float = 0.0) -> int:
    """``sites`` news sites of ``pages`` articles each (a sitemap lists them), each article
    answered after ``latency`` seconds; returns the number of articles."""
    b = SiteBuilder()
    sources = []
    for s in range(sites):
        host = f"news{s}.test"
        b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
        urls = []
        for i in range(pages):
            text = story(9000 + s * 1000 + i, paragraphs=6)
            body = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
            b.page(host, f"/news/{i}", f"<html><head><title>Story {s}-{i}</title></head><body>"
                   f"<nav><ul>{NAV}</ul></nav><article><h1>Story {s}-{i}</h1>{body}</article>"
                   f"<footer>News {s}, all rights reserved</footer></body></html>")
            if latency:
                b.delay(host, f"/news/{i}", latency)
            urls.append(f"http://{host}:{port}/news/{i}")
        b.page(host, "/sitemap.xml", sitemap_xml(urls), "application/xml")
        sources.append({"name": f"news{s}", "sitemaps": [f"http://{host}:{port}/sitemap.xml"],
                        "allow_private_addresses": True,
                        "settings": {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}})
    b.write(root / "sites")
    write_hosts(root / "hosts", b.hosts())
    (root / "sources.yaml").write_text(json.dumps({"sources": sources}))
    return sites * pages


def crawl(root: Path, redis_url: str, ns: str, processes: int) -> Crawl:
    """``processes`` crawl processes started together on one shared run, against a fresh
    site server (its access log counts the fetches)."""
    log = root / f"access-{ns}.log"
    port = int((root / "port").read_text())
    server = start_server(root / "sites", port, access_log=log)
    env = {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": ns,
           "WIRETRACE_HOSTS_FILE": str(root / "hosts"), "WIRETRACE_EXTRACT_WORKERS": "1"}
    cmd = [WIRETRACE, "crawl", "--json", "--sources", str(root / "sources.yaml"),
           "--shared-queue", f"run-{ns}"]
    try:
        start = time.monotonic()
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(processes)]
        outs = [p.communicate(timeout=900) for p in procs]
        seconds = time.monotonic() - start
    finally:
        server.stop()
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
        # Scrapy's deprecations of what the shared queue did: a spider_closed handler that
        # returned a Deferred, and scrapy-redis's scheduler passing spider= to the stats
        deprecated = [line for line in err.splitlines() if "DeprecationWarning" in line
                      and any(w in line for w in DEPRECATIONS)]
        assert not deprecated, deprecated
    articles = [sum(r["articles_indexed"] for r in _runs(out)) for out, _ in outs]
    fetches = Counter(line for line in log.read_text().splitlines() if " /news/" in line)
    return Crawl(seconds, articles, fetches)


def _runs(out: str) -> list[dict[str, int]]:
    """The summaries `crawl --json` prints, one line a source."""
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def check_shared(root: Path, redis_url: str, n: int, processes: int,
                 alone: Crawl | None) -> Crawl:
    shared = crawl(root, redis_url, f"shared{processes}-{free_port()}", processes)
    print(f"{processes} processes: {shared.seconds:.1f} s, articles {shared.articles}")
    assert sum(shared.articles) == n, shared.articles
    assert len(shared.fetches) == n and max(shared.fetches.values()) == 1, \
        [p for p, k in shared.fetches.items() if k > 1][:5]
    fair = n / (3 if processes == 2 else 5)
    assert all(a >= fair for a in shared.articles), (shared.articles, fair)
    if alone is not None:
        assert shared.seconds <= alone.seconds, (shared.seconds, alone.seconds)
    return shared


@pytest.fixture(params=["single", "cluster"])
def any_redis(request: pytest.FixtureRequest) -> str:
    name = "single_redis_url" if request.param == "single" else "cluster_url"
    return str(request.getfixturevalue(name))


def test_two_processes_share_a_crawl_of_20_sites(any_redis: str, tmp_path: Path) -> None:
    """The lean version (make test): 120 pages on 20 sites, two processes."""
    port = free_port()
    (tmp_path / "port").write_text(str(port))
    n = build_sites(tmp_path, sites=20, pages=6, port=port)
    check_shared(tmp_path, any_redis, n, 2, alone=None)


@pytest.mark.soak
def test_two_then_three_processes_share_520_pages_no_slower_than_one(
        any_redis: str, tmp_path: Path) -> None:
    """520 pages answered in 0.2 s each (a real site's latency; on loopback with none, the
    crawl is CPU-bound and two cores cannot run two processes faster than one)."""
    port = free_port()
    (tmp_path / "port").write_text(str(port))
    n = build_sites(tmp_path, sites=20, pages=26, port=port, latency=0.2)
    alone = crawl(tmp_path, any_redis, f"alone-{port}", 1)
    print(f"1 process: {alone.seconds:.1f} s")
    assert alone.articles == [n] and len(alone.fetches) == n
    check_shared(tmp_path, any_redis, n, 2, alone)
    check_shared(tmp_path, any_redis, n, 3, alone)
