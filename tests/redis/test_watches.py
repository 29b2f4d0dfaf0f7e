"""Watches, copy events and a site's copy index against a real Redis (issue W2)."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import feedparser
import httpx
import pytest

from dedup import notices
from dedup.config import Settings
from dedup.engine import Engine
from dedup.fetch import FetchPolicy
from dedup.models import ArticleInput
from dedup.notifier import DELIVERED_KEEP, Notifier
from dedup.webhook import Event
from tests.e2e.test_api import Served
from wiretrace.api.app import create_app
from wiretrace.api.config import ApiSettings
from wiretrace_testing.stories import excerpt, story, wrapped_copy

LOOPBACK = FetchPolicy(allow_private=True)


def _story(n: int) -> list[ArticleInput]:
    text = story(400 + n)
    return [ArticleInput(url=f"https://www.origin.example/{n}", text=text, title=f"Story {n}",
                         published="2024-01-10T00:00:00Z"),
            ArticleInput(url=f"https://farm.example/{n}", text=wrapped_copy(text)),
            ArticleInput(url=f"https://copies.example/{n}", text=wrapped_copy(text)),
            ArticleInput(url=f"https://brief.example/{n}", text=excerpt(text))]


def _entries(engine: Engine) -> list[dict[str, str]]:
    return [{k.decode(): v.decode() for k, v in f.items()}
            for _, f in engine.client.xrange(engine.keys.watch_events)]


def _events(engine: Engine) -> list[dict[str, str]]:
    """Every copy of every stream entry, with its entry's site."""
    return [{**c, "site": e["site"]} for e in _entries(engine) for c in json.loads(e["copies"])]


