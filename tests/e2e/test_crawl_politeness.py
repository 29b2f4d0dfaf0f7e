"""Politeness as a site sees it: `wiretrace crawl` against a real loopback server that counts the
requests each host has in flight, with wiretrace's settings (the defaults, a source's
DOWNLOAD_DELAY 0) and with AutoThrottle off and no delay (bench/crawl_speed.py's settings)."""

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from dedup.config import Settings
from wiretrace_testing.localsites import write_hosts

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
PAGES = 30  # articles a host's feed lists
PAUSE = 0.3  # seconds the server takes to answer an article

# host -> (the source's Scrapy settings, the most requests it may have in flight)
SOURCES: dict[str, tuple[dict[str, object], int]] = {
    "defaults.test": ({}, 4),
    "nodelay.test": ({"DOWNLOAD_DELAY": 0}, 4),
    "unthrottled.test": ({"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}, 4),
    "bench.test": ({"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                    "CONCURRENT_REQUESTS_PER_DOMAIN": 8}, 8),
}


class InFlight(ThreadingHTTPServer):
    """A feed of ``PAGES`` articles per host; each article answered after ``PAUSE`` seconds,
    while the server counts the requests of its host in flight (``peak``, ``served``)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.served: Counter[str] = Counter()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def article(self, host: str) -> None:
        with self.lock:
            self.now[host] += 1
            self.served[host] += 1
            self.peak[host] = max(self.peak[host], self.now[host])
        try:
            time.sleep(PAUSE)
        finally:
            with self.lock:
                self.now[host] -= 1


class _Handler(BaseHTTPRequestHandler):
    server: InFlight

    def log_message(self, *a: Any) -> None:
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        base = f"http://{host}:{self.server.server_address[1]}"
        if self.path == "/robots.txt":
            body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path == "/feed.xml":
            items = "".join(f"<item><link>{base}/news/{i}.html</link></item>"
                            for i in range(PAGES))
            body = f"<rss version='2.0'><channel>{items}</channel></rss>".encode()
            kind = "application/rss+xml"
        else:
            self.server.article(host)
            body, kind = b"<html><body><p>A short page.</p></body></html>", "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_no_host_gets_more_requests_at_once_than_its_concurrency(settings: Settings,
                                                                  tmp_path: Path) -> None:
    server = InFlight()
    port = server.server_address[1]
    write_hosts(tmp_path / "hosts", list(SOURCES))
    sources = [{"name": host.split(".")[0], "feeds": [f"http://{host}:{port}/feed.xml"],
                "allow_private_addresses": True, "settings": scrapy}
               for host, (scrapy, _) in SOURCES.items()]
    (tmp_path / "sources.yaml").write_text(json.dumps({"sources": sources}))
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace,
           "WIRETRACE_HOSTS_FILE": str(tmp_path / "hosts")}
    try:
        proc = subprocess.run([WIRETRACE, "crawl", "--json", "--sources",
                               str(tmp_path / "sources.yaml")], env=env,
                              capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(f"\nin flight at most: {dict(server.peak)}")  # the README quotes it (-s)
    assert server.served == dict.fromkeys(SOURCES, PAGES)
    over = {h: server.peak[h] for h, (_, limit) in SOURCES.items() if server.peak[h] > limit}
    assert not over, f"in flight at once: {dict(server.peak)}"
    # the limit is reached where nothing else holds the crawl back: this test sees a burst
    assert server.peak["bench.test"] >= 4, dict(server.peak)
