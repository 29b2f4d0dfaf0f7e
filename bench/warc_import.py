"""WARC import: throughput side by side with the crawl on the same pages, and peak memory at
two archive sizes.

1. Throughput: the real pages of ../shared/data/article-pages on 7 mirror sites (as
   bench/crawl_speed.py), crawled by `wiretrace crawl` from a local server, and the same pages
   in a .warc.gz imported by `wiretrace ingest --warc`; interleaved, 3 runs each, each on an
   empty index, medians.
2. Memory: archives of about SMALL and LARGE MiB (default 100 and 1024) of distinct articles
   (real pages as templates, each filled with a different text), generated here and deleted
   afterwards; the peak RSS of all processes of the import (the command and its workers),
   summed, sampled every 50 ms.

    python -m bench.warc_import [--small MIB] [--large MIB] [--skip-memory]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wiretrace_testing import warcs
from wiretrace_testing.corpus import PAGES, texts
from wiretrace_testing.crawlsites import load_originals, sitemap_xml
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts
from wiretrace_testing.procs import PeakRSS
from wiretrace_testing.real_templates import transplant

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))


def _run(args: list[str], env: dict[str, str]) -> tuple[float, dict, PeakRSS]:
    t = time.perf_counter()
    proc = subprocess.Popen([WIRETRACE, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = PeakRSS(proc.pid)
    out, err = proc.communicate()
    peak.stop()
    if proc.returncode != 0:
        raise SystemExit(f"wiretrace {' '.join(args)} failed: {err[-2000:]}")
    return time.perf_counter() - t, json.loads(out.splitlines()[0]), peak


def throughput(tmp: Path, mirrors: int = 7, runs: int = 3) -> None:
    originals = load_originals(PAGES, 10_000, min_words=0)
    port = free_port()
    b = SiteBuilder()
    urls: dict[str, list[str]] = {}
    for k in range(mirrors):
        host = f"mirror{k}.test"
        for o in originals:
            b.page(host, f"/{o.host}{o.path}", o.html)
            urls.setdefault(host, []).append(f"http://{host}:{port}/{o.host}{o.path}")
        b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
        b.page(host, "/sitemap.xml", sitemap_xml(urls[host]), "application/xml")
    b.write(tmp / "sites")
    write_hosts(tmp / "hosts", sorted(urls))
    archive = warcs.write(tmp / "mirrors.warc.gz", b, [u for us in urls.values() for u in us])
    (tmp / "sources.yaml").write_text(json.dumps({"sources": [{
        "name": "bench", "sitemaps": [f"http://{h}:{port}/sitemap.xml" for h in sorted(urls)],
        "allowed_domains": sorted(urls), "allow_private_addresses": True,
        "settings": {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                     "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}}]}))
    server = start_server(tmp / "sites", port)
    crawl, imp = [], []
    try:
        for r in range(runs):
            for kind, args, out in (
                    ("crawl", ["crawl", "--json", "--sources", str(tmp / "sources.yaml")], crawl),
                    ("warc", ["ingest", "--warc", str(archive), "--json"], imp)):
                env = {**os.environ, "WIRETRACE_HOSTS_FILE": str(tmp / "hosts"),
                       "WIRETRACE_NAMESPACE": f"warcbench-{kind}-{port}-{r}",
                       "WIRETRACE_DATA_DIR": str(tmp / "data")}
                wall, summary, _ = _run(args, env)
                out.append((wall, summary))
    finally:
        server.stop()
    n = sum(len(us) for us in urls.values())
    c_spider = statistics.median(s["seconds"] for _, s in crawl)
    c_wall = statistics.median(w for w, _ in crawl)
    i_inner = statistics.median(s["seconds"] for _, s in imp)
    i_wall = statistics.median(w for w, _ in imp)
    print(f"{n} article pages ({len(originals)} real pages x {mirrors} mirrors), "
          f"{os.cpu_count()} CPUs, medians of {runs} interleaved runs, each on an empty index")
    print(f"  wiretrace crawl          {n / c_spider:7.1f} pages/s  (whole command "
          f"{n / c_wall:6.1f})   indexed {crawl[-1][1]['articles_indexed']}")
    print(f"  wiretrace ingest --warc  {n / i_inner:7.1f} pages/s  (whole command "
          f"{n / i_wall:6.1f})   indexed {imp[-1][1]['articles_indexed']}")
    print(f"  ratio import / crawl     {c_spider / i_inner:7.2f}x          (whole command "
          f"{c_wall / i_wall:5.2f}x)")


def memory_archive(path: Path, mib: int) -> int:
    """A .warc.gz of distinct articles on real page templates, about ``mib`` MiB of HTML."""
    templates = load_originals(PAGES, 10_000, min_words=150)
    target, size, n = mib << 20, 0, 0
    bodies = iter(texts(200_000, seed=mib))
    with open(path, "wb") as fh:
        out = warcs.Writer(fh)
        while size < target:
            tpl = templates[n % len(templates)]
            page = transplant(tpl, next(bodies).split("\n"), "")
            if page is None:
                n += 1
                continue
            data = page.encode()
            out.response(f"http://archive{n % 50}.test/a/{n}.html", data,
                         headers={"Content-Type": "text/html; charset=utf-8"})
            size, n = size + len(data), n + 1
    return n


def memory(tmp: Path, sizes: list[int]) -> None:
    print(f"\npeak memory of an import, every process summed (RSS), {os.cpu_count()} CPUs")
    peaks = []
    for mib in sizes:
        archive = tmp / f"m{mib}.warc.gz"
        n = memory_archive(archive, mib)
        env = {**os.environ, "WIRETRACE_NAMESPACE": f"warcmem-{mib}-{os.getpid()}",
               "WIRETRACE_DATA_DIR": str(tmp / "data")}
        wall, summary, peak = _run(["ingest", "--warc", str(archive), "--json"], env)
        archive.unlink()
        peaks.append(peak.summed)
        print(f"  {mib:5d} MiB of HTML, {n} pages ({summary['articles_indexed']} indexed) "
              f"{wall:6.1f} s   peak {peak.summed / 1024:6.0f} MiB summed, largest process "
              f"{peak.largest / 1024:5.0f} MiB")
    if len(peaks) == 2:
        print(f"  growth {peaks[1] / peaks[0]:.2f}x from {sizes[0]} to {sizes[1]} MiB "
              f"(target: within 1.20x, and at most 1024 MiB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=100)
    ap.add_argument("--large", type=int, default=1024)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wt-warcbench-") as tmp:
        if not args.skip_throughput:
            throughput(Path(tmp))
        if not args.skip_memory:
            memory(Path(tmp), [args.small, args.large])


if __name__ == "__main__":
    main()
