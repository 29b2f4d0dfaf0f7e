"""Put a generated web through wiretrace and read back its answers, with the `wiretrace`
command in processes of their own, phase after phase:

- ``crawl``: the web served on loopback (``crawler.localsites``, host names mapped by a hosts
  file), each phase's sites crawled from their sitemaps with ``wiretrace crawl``;
- ``ingest``: each phase's pages (their HTML, in an order fixed by the seed) given to
  ``wiretrace ingest --jsonl``: the same extraction, no HTTP.

Then every page is looked up (``wiretrace lookup --json``), in the web's page order.
"""

import html
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts
from wiretrace_testing.webgen.web import Web


@dataclass
class Answers:
    urls: list[str]  # each page's URL, in the web's page order
    results: list[dict[str, object]]  # `wiretrace lookup --json`, same order
    seconds: float  # crawling or ingesting, lookups excluded
    mode: str


def _exe() -> str:
    return str(Path(sys.executable).with_name("wiretrace"))


def command_env(workdir: Path, redis_url: str, namespace: str, **extra: str) -> dict[str, str]:
    """The environment of a `wiretrace` command on this web's index."""
    return {**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": namespace,
            "WIRETRACE_DATA_DIR": str(workdir / "data"), **extra}


def _sitemap(urls: list[str]) -> str:
    return ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls) + "</urlset>")


PHASE_ORDERS = ("originals-first", "copies-first", "interleaved")


def in_phase_order(web: Web, order: str) -> Web:
    """The same web crawled in another phase order: the originals' sites in one phase and
    the republishers' in the next (``originals-first``, ``copies-first``), or every site in
    one crawl, fetched concurrently (``interleaved``)."""
    if order not in PHASE_ORDERS:
        raise ValueError(f"unknown phase order {order!r}")
    hosts = {o.host for o in web.originals.values()}

    def phase(host: str) -> int:
        if order == "interleaved":
            return 0
        return int((host in hosts) == (order == "copies-first"))

    return replace(web, pages=[replace(p, phase=phase(p.host)) for p in web.pages],
                   phases=1 if order == "interleaved" else 2)


def _phases(web: Web) -> list[list[int]]:
    return [[i for i, p in enumerate(web.pages) if p.phase == k] for k in range(web.phases)]


def lookup(urls: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    out = subprocess.run([_exe(), "lookup", "--json", *urls], env=env, check=True,
                         capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def export(env: dict[str, str]) -> list[dict[str, object]]:
    out = subprocess.run([_exe(), "export", "--jsonl"], env=env, check=True,
                         capture_output=True, text=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def ingest(web: Web, workdir: Path, redis_url: str, namespace: str,
           workers: int = 2) -> Answers:
    env = command_env(workdir, redis_url, namespace, WIRETRACE_INGEST_WORKERS=str(workers))
    urls = [p.url(None) for p in web.pages]
    rng = random.Random(web.seed)
    t = time.perf_counter()
    for k, idx in enumerate(_phases(web)):
        rng.shuffle(idx)
        path = workdir / f"phase{k}.jsonl"
        path.write_text("".join(json.dumps({"url": urls[i], "html": web.pages[i].html.decode(
            "utf-8", "replace")}) + "\n" for i in idx))
        subprocess.run([_exe(), "ingest", "--jsonl", str(path)], env=env, check=True,
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t
    return Answers(urls, lookup(urls, env), seconds, "ingest")


def crawl(web: Web, workdir: Path, redis_url: str, namespace: str) -> Answers:
    port = free_port()
    b = SiteBuilder()
    urls = [p.url(port) for p in web.pages]
    by_host: dict[str, list[str]] = {}
    for p, u in zip(web.pages, urls, strict=True):
        b.page(p.host, p.path, p.html)
        by_host.setdefault(p.host, []).append(u)
    for host, hurls in by_host.items():
        b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
        b.page(host, "/sitemap.xml", _sitemap(hurls), "application/xml")
    b.write(workdir / "sites")
    write_hosts(workdir / "hosts", b.hosts())
    common = {"allow_private_addresses": True, "settings": {
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}}
    sources = []
    for k in range(web.phases):
        hosts = sorted({p.host for p in web.pages if p.phase == k})
        if hosts:
            sources.append({"name": f"phase{k}", "allowed_domains": hosts, **common,
                            "sitemaps": [f"http://{h}:{port}/sitemap.xml" for h in hosts]})
    (workdir / "sources.yaml").write_text(json.dumps({"sources": sources}))
    env = command_env(workdir, redis_url, namespace, WIRETRACE_HOSTS_FILE=str(workdir / "hosts"))
    server = start_server(workdir / "sites", port)
    t = time.perf_counter()
    try:
        for s in sources:
            subprocess.run([_exe(), "crawl", "--sources", str(workdir / "sources.yaml"),
                            str(s["name"])], env=env, check=True, capture_output=True, text=True)
    finally:
        server.stop()
    seconds = time.perf_counter() - t
    return Answers(urls, lookup(urls, env), seconds, "crawl")
