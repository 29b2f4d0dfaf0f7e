"""Issue 15, item 2: a public source whose start URL redirects to 127.0.0.1, crawled in one
process with a source that may reach 127.0.0.1, does not follow the redirect.

A public host cannot be served on loopback, so the crawl goes through an HTTP proxy on
loopback (`http_proxy`, Scrapy's own proxy support): the proxy answers for every host and
records every request the crawler sends, so a followed redirect would show there.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from dedup.config import Settings
from dedup.engine import Engine
from wiretrace_testing.loopback import Answer, serve_get
from wiretrace_testing.stories import story


def _page(seed: int) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in story(seed, 5).split("\n\n"))
    return (f"<html><head><title>Story {seed}</title></head><body><article>{paras}"
            "</article></body></html>").encode()


class Proxy:
    """A forward proxy that forwards nothing: it answers itself and logs what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

        def answer(path: str) -> Answer:
            self.asked.append(path)  # a proxy gets the absolute URL
            if path.startswith("http://public.example/"):
                return 302, {"Location": f"http://127.0.0.1:{self.port}/secret"}, b""
            # the lan source's page, or the secret one (a leak)
            return (200, {"Content-Type": "text/html; charset=utf-8"},
                    _page(90 if path.endswith("/lan") else 91))

        self.httpd = serve_get(answer)
        self.port = self.httpd.server_address[1]


def test_a_redirect_to_loopback_is_not_followed_for_a_public_source(
        settings: Settings, tmp_path: Path) -> None:
    proxy = Proxy()
    p = proxy.port
    quiet = ("settings: {ROBOTSTXT_OBEY: false, AUTOTHROTTLE_ENABLED: false, "
             "DOWNLOAD_DELAY: 0, RETRY_TIMES: 0}")
    (tmp_path / "sources.yaml").write_text(f"""sources:
  - name: lan
    allow_private_addresses: true
    start_urls: ["http://127.0.0.1:{p}/lan"]
    follow: {{max_depth: 0}}
    {quiet}
  - name: public
    start_urls: ["http://public.example/start"]
    follow: {{max_depth: 0}}
    {quiet}
""")
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace, "WIRETRACE_EXTRACT_WORKERS": "1",
           "http_proxy": f"http://127.0.0.1:{p}", "no_proxy": ""}
    try:
        out = subprocess.run([str(Path(sys.executable).with_name("wiretrace")), "crawl",
                              "--json", "--sources", str(tmp_path / "sources.yaml")],
                             env=env, capture_output=True, text=True, timeout=300)
    finally:
        proxy.httpd.shutdown()
    assert out.returncode == 0, out.stderr[-3000:]
    runs = {s["source"]: s for s in map(json.loads, out.stdout.splitlines())}
    # the permission was live in the process: the lan source reached 127.0.0.1
    assert runs["lan"]["articles_indexed"] == 1, runs["lan"]
    assert f"http://127.0.0.1:{p}/lan" in proxy.asked
    # the public source's start was fetched, its redirect refused by the address guard
    assert "http://public.example/start" in proxy.asked
    assert not [u for u in proxy.asked if u.endswith("/secret")], proxy.asked
    assert runs["public"]["skipped"].get("blocked_address") == 1, runs["public"]
    assert runs["public"]["articles_indexed"] == 0
    assert Engine.from_settings(settings).stats().articles == 1
