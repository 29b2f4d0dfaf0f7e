"""Crawl throughput: `wiretrace crawl` (Scrapy, extraction in a process pool, indexing in
Redis) vs one process running trafilatura with metadata and the same text settings as
wiretrace's extraction (dedup.extraction.TEXT_OPTIONS: ``fast``, and its fallbacks for
short results when set), on the same pages.

The pages are the real pages of ../shared/data/article-pages, served by several mirror sites
(each mirror holds every page, under /<original host>/<original path>) so that there are at
least 500 article pages; the server runs in its own process; AutoThrottle is off. Five runs,
each a trafilatura pass then a crawl from an empty index (interleaved, so that a machine
that slows down slows both); the medians are reported. Uses REDIS_URL when set, else the
embedded server.

    python -m bench.crawl_speed [MIRRORS] [RUNS]
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import trafilatura

from dedup.extraction import TEXT_OPTIONS
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.crawlsites import load_originals, sitemap_xml
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts


def main() -> None:
    mirrors = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    originals = load_originals(PAGES, 10_000, min_words=0)
    pages = [(f"mirror{k}.test", o) for k in range(mirrors) for o in originals]

    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    opts = TEXT_OPTIONS

    def baseline_pass() -> float:
        """One process, trafilatura with metadata and wiretrace's text settings."""
        t = time.perf_counter()
        for o in originals:
            html = o.html.decode("utf-8", "replace")
            doc = trafilatura.bare_extraction(html, url=o.url, with_metadata=True,
                                              fast=opts.fast)
            if opts.fast and opts.fallback_below_words and len(
                    (getattr(doc, "text", "") or "").split()) < opts.fallback_below_words:
                trafilatura.bare_extraction(html, url=o.url, with_metadata=True, fast=False)
        return (time.perf_counter() - t) * mirrors  # the pages, as often as the crawl sees them

    # ---- wiretrace crawl ------------------------------------------------------------------
    with tempfile.TemporaryDirectory(prefix="wt-crawlbench-") as tmp:
        port = free_port()
        b = SiteBuilder()
        hosts = sorted({h for h, _ in pages})
        by_host: dict[str, list[str]] = {}
        for host, o in pages:
            path = f"/{o.host}{o.path}"
            b.page(host, path, o.html)
            by_host.setdefault(host, []).append(path)
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
        measured = []  # (trafilatura seconds, crawl wall seconds, crawl summary)
        try:
            for r in range(runs):  # interleaved: a trafilatura pass, then a crawl
                base = baseline_pass()
                env = {**os.environ, "WIRETRACE_HOSTS_FILE": str(Path(tmp) / "hosts"),
                       "WIRETRACE_NAMESPACE": f"crawlbench-{port}-{r}",
                       "WIRETRACE_DATA_DIR": str(Path(tmp) / f"data{r}")}
                t = time.perf_counter()
                proc = subprocess.run([str(Path(sys.executable).with_name("wiretrace")),
                                       "crawl", "--json", "--sources",
                                       str(Path(tmp) / "sources.yaml")],
                                      env=env, capture_output=True, text=True, check=True)
                measured.append((base, time.perf_counter() - t,
                                 json.loads(proc.stdout.splitlines()[0])))
        finally:
            server.stop()
    base = median(b for b, _, _ in measured)
    spider = median(s["seconds"] for _, _, s in measured)
    wall = median(w for _, w, _ in measured)
    spider_ratios = [b / s["seconds"] for b, _, s in measured]
    summary = measured[-1][2]
    n = len(pages)
    print(f"{n} article pages ({len(originals)} real pages x {mirrors} mirror sites), "
          f"{os.cpu_count()} CPUs, text settings {opts}, medians of {runs} interleaved runs")
    print(f"  trafilatura, one process      {n / base:7.1f} pages/s")
    print(f"  wiretrace crawl (spider time) {n / spider:7.1f} pages/s   ratio "
          f"{median(spider_ratios):4.2f}x (runs: "
          f"{', '.join(f'{r:.2f}' for r in spider_ratios)})   "
          f"({summary['articles_indexed']} indexed, skipped {summary['skipped']})")
    print(f"  wiretrace crawl (whole command, start-up included) {n / wall:7.1f} pages/s   "
          f"ratio {median(b / w for b, w, _ in measured):4.2f}x")


if __name__ == "__main__":
    main()
