"""Webhooks end to end: a receiver on loopback (a real HTTP server) that answers 500 twice
before 200, and `wiretrace notify` processes killed at random points, once on purpose
between a receiver's getting a POST and the notifier's acknowledgement. Every copy of the
watched site must reach the receiver, under exactly one webhook-id, every signature must
verify with the Standard Webhooks reference library, and nothing may stay unacknowledged."""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from standardwebhooks import Webhook

from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import InputError
from dedup.fetch import FetchPolicy
from dedup.models import ArticleInput
from dedup.notifier import GROUP
from wiretrace_testing.stories import excerpt, story, wrapped_copy

WIRETRACE = str(Path(sys.executable).with_name("wiretrace"))
ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 6  # what _seed owes the watched site


class Receiver:
    """Records every complete POST to its own path; answers 500 to the first ``fail_first`` of
    each webhook-id, then 200; kills the notifier before answering the first 200 of
    ``kill_after_post`` distinct ids. A body shorter than its Content-Length (a sender killed
    while sending) is a broken connection, not a delivery: counted in ``broken``, not recorded,
    not answered."""

    def __init__(self, kill_after_post: int, fail_first: int = 2) -> None:
        self.posts: list[tuple[dict[str, str], bytes, int]] = []
        self.seen: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.victim: subprocess.Popen[bytes] | None = None
        self.kills_left = kill_after_post
        self.killed_ids: set[str] = set()
        self.broken = 0
        self.posted = threading.Event()  # a POST since the last clear
        path = f"/hook/{uuid.uuid4().hex}"  # a notifier of another run on a reused port: 404
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != path:
                    self.send_error(404)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    with outer.lock:
                        outer.broken += 1
                    self.close_connection = True
                    return
                wid = self.headers.get("webhook-id") or ""
                with outer.lock:
                    outer.seen[wid] += 1
                    status = 500 if outer.seen[wid] <= fail_first else 200
                    outer.posts.append((dict(self.headers.items()), body, status))
                    outer.posted.set()
                    if status == 200 and outer.kills_left and outer.victim and \
                            wid not in outer.killed_ids:
                        outer.victim.send_signal(signal.SIGKILL)  # POST got, no ack yet
                        outer.victim.wait()
                        outer.kills_left -= 1
                        outer.killed_ids.add(wid)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _seed(engine: Engine) -> set[str]:
    """Three stories of the watched site, each written twice: the original with two copies,
    then a copy and a partial (six messages of two copies); one story of an unwatched site
    with a copy. Returns the watched site's copy ids."""
    copies: set[str] = set()
    for n in range(3):
        text = story(300 + n)
        writes = [[ArticleInput(url=f"https://www.origin.example/news/{n}", text=text,
                                published="2024-03-01T08:00:00Z", title=f"Story {n}"),
                   *(ArticleInput(url=f"https://farm{k}.example/{n}",
                                  text=wrapped_copy(text, "Source: origin.example"))
                     for k in range(2))],
                  [ArticleInput(url=f"https://farm2.example/{n}",
                                text=wrapped_copy(text, "Source: origin.example")),
                   ArticleInput(url=f"https://brief.example/{n}", text=excerpt(text))]]
        for items in writes:
            report = engine.ingest(items)
            copies |= {o.id or "" for o in report.outcomes if o.role in ("copy", "partial")}
    other = story(399)
    engine.ingest([ArticleInput(url="https://other.example/x", text=other,
                                published="2024-03-01T08:00:00Z"),
                   ArticleInput(url="https://farm0.example/x", text=wrapped_copy(other))])
    assert len(copies) == 12 and engine.client.xlen(engine.keys.watch_events) == 6
    return copies


