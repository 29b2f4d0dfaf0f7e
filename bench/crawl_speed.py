"""Crawl throughput: `wiretrace crawl` (Scrapy, extraction in a process pool, signing and
indexing in Redis) vs one process doing what trafilatura alone does for the same pages:
fetch each page with trafilatura's own downloader (``fetch_url``) and extract it with
metadata and wiretrace's text settings (dedup.extraction.TEXT_OPTIONS: ``fast``, comments
left out, and its fallbacks for short results when set).

The pages are the real pages of ../shared/data/article-pages, served by several mirror sites
(each mirror holds every page, under /<original host>/<original path>) so that there are at
least 500 article pages; one server in its own process serves both sides; AutoThrottle is
off. Five runs, each a trafilatura pass and a crawl from an empty index, in turn (the first
of the two alternates), so that a machine that slows down slows both; the medians are
reported, with the CPU time per page of each side (the crawl: its main process and its
workers), which the other users of a shared machine change less than the wall time.
Uses REDIS_URL when set, else the embedded server.

    python -m bench.crawl_speed [MIRRORS] [RUNS]      (or: make bench-crawl)
"""

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from configparser import ConfigParser
from pathlib import Path
from statistics import median
from typing import Any

import trafilatura
from trafilatura.settings import DEFAULT_CONFIG

from dedup.extraction import TEXT_OPTIONS
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.crawlsites import load_originals, sitemap_xml
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts

TARGET = 1.5


