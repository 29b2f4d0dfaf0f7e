"""Small sources crawled in one process share one extraction pool and one index writer: at
most CPU count + 3 processes at any moment, summed RSS of all ≤ 2 GiB, every article indexed.

60 sources in `make test`; the 500 of the issue in `make soak` (Scrapy builds one crawler per
source, about 0.8 s each on 2 cores, so 500 take minutes)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from wiretrace_testing.localsites import SiteBuilder, free_port, start_server, write_hosts
from wiretrace_testing.procs import PeakRSS
from wiretrace_testing.stories import story

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))


@pytest.mark.parametrize("n", [60, pytest.param(500, marks=pytest.mark.soak)])
def test_many_sources_share_one_pool_and_writer(settings: Settings, tmp_path: Path,
                                                n: int) -> None:
    N = n
    port = free_port()
    b = SiteBuilder()
    names = [f"s{i}.test" for i in range(N)]
    for i, host in enumerate(names):
        paras = "".join(f"<p>{p}</p>" for p in story(1000 + i, 4).split("\n\n"))
        b.page(host, "/a", f"<html><head><title>Story {i}</title></head><body><article>"
                           f"<h1>Story {i}</h1>{paras}</article></body></html>")
    b.write(tmp_path / "sites")
    write_hosts(tmp_path / "hosts", names)
    (tmp_path / "sources.yaml").write_text(
        "defaults: {allow_private_addresses: true, settings: {AUTOTHROTTLE_ENABLED: false, "
        "DOWNLOAD_DELAY: 0, ROBOTSTXT_OBEY: false, LOGSTATS_INTERVAL: 0}}\nsources:\n"
        + "".join(f"  - {{name: src{i}, start_urls: ['http://{h}:{port}/a'], "
                  "follow: {max_depth: 0}}\n" for i, h in enumerate(names)))
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace,
           "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts")}
    env.pop("WIRETRACE_EXTRACT_WORKERS", None)  # the default: one worker per CPU
    server = start_server(tmp_path / "sites", port)
    try:
        proc = subprocess.Popen([WIRETRACE, "crawl", "--json", "--sources",
                                 str(tmp_path / "sources.yaml")], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = PeakRSS(proc.pid, interval=0.1)
        try:
            stdout, stderr = proc.communicate(timeout=1200)
        finally:
            peak.stop()
    finally:
        server.stop()
    print(f"\n{N} sources: {peak.processes} processes at most, {peak.summed >> 10} MiB summed "
          f"RSS at peak")  # the numbers the README quotes (run with -s)
    assert proc.returncode == 0, stderr[-3000:]
    summaries = [json.loads(line) for line in stdout.splitlines()]
    assert len(summaries) == N
    assert sum(s["articles_indexed"] for s in summaries) == N, [
        s for s in summaries if s["articles_indexed"] != 1][:3]
    assert Engine.from_settings(settings).stats().articles == N
    assert peak.processes <= (os.cpu_count() or 1) + 3, peak.processes
    assert peak.summed <= 2 << 20, peak.summed  # KiB: 2 GiB


def test_the_sources_file_is_read_once_for_every_source(settings: Settings,
                                                         tmp_path: Path) -> None:
    """`wiretrace crawl` of three sources opens the file once (it was read once to check it,
    once to crawl, and once more by each source's spider: five times). The crawl process
    counts its opens of the file with an audit hook (Python's own "open" event)."""
    port = free_port()
    b = SiteBuilder()
    names = [f"r{i}.test" for i in range(3)]
    for host in names:
        b.page(host, "/a", "<html><body><p>a short page</p></body></html>")
    b.write(tmp_path / "sites")
    write_hosts(tmp_path / "hosts", names)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "defaults: {allow_private_addresses: true, settings: {ROBOTSTXT_OBEY: false}}\n"
        "sources:\n" + "".join(f"  - {{name: src{i}, start_urls: ['http://{h}:{port}/a'], "
                               "follow: {max_depth: 0}}\n" for i, h in enumerate(names)))
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace,
           "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts")}
    server = start_server(tmp_path / "sites", port)
    try:
        proc = subprocess.run([sys.executable, "-c", COUNT_OPENS, str(sources), "crawl",
                               "--json", "--sources", str(sources)],
                              env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.stop()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(json.loads(line)["source"] for line in proc.stdout.splitlines()) == [
        "src0", "src1", "src2"]
    assert proc.stderr.splitlines()[-1] == "opened 1", proc.stderr[-3000:]


# `wiretrace ARGS...` that counts the opens of the file given first, and says so last
COUNT_OPENS = """
import atexit, sys
watched, opens = sys.argv.pop(1), []
sys.addaudithook(lambda event, args: event == "open" and str(args[0]) == watched
                 and opens.append(1))
atexit.register(lambda: print(f"opened {len(opens)}", file=sys.stderr))
from wiretrace.cli import main
sys.exit(main(sys.argv[1:]))
"""
