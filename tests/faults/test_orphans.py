"""A `wiretrace crawl` or `ingest` SIGKILLed mid-run leaves no process behind: its extraction
or preparation workers, a forkserver and its workers, multiprocessing's resource tracker all
end within seconds (they used to wait for good, each holding memory and a Redis-less task
queue). Nor does a SIGKILLed `wiretrace schedule`: its crawl runs used to go on to their end.
Each command runs in a session of its own, so that every process it started, orphaned or
not, is found by its session id after the kill."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import WIRETRACE, AofRedis, env_for, write_input, write_news_site
from wiretrace_testing.localsites import (
    ServerProcess,
    free_port,
    start_server,
)

HOST = "orphans.test"
PAGES = 60
GONE_WITHIN = 5.0  # seconds after the kill


def session(sid: int) -> dict[int, str]:
    """pid -> command line of every live (not zombie) process of session ``sid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        if int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            found[int(entry.name)] = cmd.strip()
    return found


def kill_and_watch(proc: subprocess.Popen[bytes], least: int,
                   wait: float = 60) -> tuple[dict[int, str], dict[int, str]]:
    """Once ``proc``'s session holds at least ``least`` processes besides it, SIGKILL
    ``proc`` alone; its session before the kill, and what of it lives ``GONE_WITHIN`` s on."""
    deadline = time.monotonic() + wait
    while len(before := session(proc.pid)) < least + 1:
        assert proc.poll() is None, f"it ended first ({proc.returncode}): {before}"
        assert time.monotonic() < deadline, f"its workers did not start: {before}"
        time.sleep(0.05)
    proc.kill()
    proc.wait(10)
    deadline = time.monotonic() + GONE_WITHIN
    while (left := session(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:  # do not leave them to the next test
        subprocess.run(["kill", "-9", str(pid)], check=False)
    return before, left


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, Path, int]]:
    tmp = tmp_path_factory.mktemp("orphansite")
    port = free_port()
    write_news_site(tmp, HOST, port, PAGES, 9000)
    server = start_server(tmp / "sites", port)
    yield server, tmp, port
    server.stop()


# fork: the workers forked before the crawl starts; forkserver: a source asking for another
# worker count gets a pool from a forkserver (the forked one stays until the end)
@pytest.mark.parametrize("pool", ["fork", "forkserver"])
def test_killed_crawl_leaves_no_process(server: AofRedis, site: tuple, pool: str) -> None:
    _, tmp, port = site
    own = "WIRETRACE_EXTRACT_WORKERS: 3, " if pool == "forkserver" else ""
    sources = tmp / f"sources-{pool}.yaml"
    sources.write_text(
        "sources:\n  - name: orphans\n    allow_private_addresses: true\n"
        f"    start_urls: ['http://{HOST}:{port}/']\n    follow: {{max_depth: 1}}\n"
        f"    settings: {{{own}AUTOTHROTTLE_ENABLED: false, DOWNLOAD_DELAY: 0.5,"
        " ROBOTSTXT_OBEY: false, LOGSTATS_INTERVAL: 0, CONCURRENT_REQUESTS_PER_DOMAIN: 1}\n")
    env = env_for(server, f"orphans-{pool}", WIRETRACE_HOSTS_FILE=str(tmp / "hosts"),
                  WIRETRACE_EXTRACT_WORKERS="2")
    proc = subprocess.Popen([WIRETRACE, "crawl", "--sources", str(sources)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    # fork: 2 workers; forkserver: those, the forkserver, its 3 workers, the resource tracker
    before, left = kill_and_watch(proc, 2 if pool == "fork" else 7)
    assert not left, (left, before)


def test_killed_ingest_leaves_no_process(server: AofRedis, tmp_path: Path) -> None:
    """The preparation pool (a ``multiprocessing.Pool``): its workers also end by themselves,
    at the end of file of their task queue; this keeps it so."""
    path = tmp_path / "in.jsonl"
    write_input(path, 3000)
    env = env_for(server, "orphans-ingest", WIRETRACE_INGEST_WORKERS="2")
    proc = subprocess.Popen([WIRETRACE, "ingest", "--jsonl", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    before, left = kill_and_watch(proc, 2)
    assert not left, (left, before)


def test_killed_scheduler_leaves_no_process(server: AofRedis, site: tuple) -> None:
    """The scheduler's run (a `wiretrace crawl` of its own, 30 s of pages) and that run's
    extraction workers end with the scheduler."""
    _, tmp, port = site
    sources = tmp / "sources-scheduled.yaml"
    sources.write_text(
        "sources:\n  - name: scheduled\n    allow_private_addresses: true\n"
        f"    start_urls: ['http://{HOST}:{port}/']\n    follow: {{max_depth: 1}}\n"
        "    schedule: '* * * * * */1'\n"
        "    settings: {AUTOTHROTTLE_ENABLED: false, DOWNLOAD_DELAY: 0.5,"
        " ROBOTSTXT_OBEY: false, LOGSTATS_INTERVAL: 0, CONCURRENT_REQUESTS_PER_DOMAIN: 1}\n")
    env = env_for(server, "orphans-schedule", WIRETRACE_HOSTS_FILE=str(tmp / "hosts"),
                  WIRETRACE_EXTRACT_WORKERS="2", WIRETRACE_ALLOW_LOCAL_SOURCES="true")
    proc = subprocess.Popen([WIRETRACE, "schedule", "--sources", str(sources)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    # the run and its 2 extraction workers
    before, left = kill_and_watch(proc, 3)
    assert any(" crawl " in cmd for cmd in before.values()), before
    assert not left, (left, before)