def _loopback_test_hosts() -> None:
    """Resolve the mirror sites (``*.test``) to the loopback server, as the crawl's hosts
    file does (trafilatura's downloader resolves names itself)."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".test"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def _downloader_config() -> ConfigParser:
    """trafilatura's configuration, its SSRF guard off (the sites are on loopback)."""
    config = ConfigParser()
    config.read_dict({"DEFAULT": dict(DEFAULT_CONFIG["DEFAULT"])})
    config["DEFAULT"]["SSRF_PROTECTION"] = "off"
    return config


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    mirrors = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    originals = load_originals(PAGES, 10_000, min_words=0)
    pages = [(f"mirror{k}.test", o) for k in range(mirrors) for o in originals]
    opts = TEXT_OPTIONS
    _loopback_test_hosts()
    config = _downloader_config()

    def extract(html: str, url: str) -> None:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False, fast=opts.fast)
        if opts.fast and opts.fallback_below_words and len(
                (getattr(doc, "text", "") or "").split()) < opts.fallback_below_words:
            trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                        include_comments=False, fast=False)

    def baseline_pass(urls: list[str]) -> tuple[float, float, float]:
        """One process: fetch and extract each page. (wall seconds, CPU seconds, seconds
        in extraction alone)"""
        t, cpu, extracting = time.perf_counter(), time.process_time(), 0.0
        for url in urls:
            html = trafilatura.fetch_url(url, config=config)
            if not html:
                raise RuntimeError(f"trafilatura could not fetch {url}")
            e = time.perf_counter()
            extract(html, url)
            extracting += time.perf_counter() - e
        return time.perf_counter() - t, time.process_time() - cpu, extracting

    with tempfile.TemporaryDirectory(prefix="wt-crawlbench-") as tmp:
        port = free_port()
        b = SiteBuilder()
        hosts = sorted({h for h, _ in pages})
        by_host: dict[str, list[str]] = {}
        for host, o in pages:
            path = f"/{o.host}{o.path}"
            b.page(host, path, o.html)
            by_host.setdefault(host, []).append(path)
        urls = [f"http://{host}:{port}{p}" for host, paths in by_host.items() for p in paths]
        for host, paths in by_host.items():
            b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
            b.page(host, "/sitemap.xml",
                   sitemap_xml([f"http://{host}:{port}{p}" for p in paths]), "application/xml")
        b.write(Path(tmp) / "sites")
        write_hosts(Path(tmp) / "hosts", hosts)
        sitemaps = [f"http://{h}:{port}/sitemap.xml" for h in hosts]
        (Path(tmp) / "sources.yaml").write_text(json.dumps({"sources": [{
            "name": "bench", "sitemaps": sitemaps, "allowed_domains": hosts,
            "allow_private_addresses": True,
            "settings": {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                         "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                         "ROBOTSTXT_OBEY": True}}]}))
        server = start_server(Path(tmp) / "sites", port)

        def crawl(r: int) -> tuple[float, float, dict[str, Any]]:
            """(wall seconds, CPU seconds of the command and its workers, summary)"""
            env = {**os.environ, "WIRETRACE_HOSTS_FILE": str(Path(tmp) / "hosts"),
                   "WIRETRACE_NAMESPACE": f"crawlbench-{port}-{r}",
                   "WIRETRACE_DATA_DIR": str(Path(tmp) / f"data{r}")}
            t, cpu = time.perf_counter(), _cpu_children()
            proc = subprocess.run([str(Path(sys.executable).with_name("wiretrace")),
                                   "crawl", "--json", "--sources",
                                   str(Path(tmp) / "sources.yaml")],
                                  env=env, capture_output=True, text=True, check=True)
            wall, cpu = time.perf_counter() - t, _cpu_children() - cpu
            return wall, cpu, json.loads(proc.stdout.splitlines()[0])

        loads = [os.getloadavg()[0]]
        measured = []  # (baseline, crawl) per run
        try:
            for r in range(runs):  # interleaved; which side goes first alternates
                if r % 2:
                    c = crawl(r)
                    base = baseline_pass(urls)
                else:
                    base = baseline_pass(urls)
                    c = crawl(r)
                measured.append((base, c))
                loads.append(os.getloadavg()[0])
        finally:
            server.stop()
    report(measured, len(pages), len(originals), mirrors, runs, loads)


def report(measured: list[tuple[tuple[float, float, float], tuple[float, float, dict[str, Any]]]],
           n: int, real: int, mirrors: int, runs: int, loads: list[float]) -> None:
    def med(values: list[float]) -> float:
        return median(values)

    base = med([b[0] for b, _ in measured])
    spider = med([c[2]["seconds"] for _, c in measured])
    wall = med([c[0] for _, c in measured])
    ratios = [b[0] / c[2]["seconds"] for b, c in measured]
    whole = [b[0] / c[0] for b, c in measured]
    extract_only = [b[2] / c[2]["seconds"] for b, c in measured]
    summary = measured[-1][1][2]
    print(f"{n} article pages ({real} real pages x {mirrors} mirror sites), "
          f"{os.cpu_count()} CPUs, text settings {TEXT_OPTIONS}, comments off, "
          f"medians of {runs} interleaved runs; load average (1 min) "
          f"{min(loads):.1f}-{max(loads):.1f} during the runs")
    print(f"  trafilatura, one process (fetch_url + bare_extraction)   {n / base:7.1f} pages/s"
          f"   CPU {med([b[1] for b, _ in measured]) / n * 1000:5.1f} ms/page "
          f"(extraction alone {n / med([b[2] for b, _ in measured]):.1f} pages/s)")
    print(f"  wiretrace crawl (spider time)                            {n / spider:7.1f} "
          f"pages/s   CPU {med([c[1] for _, c in measured]) / n * 1000:5.1f} ms/page "
          f"(command and workers)   ({summary['articles_indexed']} indexed, "
          f"skipped {summary['skipped']})")
    print(f"  wiretrace crawl (whole command, start-up included)       {n / wall:7.1f} pages/s"
          f"   ratio {med(whole):4.2f}x")
    print(f"  vs trafilatura's extraction alone (no fetching): ratio {med(extract_only):4.2f}x "
          f"(spider time)")
    # cores busy: CPU seconds over wall seconds (the crawl's whole command: its CPU includes
    # start-up); the ratio the CPU per page allows on idle CPUs: trafilatura's pass as long
    # as its CPU time, the crawl's as its CPU time spread over every CPU
    busy_base = med([b[1] / b[0] for b, _ in measured])
    busy_crawl = med([c[1] / c[0] for _, c in measured])
    bound = med([b[1] / (c[1] / (os.cpu_count() or 1)) for b, c in measured])
    print(f"  cores busy (CPU / wall): trafilatura {busy_base:.2f}, crawl {busy_crawl:.2f} "
          f"(whole command); on {os.cpu_count()} idle CPUs the CPU per page allows "
          f"{bound:.2f}x (the crawl's start-up included)")
    base_runs = ", ".join(f"{b[0]:.1f}" for b, _ in measured)
    crawl_runs = ", ".join(f"{c[2]['seconds']:.1f}" for _, c in measured)
    print(f"  per run, seconds: trafilatura {base_runs}; crawl (spider time) {crawl_runs}")
    verdict = "met" if med(ratios) >= TARGET else "MISSED"
    print(f"RATIO {med(ratios):.2f}x (crawl spider time vs one trafilatura process, median of "
          f"{runs}; runs {', '.join(f'{r:.2f}' for r in ratios)}); target >= {TARGET}x: "
          f"{verdict}")


if __name__ == "__main__":
    main()
