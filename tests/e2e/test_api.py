"""The HTTP API and the web page, served by uvicorn on loopback against a real Redis."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import uvicorn

from dedup.config import Settings
from dedup.engine import Engine
from dedup.fetch import FetchPolicy
from dedup.models import ArticleInput
from tests.conftest import wait_for_redis
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing.loopback import Answer, serve_get
from wiretrace_testing.stories import excerpt, light_edit, story, wrapped_copy

ORIG = "https://origin.example/news/story"
COPY = "https://farm.example/copy"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, app: Any) -> None:
        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class Target:
    """A loopback HTTP server that counts the connections it gets (SSRF probes: none)."""

    def __init__(self, body: bytes) -> None:
        self.hits = 0

        def answer(path: str) -> Answer:
            self.hits += 1
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body

        self.httpd = serve_get(answer)
        self.port = self.httpd.server_address[1]


@pytest.fixture
def api(settings: Settings) -> Iterator[tuple[str, Engine]]:
    engine = Engine.from_settings(settings)
    text = story(61)
    engine.ingest([
        ArticleInput(url=ORIG, text=text, title="The <script>alert(1)</script> story",
                     published="2024-01-01T00:00:00Z"),
        ArticleInput(url=COPY, text=wrapped_copy(text, "Source: origin.example"),
                     published="2024-01-05T00:00:00Z"),
    ])
    served = Served(create_app(settings, ApiSettings(api_key=None, fetch_per_minute=100)))
    yield served.url, engine
    served.stop()


def test_endpoints(api: tuple[str, Engine]) -> None:
    base, engine = api
    with httpx.Client(base_url=base, timeout=10) as c:
        got = c.get("/v1/lookup", params={"url": COPY}).json()
        assert got == engine.lookup([COPY])[0].to_dict()  # the CLI's JSON
        assert got["role"] == "copy" and got["original"]["url"] == ORIG
        orig = c.get("/v1/lookup", params={"url": ORIG}).json()
        assert [x["url"] for x in orig["copies"]] == [COPY]
        assert c.get(f"/v1/articles/{got['id']}").json()["url"] == COPY
        assert c.get("/v1/articles/0000000000000000").status_code == 404
        cl = c.get(f"/v1/clusters/{got['cluster']}").json()
        assert {m["url"] for m in cl["members"]} == {ORIG, COPY}
        assert c.get("/v1/stats").json()["articles"] == 2
        assert c.get("/healthz").json() == {"status": "ok"}
        assert c.get("/readyz").json() == {"status": "ready"}
        metrics = c.get("/metrics").text
        assert "wiretrace_articles 2.0" in metrics and "wiretrace_lookups_total" in metrics
        assert "/v1/lookup" in c.get("/openapi.json").json()["paths"]
        checked = c.post("/v1/check", json={"text": wrapped_copy(story(61))}).json()
        assert checked["indexed"] is False and checked["role"] == "copy"
        assert c.post("/v1/check", json={}).status_code == 400
        assert c.get("/v1/lookup", params={"url": "https://a.example/" + "x" * 3000}
                     ).status_code == 414
        big = b'{"text": "' + b"a" * (6 * 1024 * 1024) + b'"}'
        r = c.post("/v1/check", content=big, headers={"Content-Type": "application/json"})
        assert r.status_code == 413


@pytest.mark.cluster
def test_check_batch_gives_each_item_what_check_gives_it(api: tuple[str, Engine]) -> None:
    """POST /v1/check/batch answers each item as POST /v1/check does (the answer, or the
    error with its reason), in order; a URL is refused in its place; past
    WIRETRACE_CHECK_BATCH_MAX the request gets 413 in one line."""
    base, _ = api
    text = story(61)
    items: list[dict[str, str]] = [
        {"text": wrapped_copy(text, "Via origin.example")}, {"text": excerpt(text)},
        {"text": light_edit(text, 3)}, {"text": story(62)}, {"text": text},
        {"html": f"<html><body><article><h1>T</h1><p>{wrapped_copy(text)}</p></article>"
                 "</body></html>"},
        {}, {"text": "x", "html": "<p>y</p>"}, {"text": "   "}, {"text": "too short"}]
    with httpx.Client(base_url=base, timeout=30) as c:
        one = [c.post("/v1/check", json=item) for item in items]
        r = c.post("/v1/check/batch", json={"items": [*items, {"url": ORIG}]})
        assert r.status_code == 200, r.text
        batch = r.json()["results"]
        assert len(batch) == len(items) + 1
        answered = 0
        for item, single, got in zip(items, one, batch, strict=False):
            expected = single.json()
            if single.status_code == 200:
                answered += 1
                expected.pop("first_seen"), got.pop("first_seen")  # when the check was made
            else:
                assert single.status_code == 400, (item, expected)
            assert got == expected, item
        assert answered == 6 and {x["role"] for x in batch[:5]} >= {"copy", "partial"}
        assert batch[-1] == {"error": "a URL is fetched one at a time: POST /v1/check",
                             "reason": "url_in_batch"}
        assert c.post("/v1/check/batch", json={"items": []}).json() == {"results": []}
        r = c.post("/v1/check/batch", json={"items": [{"text": "a"}] * 101})
        assert r.status_code == 413
        assert r.json() == {"error": "at most 100 items a request (WIRETRACE_CHECK_BATCH_MAX); "
                                     "this one has 101", "reason": "too_many_items"}


def test_page_escapes_and_sends_csp(api: tuple[str, Engine]) -> None:
    base, _ = api
    with httpx.Client(base_url=base, timeout=10) as c:
        r = c.get("/", params={"url": ORIG})
        assert r.status_code == 200
        assert "default-src 'none'" in r.headers["content-security-policy"]
        assert "<script>" not in r.text and "&lt;script&gt;" in r.text
        assert COPY in r.text
        assert 'class="evidence"><span>attribution: origin.example' in r.text  # in its row
        assert f'value="{ORIG}"' in r.text  # the query stays in the form
        link = r.text.split('href="/diff?')[1].split('"')[0].replace("&amp;", "&")
        d = c.get("/diff?" + link)
        assert d.status_code == 200 and "<ins>" in d.text
        assert "origin.example" in d.text and "farm.example" in d.text  # both sites
        assert d.text.count('">its answer</a>') == 2  # and the way back to each
        counts = re.findall(r"\b(\d+) (words?|sentences?) (added|moved)", d.text)
        assert len(counts) == 2, counts  # counted, in the singular for one
        assert all((n == "1") == (not w.endswith("s")) for n, w, _ in counts), counts


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{p}/", "http://2130706433:{p}/", "http://0x7f.1:{p}/",
    "http://[::1]:{p}/", "http://[::ffff:127.0.0.1]:{p}/", "http://localhost:{p}/",
    "http://user:pass@127.0.0.1:{p}/", "ftp://127.0.0.1:{p}/", "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://100.64.0.1/",
])
def test_fetch_by_url_refuses_private_targets(settings: Settings, url: str) -> None:
    target = Target(b"<html><body>secret</body></html>")
    served = Served(create_app(settings, ApiSettings(api_key=None, fetch_per_minute=100)))
    try:
        r = httpx.post(served.url + "/v1/check", json={"url": url.format(p=target.port)},
                       timeout=10)
        assert 400 <= r.status_code < 500, r.text
        assert r.json()["reason"]
        assert target.hits == 0
    finally:
        served.stop()
        target.httpd.shutdown()


def test_dns_rebinding_and_redirects_are_checked_every_time(settings: Settings) -> None:
    target = Target(b"<html><body>secret</body></html>")
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    policy = FetchPolicy(resolver=resolver, timeout=2)
    served = Served(create_app(settings, ApiSettings(api_key=None, fetch_per_minute=100), policy))
    try:
        first = httpx.post(served.url + "/v1/check",
                           json={"url": f"http://rebind.test:{target.port}/"}, timeout=10)
        second = httpx.post(served.url + "/v1/check",
                            json={"url": f"http://rebind.test:{target.port}/"}, timeout=10)
        assert first.status_code in (400, 502)  # the public address is unreachable here
        assert second.status_code == 403 and second.json()["reason"] == "blocked_address"
        assert target.hits == 0 and calls == ["rebind.test", "rebind.test"]
    finally:
        served.stop()
        target.httpd.shutdown()


def test_fetch_from_loopback_with_the_test_switch_and_api_key(settings: Settings) -> None:
    text = story(62)
    page = ("<html><head><title>T</title></head><body><article><p>"
            + text.replace("\n\n", "</p><p>") + "</p></article></body></html>").encode()
    target = Target(page)
    Engine.from_settings(settings).ingest([ArticleInput(url=ORIG, text=text)])
    app = create_app(settings, ApiSettings(api_key="k3y", fetch_per_minute=2,
                                         fetch_allow_private=True))
    served = Served(app)
    try:
        body = {"url": f"http://127.0.0.1:{target.port}/news/1"}
        assert httpx.post(served.url + "/v1/check", json=body).status_code == 401
        r = httpx.post(served.url + "/v1/check", json=body, headers={"X-API-Key": "k3y"},
                       timeout=10)
        assert r.status_code == 200 and r.json()["role"] == "copy", r.text
        httpx.post(served.url + "/v1/check", json=body, headers={"X-API-Key": "k3y"})
        limited = httpx.post(served.url + "/v1/check", json=body, headers={"X-API-Key": "k3y"})
        assert limited.status_code == 429
    finally:
        served.stop()
        target.httpd.shutdown()


def test_redis_down_gives_503_quickly_and_recovers(tmp_path: Path) -> None:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed"
    port = _free_port()
    workdir = tempfile.mkdtemp(dir=tmp_path)

    def start() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                 "--dir", workdir, "--appendonly", "yes", "--save", ""],
                                stdout=subprocess.DEVNULL)
        wait_for_redis(redis.Redis(port=port, socket_timeout=1))
        return proc

    proc = start()
    s = Settings(redis_url=f"redis://127.0.0.1:{port}/0", namespace="wtapi")
    Engine.from_settings(s).ingest([ArticleInput(url=ORIG, text=story(63))])
    served = Served(create_app(s, ApiSettings(api_key=None)))
    try:
        lookup = served.url + "/v1/lookup"
        assert httpx.get(lookup, params={"url": ORIG}).json()["indexed"] is True
        os.kill(proc.pid, signal.SIGSTOP)  # stalled: accepts nothing, answers nothing
        t = time.monotonic()
        r = httpx.get(lookup, params={"url": ORIG}, timeout=10)
        assert r.status_code == 503 and time.monotonic() - t < 2.0
        t = time.monotonic()  # the fetch limit is counted in Redis too
        r = httpx.post(served.url + "/v1/check", json={"url": "http://127.0.0.1:9/"}, timeout=10)
        assert r.status_code == 503 and time.monotonic() - t < 2.0, r.text
        assert httpx.get(served.url + "/readyz", timeout=10).status_code == 503
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        t = time.monotonic()
        assert httpx.get(lookup, params={"url": ORIG}, timeout=10).status_code == 503
        r = httpx.post(served.url + "/v1/check", json={"url": "http://127.0.0.1:9/"}, timeout=10)
        assert r.status_code == 503 and time.monotonic() - t < 2.0, r.text
        proc = start()  # back, with its append-only file
        back = time.monotonic()  # the gate's breaker lets a probe through every 0.5 s
        while (r := httpx.get(lookup, params={"url": ORIG}, timeout=10)).status_code == 503:
            assert time.monotonic() - back < 2.0, "the API did not recover within 2 s"
            time.sleep(0.05)
        assert r.status_code == 200 and r.json()["indexed"] is True
    finally:
        served.stop()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            proc.wait(10)


def test_redirects_to_private_addresses_are_refused(settings: Settings) -> None:
    target = Target(b"<html><body>secret</body></html>")

    hop = serve_get(lambda path: (302, {"Location": f"http://0x7f.0.0.1:{target.port}/admin"},
                                  b""))
    policy = FetchPolicy(allow_private_hosts=frozenset({"hop.test"}),
                         resolver=lambda host, port: ["127.0.0.1"])
    served = Served(create_app(settings, ApiSettings(api_key=None), policy))
    try:
        r = httpx.post(served.url + "/v1/check",
                       json={"url": f"http://hop.test:{hop.server_address[1]}/"}, timeout=10)
        assert r.status_code == 403 and r.json()["reason"] == "blocked_address", r.text
        assert target.hits == 0
    finally:
        served.stop()
        hop.shutdown()
        target.httpd.shutdown()