@pytest.mark.cluster  # on one Redis and on a cluster (scripts one by one)
def test_events_once_per_copy_and_caught_up_after_a_lost_step(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    engine.ingest(_story(0))
    first = _events(engine)
    assert sorted(e["kind"] for e in first) == ["copy.found"] * 3
    assert len(_entries(engine)) == 1  # the copies one write owes a site: one message
    assert {e["site"] for e in first} == {"origin.example"}
    engine.ingest(_story(0))  # the same batch again: nothing owed
    assert len(_events(engine)) == 3
    # a write whose notices step never ran (a crash between the two): ingesting the batch
    # again catches up
    engine.writer.after_write = None
    engine.ingest(_story(1))
    assert len(_events(engine)) == 3
    engine.writer.after_write = engine.notices.after_write
    engine.ingest(_story(1))
    assert len(_events(engine)) == 6
    report = engine.site_report("origin.example")
    assert report.total == 6 and len(report.copies) == 6
    assert dict(report.republishers) == {"farm.example": 2, "copies.example": 2,
                                         "brief.example": 2}
    assert sum(n for _, n in report.weeks) == 6
    unwatched = story(499)
    engine.ingest([ArticleInput(url="https://other.example/x", text=unwatched),
                   ArticleInput(url="https://farm.example/x", text=wrapped_copy(unwatched))])
    assert len(_events(engine)) == 6
    assert engine.site_report("other.example").total == 1


def test_concurrent_writers_queue_each_copy_once(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    batches = [_story(n) for n in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda b: Engine.from_settings(settings).ingest(b), batches * 2))
    events = _events(engine)
    assert len(events) == 12 and len({e["copy"] for e in events}) == 12


def _reassignment(engine: Engine, n: int) -> None:
    """Two writes: origin.example's story and the farm's copy of it; then the real original
    turns up on wire.example (older): the farm's copy now reproduces it."""
    text = story(n)
    engine.ingest([ArticleInput(url="https://origin.example/a", text=text,
                                published="2024-01-02T00:00:00Z"),
                   ArticleInput(url="https://farm.example/c", text=wrapped_copy(text))])
    engine.ingest([ArticleInput(url="https://wire.example/w", text=text,
                                published="2023-11-01T00:00:00Z")])


@pytest.mark.cluster  # on one Redis and on a cluster (scripts one by one)
def test_a_reassigned_copy_sends_an_update(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    _reassignment(engine, 410)
    wire = engine.lookup(["https://wire.example/w"])[0]
    assert wire.role == "original"
    kinds = [(e["kind"], e["original"] == wire.id) for e in _events(engine)
             if e["copy"] == engine.lookup(["https://farm.example/c"])[0].id]
    assert kinds == [("copy.found", False), ("copy.reassigned", True)]
    assert engine.site_report("origin.example").total == 0
    assert engine.site_report("wire.example").total == 2  # the farm, and origin itself


def test_a_removed_copy_leaves_the_site_page_and_is_reported(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    engine.ingest(_story(3))
    farm = engine.lookup(["https://farm.example/3"])[0].id
    assert engine.remove("https://farm.example/3")
    last = _events(engine)[-1]
    assert (last["copy"], last["kind"], last["original"]) == (farm, "copy.reassigned", "")
    report = engine.site_report("origin.example")
    assert report.total == 2 and "farm.example" not in dict(report.republishers)
    assert sum(n for _, n in report.weeks) == 2


def test_delivery_to_a_private_address_is_refused_and_logged(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    engine.ingest(_story(2))
    notifier = Notifier(engine, settings)  # notify_allow_private off: the guard refuses
    assert notifier.run(seconds=10, drain=True) == 0
    log = engine.watches.log("origin.example", 10)
    assert len(log) == 1 and log[0]["state"] == "refused"  # one message, its three copies
    assert len(log[0]["copies"]) == 3
    assert "loopback" in str(log[0]["error"])
    assert notifier.outstanding() == 0


def test_watch_and_site_api(settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    for n in range(3):
        engine.ingest(_story(10 + n))
    served = Served(create_app(settings, ApiSettings(api_key="k3y")))  # uvicorn on loopback
    try:
        with httpx.Client(base_url=served.url, timeout=10) as client:
            _watch_and_site_api(client)
    finally:
        served.stop()


def _watch_and_site_api(client: httpx.Client) -> None:
    key = {"X-API-Key": "k3y"}
    assert client.get("/v1/watches").status_code == 401
    r = client.post("/v1/watches", json={"site": "https://www.origin.example/x",
                                         "webhook": "http://127.0.0.1:9/h"}, headers=key)
    assert r.status_code == 403 and r.json()["reason"] == "blocked_address"
    r = client.post("/v1/watches", json={"site": "origin.example"}, headers=key)
    assert r.status_code == 201 and r.json()["secret"].startswith("whsec_")
    listed = client.get("/v1/watches", headers=key).json()["watches"]
    assert [w["site"] for w in listed] == ["origin.example"] and listed[0]["secret"] is None
    page = client.get("/v1/sites/origin.example", params={"limit": 4}).json()
    assert page["total"] == 9 and len(page["copies"]) == 4 and page["next_offset"] == 4
    rest = client.get("/v1/sites/origin.example", params={"offset": 8, "limit": 4}).json()
    assert len(rest["copies"]) == 1 and rest["next_offset"] is None
    c = page["copies"][0]
    assert c["original"]["site"] == "origin.example" and 0 < c["containment"] <= 1
    assert client.get("/v1/sites/not a site").status_code == 400
    feed = client.get("/sites/origin.example/copies.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.content)
    assert parsed.bozo is False or parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == 9 and parsed.feed.title == "Copies of origin.example's articles"
    urls = {e.link for e in parsed.entries}
    assert "https://farm.example/10" in urls and all("origin.example" not in u for u in urls)
    gone = client.delete("/v1/watches/origin.example", headers=key)
    assert gone.status_code == 200 and gone.json()["site"] == "origin.example"
    assert client.delete("/v1/watches/origin.example", headers=key).status_code == 404


@pytest.mark.cluster  # on one Redis and on a cluster (scripts one by one)
def test_many_copies_go_in_messages_of_at_most_message_copies(settings: Settings,
                                                              monkeypatch: Any) -> None:
    monkeypatch.setattr(notices, "MESSAGE_COPIES", 2)
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    engine.ingest(_story(5) + _story(6))  # six copies in one write
    entries = _entries(engine)
    assert [len(json.loads(e["copies"])) for e in entries] == [2, 2, 2]
    ids = [Event.of(eid, f).id for eid, f in engine.client.xrange(engine.keys.watch_events)]
    assert len(set(ids)) == 3 and all(i.startswith("msg_") for i in ids)


@pytest.mark.cluster  # on one Redis and on a cluster (scripts one by one)
def test_notice_steps_run_out_of_order_keep_the_newer_write(settings: Settings) -> None:
    """Two writes to one copy's cluster, their notices steps run newest first: the older
    step changes nothing (no event, no site-page row)."""
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    steps: list[tuple[Any, Any]] = []
    engine.writer.after_write = lambda plan, outcomes: steps.append((plan, outcomes))
    _reassignment(engine, 420)
    assert len(steps) == 2
    engine.notices.after_write(*steps[1])  # the newer write's step first
    engine.notices.after_write(*steps[0])
    assert _events(engine) == []  # the farm's copy is wire.example's (not watched) now
    assert engine.site_report("origin.example").total == 0
    assert engine.site_report("wire.example").total == 2
    again = Engine.from_settings(settings)  # in order, the same two steps: found, reassigned
    again.client.delete(again.keys.watch_sent, again.keys.watch_stamps)
    again.notices.after_write(*steps[0])
    again.notices.after_write(*steps[1])
    assert [e["kind"] for e in _events(again)] == ["copy.found", "copy.reassigned"]


def test_delivered_ids_are_forgotten_a_day_before_the_oldest_entry_owed(
        settings: Settings) -> None:
    engine = Engine.from_settings(settings)
    engine.watches.add("origin.example", "http://127.0.0.1:9/h", None, LOOPBACK)
    now = time.time()
    engine.client.zadd(engine.keys.watch_delivered, {"msg_old": now - DELIVERED_KEEP - 60,
                                                     "msg_recent": now - 60})
    engine.ingest(_story(7))
    Notifier(engine, settings).run(seconds=10, drain=True)  # refused, acknowledged, trimmed
    left = {m.decode() for m in engine.client.zrange(engine.keys.watch_delivered, 0, -1)}
    assert left == {"msg_recent"}
    assert engine.client.xlen(engine.keys.watch_events) <= 1
