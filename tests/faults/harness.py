"""What the kill suite shares: a redis-server with AOF (everysec) that can be SIGKILLed and
restarted on its data, the `wiretrace` command as a process, an input of originals and their
copies, and the checks every round ends with.

"Acknowledged" is what a process reported committed before it died: the ingest command logs
``committed N articles so far`` after each batch (batches are written in input order, so these
are the first N articles of the input), and says the count in its one error line when Redis
dies under it.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from dedup.config import Settings
from dedup.engine import Engine
from tests.conftest import _free_port, wait_for_redis
from wiretrace_testing.localsites import SiteBuilder, write_hosts
from wiretrace_testing.stories import light_edit, story, wrapped_copy

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
# three rounds of each kill in `make test`, fifty in `make soak`
ROUNDS = [*range(3), *(pytest.param(r, marks=pytest.mark.soak) for r in range(3, 50))]
COMMITTED = re.compile(r"committed (\d+) articles so far")


class AofRedis:
    """A redis-server of its own with ``appendonly yes``, ``appendfsync everysec``."""

    def __init__(self, workdir: Path) -> None:
        self.dir, self.port = workdir, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        """Start the server on its AOF, unless it is still running (a second one could not
        bind the port, and the running one would be left behind)."""
        if self.proc is not None and self.proc.poll() is None:
            return
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL)
        wait_for_redis(redis.Redis(port=self.port, socket_timeout=1), seconds=30)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last fsync."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)


def env_for(server: AofRedis, namespace: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": server.url, "WIRETRACE_NAMESPACE": namespace,
            "WIRETRACE_REDIS_TIMEOUT": "2", **extra}


def wiretrace(env: dict[str, str], *args: str, timeout: float = 120,
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WIRETRACE, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def write_input(path: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` articles as JSON lines: originals, then copies, excerpts-free rewrites and
    copies of copies, dated so the originals come first. Returns the URLs in input order."""
    urls, lines = [], []
    for i in range(n):
        base = seed * 100_000 + i // 3
        text = story(base, 6)
        kind = i % 3
        url = f"https://{['origin', 'farm', 'mirror'][kind]}{i % 7}.example/{seed}/{i}"
        body = text if kind == 0 else wrapped_copy(text) if kind == 1 else \
            light_edit(text, seed=i)
        lines.append(json.dumps({"url": url, "title": f"Story {base}", "text": body,
                                 "published": f"2024-01-{1 + kind:02d}T00:00:00Z"}))
        urls.append(url)
    path.write_text("\n".join(lines) + "\n")
    return urls


def acknowledged(stderr: str) -> int:
    """How many articles the ingest command reported committed (0 for none)."""
    found = COMMITTED.findall(stderr)
    said = re.search(r"(\d+) articles were committed before it", stderr)
    return max([int(x) for x in found] + ([int(said.group(1))] if said else []) + [0])


def engine_of(server: AofRedis, namespace: str) -> Engine:
    return Engine.from_settings(Settings(redis_url=server.url, namespace=namespace))


def stored(server: AofRedis, namespace: str, urls: list[str]) -> set[str]:
    """Which of ``urls`` the index has (one lookup each, through the engine)."""
    return {r.url for r in engine_of(server, namespace).lookup(urls) if r.indexed}


def roles(server: AofRedis, namespace: str) -> dict[str, tuple[str, str | None]]:
    """url -> (role, original's url) of every article (what `wiretrace export` prints)."""
    return {str(r["url"]): (str(r["role"]), r["original"])  # type: ignore[misc]
            for r in engine_of(server, namespace).export()}


def exported(server: AofRedis, namespace: str) -> dict[str, dict[str, object]]:
    """url -> its `wiretrace export` record but the first-seen time (a clock reading)."""
    return {str(r["url"]): {k: v for k, v in r.items() if k != "first_seen"}
            for r in engine_of(server, namespace).export()}


def assert_fsck_clean(env: dict[str, str]) -> None:
    out = wiretrace(env, "fsck")
    assert out.returncode == 0 and not out.stdout.strip(), (out.stdout, out.stderr)


def start_ingest(env: dict[str, str], path: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """`wiretrace ingest` logging each commit, once it has committed its first batch (so that
    a kill lands mid-ingest however slow the machine); the stderr lines read so far."""
    proc = subprocess.Popen([WIRETRACE, "ingest", "--jsonl", str(path)],
                            env={**env, "WIRETRACE_LOG_LEVEL": "INFO"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen: list[str] = []
    for line in proc.stderr:
        seen.append(line)
        if COMMITTED.search(line):
            break
    return proc, seen


def kill_after(proc: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL ``proc`` after ``seconds`` unless it finished first; whether it was killed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    return True


def write_news_site(tmp: Path, host: str, port: int, n: int, seed: int) -> list[str]:
    """A site of ``n`` stories linked from its home page, in ``tmp/sites`` (for
    :func:`wiretrace_testing.localsites.start_server`), its host in ``tmp/hosts``; the
    stories' URLs."""
    b = SiteBuilder()
    b.page(host, "/", "<html><body>" + "".join(
        f"<a href='/news/{i}.html'>Story {i}</a>" for i in range(n)) + "</body></html>")
    for i in range(n):
        paras = "".join(f"<p>{p}</p>" for p in story(seed + i, 5).split("\n\n"))
        b.page(host, f"/news/{i}.html", f"<html><head><title>Story {i}</title></head><body>"
                                        f"<article><h1>Story {i}</h1>{paras}</article></body>"
                                        "</html>")
    b.write(tmp / "sites")
    write_hosts(tmp / "hosts", [host])
    return [f"http://{host}:{port}/news/{i}.html" for i in range(n)]
