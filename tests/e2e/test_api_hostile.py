"""Hostile requests get the right status, and every answer the security headers: chunked
bodies over the limit 413, very long lookup URLs 414, a crash 500 in JSON; `X-Forwarded-For`
is believed only from the proxies the operator names."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dedup.config import Settings
from tests.e2e.test_api import Served, Target
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace.api.middleware import CSP
from wiretrace_testing.localsites import free_port
from wiretrace_testing.stories import story

LIMIT = 4096
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer"}


def _secured(r: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, (r.status_code, name, dict(r.headers))


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    app = create_app(settings, ApiSettings(max_body=LIMIT))

    @app.get("/boom")  # a route that fails as a bug would
    def boom() -> None:
        raise RuntimeError("a bug")

    server = Served(app)
    yield server
    server.stop()


def test_bodies_over_the_limit_get_413_chunked_or_not(served: Served) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(8):
            yield b"a" * 1024
        yield b'"}'

    with httpx.Client(base_url=served.url, timeout=10) as c:
        chunked = c.post("/v1/check", content=chunks(),
                         headers={"Content-Type": "application/json"})
        assert chunked.request.headers.get("transfer-encoding") == "chunked"
        assert chunked.status_code == 413, chunked.text
        assert chunked.json() == {"error": f"request body larger than {LIMIT} bytes",
                                  "reason": "body_too_large"}
        _secured(chunked)
        sized = c.post("/v1/check", content=b"{" + b" " * LIMIT + b"}",
                       headers={"Content-Type": "application/json"})
        assert sized.status_code == 413
        _secured(sized)
        # under the limit, chunked, still answered
        ok = c.post("/v1/check", content=iter([b'{"text": ', json.dumps(story(3)).encode(), b"}"]),
                    headers={"Content-Type": "application/json"})
        assert ok.status_code == 200, ok.text


@pytest.mark.parametrize("length", [3000, 5000, 12000])
def test_long_lookup_urls_get_414(served: Served, length: int) -> None:
    url = "https://a.example/" + "x" * (length - 18)
    r = httpx.get(served.url + "/v1/lookup", params={"url": url}, timeout=10)
    assert r.status_code == 414 and r.json()["reason"] == "url_too_long", r.text
    _secured(r)


def test_a_url_that_does_not_parse_is_not_indexed_not_a_500(served: Served) -> None:
    for url in ("http://[::1", "http://a.example:notaport/x"):
        r = httpx.get(served.url + "/v1/lookup", params={"url": url}, timeout=10)
        assert r.status_code == 200 and r.json()["indexed"] is False, r.text
        page = httpx.get(served.url + "/", params={"url": url}, timeout=10)
        assert page.status_code == 200 and "not indexed" in page.text, page.text[:300]


def test_the_page_answers_bad_input_in_html(served: Served) -> None:
    """A pasted text too short, a URL too long: the form's user got the API's JSON."""
    short = httpx.post(served.url + "/check", data={"text": "too short"}, timeout=10)
    long = httpx.get(served.url + "/", params={"url": "https://a.example/" + "x" * 3000},
                     timeout=10)
    for r, status, words in ((short, 400, "Text too short"), (long, 414, "URL longer")):
        assert r.status_code == status and r.headers["content-type"].startswith("text/html")
        assert words in r.text and "<form" in r.text and '"reason"' not in r.text, r.text[:300]
        _secured(r)


def test_a_crash_is_a_json_500_with_the_headers(served: Served) -> None:
    r = httpx.get(served.url + "/boom", timeout=10)
    assert r.status_code == 500 and r.json() == {"error": "internal error", "reason": "internal"}
    _secured(r)
    assert "a bug" not in r.text and "Traceback" not in r.text


def _serve(redis_url: str, namespace: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("wiretrace")), "serve", "--port", str(port)],
        env={**os.environ, "REDIS_URL": redis_url, "WIRETRACE_NAMESPACE": namespace,
             "WIRETRACE_FETCH_PER_MINUTE": "2", "WIRETRACE_FETCH_ALLOW_PRIVATE": "true", **env},
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz")
            return proc, f"http://127.0.0.1:{port}"
        except httpx.TransportError:
            assert time.monotonic() < deadline and proc.poll() is None, "serve did not start"
            time.sleep(0.1)


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_for_counts_only_from_trusted_proxies(settings: Settings,
                                                        trusted: str) -> None:
    target = Target(b"<html><body><article><p>" + story(66).encode() + b"</p></article>"
                    b"</body></html>")
    proc, url = _serve(settings.redis_url or "", settings.namespace,
                       WIRETRACE_TRUSTED_PROXIES=trusted)
    body = {"url": f"http://127.0.0.1:{target.port}/news/1"}
    try:
        codes = [httpx.post(url + "/v1/check", json=body, timeout=10,
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                 for i in range(4)]
    finally:
        proc.terminate()
        proc.wait(10)
        target.httpd.shutdown()
    if trusted:  # behind a named proxy each forwarded client has a limit of its own
        assert codes == [200, 200, 200, 200]
    else:  # by default a forged header changes nothing: loopback is one client
        assert codes == [200, 200, 429, 429]
