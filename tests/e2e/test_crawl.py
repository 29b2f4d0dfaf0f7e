"""The crawler end to end: `wiretrace crawl` (a real Scrapy process) against real HTTP servers
on loopback serving real pages under their real host names, then lookups."""

import json
import os
import resource
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from wiretrace_testing.crawlsites import Web, build_web, sources_yaml
from wiretrace_testing.localsites import ServerProcess, SiteBuilder, start_server, write_hosts
from wiretrace_testing.procs import PeakRSS

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))


def crawl(env: dict[str, str], sources: Path, *names: str,
          peak_rss: list[int] | None = None) -> dict[str, dict]:
    """Run `wiretrace crawl`; with ``peak_rss``, the largest resident size (KiB) any process
    of the crawl (the crawler, its forkserver, its extraction workers) reached, sampled."""
    proc = subprocess.Popen([WIRETRACE, "crawl", "--json", "--sources", str(sources), *names],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = PeakRSS(proc.pid)
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if peak_rss is not None:
            peak_rss[0] = peak.stop().largest
    assert proc.returncode == 0, stderr[-3000:]
    return {s["source"]: s for s in map(json.loads, stdout.splitlines())}


@pytest.fixture(scope="module")
def served(shared_pages: Path, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[tuple[Web, ServerProcess, Path]]:
    tmp = tmp_path_factory.mktemp("web")
    from wiretrace_testing.localsites import free_port

    port = free_port()
    web = build_web(shared_pages, port)
    hostile = _hostile(web.builder, tmp)
    web.builder.write(tmp / "sites")
    write_hosts(tmp / "hosts", [*web.builder.hosts(), "nosy.test"])
    (tmp / "sources.yaml").write_text(sources_yaml(web, hostile.format(p=port)))
    server = start_server(tmp / "sites", port)
    yield web, server, tmp
    server.stop()


def _hostile(b: SiteBuilder, tmp: Path) -> str:
    h = "hostile.test"
    b.page(h, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    links = ["/bomb", "/huge", "/binary", "/charset", "/loop", "/trickle", "/empty"]
    b.page(h, "/", "<html><body>" + "".join(f"<a href='{x}'>{x}</a>" for x in links)
           + "</body></html>")
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip: 200 MB of zeros in ~200 KB
    chunk = bytes(1 << 20)
    bomb = b"".join(z.compress(chunk) for _ in range(200)) + z.flush()
    b.page(h, "/bomb", bomb, headers={"Content-Encoding": "gzip"})
    b.page(h, "/huge", b"<html><body>" + b"<p>lorem ipsum dolor</p>" * 2_300_000)  # ~50 MB
    b.page(h, "/binary", os.urandom(200_000))
    story = ("Café owners in the old town said the new parking rules had cut their trade by "
             "a third since the spring, and the council promised to review them in June. ") * 8
    b.page(h, "/charset", ("<html><head><title>Café</title></head><body><article><p>"
                           + story + "</p></article></body></html>").encode("latin-1"),
           content_type="text/html; charset=utf-8")
    for i in range(12):  # a redirect chain that never ends on a page
        b.redirect(h, "/loop" if i == 0 else f"/loop/{i}", f"/loop/{i + 1}")
    b.trickle(h, "/trickle", 0.5)
    b.page(h, "/empty", b"")
    # billion laughs: entities are never expanded, the feed and sitemap are counted
    laughs = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'
                        .replace("&lol0;", "&lol;") for i in range(1, 10)) + "]>")
    b.page(h, "/feed.xml", laughs + "<rss><channel><item><link>&lol9;</link></item><item>"
           "<link>&lol9;</link></item><item><link>/charset</link></item></channel></rss>",
           "application/rss+xml")
    b.page(h, "/feed2.xml", "<rss><channel><item><link> </link></item><item><link>/charset"
           "</link></item></channel></rss>", "application/rss+xml")
    b.page(h, "/sitemap.xml", laughs.replace("<!DOCTYPE r", "<!DOCTYPE urlset")
           + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc>'
           "</url><url><loc>/charset</loc></url></urlset>", "application/xml")
    b.page("flaky.test", "/robots.txt", "down", status=503, content_type="text/plain")
    b.page("flaky.test", "/", "<html><body>never fetched</body></html>")
    return """
  - name: hostile
    start_urls: ["http://hostile.test:{p}/"]
    feeds: ["http://hostile.test:{p}/feed.xml", "http://hostile.test:{p}/feed2.xml"]
    sitemaps: ["http://hostile.test:{p}/sitemap.xml"]
    follow: {{max_depth: 1}}
    settings: {{DOWNLOAD_TIMEOUT: 4, RETRY_TIMES: 0, AUTOTHROTTLE_ENABLED: false}}
  - name: flaky
    start_urls: ["http://flaky.test:{p}/"]
    settings: {{RETRY_TIMES: 0}}
  - name: nosy
    allow_private_addresses: false
    start_urls: ["http://nosy.test:{p}/", "http://2130706433:{p}/", "http://[::1]:{p}/",
                 "http://hostile.test:{p}/"]
"""


@pytest.fixture(scope="module")
def env(served: tuple[Web, ServerProcess, Path], redis_url: str) -> Iterator[dict[str, str]]:
    _, _, tmp = served
    ns = f"wtcrawl-{os.getpid()}"
    yield {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": ns,
           "WIRETRACE_HOSTS_FILE": str(tmp / "hosts"), "WIRETRACE_EXTRACT_WORKERS": "2"}
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{ns}:*", count=1000))
    if keys:
        client.delete(*keys)


def test_copies_crawled_before_their_originals_are_linked_to_them(
        served: tuple[Web, ServerProcess, Path], env: dict[str, str]) -> None:
    web, _, tmp = served
    first = crawl(env, tmp / "sources.yaml", "farm", "aggregator", "partner")
    assert first["farm"]["skipped"].get("robots_forbidden", 0) >= 1  # /private/ is disallowed
    assert first["farm"]["articles_indexed"] == len(web.originals)
    second = crawl(env, tmp / "sources.yaml", "originals")
    assert second["originals"]["articles_indexed"] == len(web.originals)

    engine = Engine.from_settings(Settings(redis_url=env["REDIS_URL"],
                                           namespace=env["WIRETRACE_NAMESPACE"]))
    originals = {o.url: o for o in web.originals}
    served_original = {o.url: f"http://{o.host}:{web.port}{o.path}" for o in web.originals}
    wrong, roles = [], []
    for url, res in zip(web.copies, engine.lookup(list(web.copies)), strict=True):
        roles.append(res.role)
        if res.role not in ("copy", "partial") or not res.original or \
                res.original["url"] != engine.lookup([served_original[web.copies[url]]])[0].url:
            wrong.append((url, res.role, res.original and res.original["url"]))
    assert not wrong, wrong  # every full copy is linked to its own original
    # Copies are built from the human ground truth of each page; where trafilatura extracts
    # much more (or much less) of the original than that, a full copy reads as a partial.
    assert roles.count("copy") >= 0.8 * len(roles), roles
    for url, res in zip(web.partials, engine.lookup(list(web.partials)), strict=True):
        assert res.role == "partial", (url, res.role)
    for res in engine.lookup(list(served_original.values())):
        assert res.role == "original", (res.url, res.role)
        assert res.url in originals  # identity: its own canonical, not the served URL
    for res in engine.lookup(web.listings):
        assert not res.indexed  # listing pages are never indexed

    # a second run fetches feeds, sitemaps and listings again, but no article
    again = crawl(env, tmp / "sources.yaml", "farm", "aggregator", "partner", "originals")
    assert sum(s["articles_indexed"] for s in again.values()) == 0
    assert again["farm"]["skipped"]["fresh"] >= len(web.originals)
    assert again["originals"]["pages_fetched"] < 3 * len(web.originals)


def test_hostile_responses_are_counted_and_skipped(
        served: tuple[Web, ServerProcess, Path], env: dict[str, str]) -> None:
    _, _, tmp = served
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_tree = [0]
    out = crawl(env, tmp / "sources.yaml", "hostile", "flaky", "nosy", peak_rss=peak_tree)
    skipped = out["hostile"]["skipped"]
    assert skipped.get("too_large", 0) >= 2, skipped  # the gzip bomb and the 50 MB page
    assert skipped.get("binary", 0) == 1, skipped
    assert skipped.get("redirect_loop", 0) == 1, skipped
    assert skipped.get("entity_expansion", 0) == 2, skipped  # billion laughs: feed, sitemap
    assert skipped.get("bad_entry", 0) == 1, skipped  # an item without a link
    assert skipped.get("timeout", 0) == 1, skipped  # the page that trickles forever
    assert out["hostile"]["articles_indexed"] == 1  # the mis-declared charset page
    assert out["flaky"]["skipped"] == {"robots_unavailable": 1}
    assert out["flaky"]["pages_fetched"] == 1  # its robots.txt only
    # hostile.test is on loopback and its source may reach it there; nosy, crawled in the
    # same process (one resolver), may not (issue 15)
    assert out["nosy"]["skipped"].get("blocked_address", 0) == 4, out["nosy"]
    assert out["nosy"]["pages_fetched"] == 0
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    assert peak < 1024 * 1024, f"peak RSS {peak} KiB"  # ru_maxrss is in KiB on Linux
    # the extraction workers fork from a forkserver, which is not waited for: sampled
    assert 0 < peak_tree[0] < 1024 * 1024, f"peak RSS of a crawl process {peak_tree[0]} KiB"


def test_invalid_sources_file_names_the_source_and_field(tmp_path: Path) -> None:
    from crawler.sources import SourcesError, load_sources

    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - name: ok\n    feeds: [http://a.example/f]\n"
                   "  - name: broken\n    feeds: [http://a.example/f]\n    refresh: soon\n")
    with pytest.raises(SourcesError, match=r"source 'broken': field 'refresh'"):
        load_sources(bad)
    bad.write_text("sources:\n  - name: x\n    start_urls: [ftp://a.example/]\n")
    with pytest.raises(SourcesError, match=r"source 'x': field 'start_urls'"):
        load_sources(bad)
    bad.write_text("sources:\n  - name: y\n    feeds: [http://a.example/f]\n"
                   "    schedule: every day\n")
    with pytest.raises(SourcesError, match=r"source 'y': field 'schedule'"):
        load_sources(bad)


def test_a_crawl_shared_by_two_processes_fetches_each_page_once(
        redis_url: str, tmp_path: Path) -> None:
    """Two `wiretrace crawl --shared-queue RUN` processes (as on two machines) share one
    scrapy-redis queue and duplicate filter: both work, every article is fetched by one of
    them and indexed once, and the sitemap is fetched once."""
    from wiretrace_testing.crawlsites import sitemap_xml
    from wiretrace_testing.localsites import free_port
    from wiretrace_testing.stories import story

    port, host, n = free_port(), "slowpress.test", 60
    b = SiteBuilder()
    b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    urls = []
    for i in range(n):
        paras = "".join(f"<p>{p}</p>" for p in story(400 + i).split("\n\n"))
        b.page(host, f"/news/{i}", f"<html><head><title>Story {i}</title></head><body>"
               f"<article><h1>Story {i}</h1>{paras}</article></body></html>")
        b.delay(host, f"/news/{i}", 0.3)
        urls.append(f"http://{host}:{port}/news/{i}")
    b.page(host, "/sitemap.xml", sitemap_xml(urls), "application/xml")
    b.write(tmp_path / "sites")
    write_hosts(tmp_path / "hosts", b.hosts())
    (tmp_path / "sources.yaml").write_text(json.dumps({"sources": [{
        "name": "slow", "sitemaps": [f"http://{host}:{port}/sitemap.xml"],
        "allow_private_addresses": True,
        "settings": {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                     "CONCURRENT_REQUESTS": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}}]}))
    ns = f"shared-{port}"
    env = {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": ns,
           "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts"), "WIRETRACE_EXTRACT_WORKERS": "1"}
    server = start_server(tmp_path / "sites", port)
    try:
        cmd = [WIRETRACE, "crawl", "--json", "--sources", str(tmp_path / "sources.yaml"),
               "--shared-queue", "run-1", "slow"]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
    finally:
        server.stop()
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
    runs = [json.loads(out) for out, _ in outs]
    indexed = [r["articles_indexed"] for r in runs]
    # pages fetched: robots.txt by each, the sitemap by one, every article by one of them
    fetched = sum(r["pages_fetched"] for r in runs)
    assert sum(indexed) == n and all(k > 0 for k in indexed), runs
    assert fetched == n + 1 + 2, runs
    engine = Engine.from_settings(Settings(redis_url=redis_url, namespace=ns))
    assert engine.stats().articles == n
    # the shared keys expire after the run; the queue holds MessagePack, never pickle
    keys = list(engine.client.scan_iter(match=f"{ns}:v2:crawl:shared:*"))
    assert keys and all(0 < engine.client.ttl(k) <= 86400 for k in keys)


def test_shared_queue_requests_travel_as_msgpack_never_pickle() -> None:
    import pickle

    from scrapy import Request

    from crawler import requestcodec

    req = Request("http://example.test/a?b=1", headers={"Accept": "text/html"},
                  meta={"wt_kind": "article", "wt_depth": 2}, dont_filter=False)
    d = req.to_dict()
    back = requestcodec.loads(requestcodec.dumps(d))
    assert back["url"] == d["url"] and back["meta"] == d["meta"]
    assert back["headers"][b"Accept"] == [b"text/html"]
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do, never an object
        requestcodec.loads(pickle.dumps(d))