def test_every_copy_reaches_the_webhook_once_despite_kills(settings: Settings,
                                                           tmp_path: Path) -> None:
    engine = Engine.from_settings(settings)
    receiver = Receiver(kill_after_post=2)
    secret = engine.watches.add("origin.example", receiver.url, None,
                                FetchPolicy(allow_private=True)).secret
    copies = _seed(engine)
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace, "WIRETRACE_NOTIFY_ALLOW_PRIVATE": "1",
           "WIRETRACE_NOTIFY_RETRY_IDLE": "0.4", "WIRETRACE_NOTIFY_BACKOFF": "0.02",
           "WIRETRACE_NOTIFY_BATCH": "5", "WIRETRACE_NOTIFY_CONCURRENCY": "3"}
    rng = random.Random(18)
    deadline = time.monotonic() + 120
    delivered = engine.keys.watch_delivered
    runs = 0
    while engine.client.zcard(delivered) < MESSAGES and time.monotonic() < deadline:
        proc = subprocess.Popen([WIRETRACE, "notify"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        runs += 1
        with receiver.lock:
            receiver.victim = proc
            receiver.posted.clear()
        receiver.posted.wait(15)  # started and posting: kill it at a random point from here
        time.sleep(rng.uniform(0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # a last notifier, not killed, settles what the killed ones left pending
    receiver.victim = None
    done = subprocess.run([WIRETRACE, "notify", "--drain", "--seconds", "60"], env=env,
                          capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    assert runs >= 2 and len(receiver.killed_ids) == 2

    by_copy: dict[str, set[str]] = defaultdict(set)
    ok: dict[str, int] = defaultdict(int)
    for headers, body, status in receiver.posts:
        payload = Webhook(secret).verify(body, headers)  # raises on a bad signature
        data = payload["data"]
        assert payload["type"] == "site.copies" and data["site"] == "origin.example"
        assert len(data["copies"]) == 2  # the two copies one write found: one message
        for item in data["copies"]:
            assert item["type"] == "copy.found" and item["original"]["site"] == "origin.example"
            assert item["copy"]["role"] in ("copy", "partial") and item["containment"] > 0.2
            by_copy[item["copy"]["id"]].add(headers["webhook-id"])
        ok[headers["webhook-id"]] += status == 200
    assert set(by_copy) == copies  # every copy, and nothing of the unwatched site
    assert all(len(ids) == 1 for ids in by_copy.values()), by_copy  # one webhook-id a copy
    assert all(ok[i] >= 1 for ids in by_copy.values() for i in ids)
    assert sum(n >= 2 for n in ok.values()) >= 2  # posted again after a kill before its ack
    assert all(receiver.seen[i] >= 3 for ids in by_copy.values() for i in ids)  # 500, 500, 200
    info = engine.client.xinfo_groups(engine.keys.watch_events)
    group = next(g for g in info if g["name"] in (GROUP, GROUP.encode()))
    assert group["pending"] == 0 and group["lag"] == 0
    listed = subprocess.run([WIRETRACE, "watch", "list", "--json", "--log", "100"], env=env,
                            capture_output=True, text=True, check=True).stdout
    log = json.loads(listed.splitlines()[0])["deliveries"]
    assert {d["webhook_id"] for d in log if d["state"] == "delivered"} == set(ok)
    receiver.close()


def test_a_watch_on_a_private_address_is_refused(settings: Settings) -> None:
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace}
    run = subprocess.run([WIRETRACE, "watch", "add", "origin.example", "--webhook",
                          "http://127.0.0.1:9/hook"], env=env, capture_output=True, text=True,
                         timeout=30)
    assert run.returncode == 2 and "loopback" in run.stderr and "Traceback" not in run.stderr
    engine = Engine.from_settings(settings)
    for url in ("http://10.1.2.3/hook", "http://[::1]/h", "http://2130706433/h",
                "http://169.254.169.254/latest", "file:///etc/passwd", "http://u:p@a.example/"):
        with pytest.raises(InputError):
            engine.watches.add("origin.example", url, None, FetchPolicy())
    assert engine.client.hlen(engine.keys.watches) == 0


def test_the_compose_notify_service_delivers_and_stops_on_sigterm(settings: Settings) -> None:
    """docker-compose.yml's notify service, its command run as a local process."""
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["notify"]
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    engine = Engine.from_settings(settings)
    receiver = Receiver(kill_after_post=0, fail_first=0)
    engine.watches.add("origin.example", receiver.url, None, FetchPolicy(allow_private=True))
    copies = _seed(engine)
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "WIRETRACE_NAMESPACE": settings.namespace, "WIRETRACE_NOTIFY_ALLOW_PRIVATE": "1"}
    cmd = [WIRETRACE if c == "wiretrace" else c for c in service["command"]]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while engine.client.zcard(engine.keys.watch_delivered) < MESSAGES and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        assert engine.client.zcard(engine.keys.watch_delivered) == MESSAGES
        got = {c["copy"]["id"] for _, body, _ in receiver.posts
               for c in json.loads(body)["data"]["copies"]}
        assert got == copies
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and b"Traceback" not in err, err
    receiver.close()
