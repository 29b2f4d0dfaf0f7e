"""reindex and fsck: killed at random points and run again, alongside an ingest, and the
migration of a schema v1 index."""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.keys import Keys
from dedup.models import ArticleInput
from wiretrace_testing.legacy_index import write_v1
from wiretrace_testing.stories import excerpt, story, wrapped_copy

pytestmark = pytest.mark.cluster  # each test runs on one Redis and on a cluster


def corpus(n: int, start: int = 0, seed: int = 3000) -> list[ArticleInput]:
    """n articles: stories, a copy of every third, an excerpt of every fifth."""
    out = []
    for i in range(start, start + n):
        text = story(seed + i, paragraphs=4)
        out.append(ArticleInput(url=f"https://orig.example/{i}", text=text,
                                published="2024-01-01T00:00:00Z"))
        if i % 3 == 0:
            out.append(ArticleInput(url=f"https://copies.example/{i}", text=wrapped_copy(text),
                                    published="2024-01-03T00:00:00Z"))
        if i % 5 == 0:
            out.append(ArticleInput(url=f"https://bits.example/{i}", text=excerpt(text),
                                    published="2024-01-04T00:00:00Z"))
    return out


def roles(engine: Engine) -> dict[str, str | None]:
    return {str(r["url"]): str(r["role"]) for r in engine.export()}


def test_fsck_finds_damage_and_repair_rebuilds_it(engine: Engine) -> None:
    engine.ingest(corpus(12), workers=1)
    assert engine.fsck() == {}
    before = roles(engine)
    k = engine.keys
    band = next(engine.client.scan_iter(match=k.index_pattern("band:")))
    engine.client.delete(band)
    engine.client.hincrby(k.stats, "articles", 3)
    aid = engine.client.zrange(k.ids, 0, 0)[0].decode()
    engine.client.delete(k.sig(aid))
    problems = engine.fsck()
    # the article without a signature is not indexed: its band entries and its place in a
    # cluster name an article the index does not have
    assert set(problems) >= {"articles missing band entries", "counters off (articles)",
                             "articles without a signature",
                             "band entries naming unknown articles"}, problems
    assert engine.fsck(repair=True) == {}
    assert roles(engine) == before


def test_v1_index_is_migrated_by_reindex(settings: Settings, engine: Engine) -> None:
    items = corpus(9)
    scratch = Engine(engine.client, settings.model_copy(
        update={"namespace": settings.namespace + "-scratch"}))
    scratch.ingest(items, workers=1)
    expected = roles(scratch)
    scratch.client.hset(scratch.keys.crawl_fetched("news"), "https://orig.example/1", 1)
    assert write_v1(engine.client, scratch.keys, settings.namespace) > len(items)
    v1 = f"{settings.namespace}:v1:"
    assert engine.client.exists(v1 + "ids") and engine.stats().articles == 0
    assert engine.reindex() == len(items)
    assert roles(engine) == expected
    assert engine.fsck() == {}
    assert not list(engine.client.scan_iter(match=v1 + "*"))
    assert engine.client.hget(engine.keys.crawl_fetched("news"), "https://orig.example/1")


def _reindex_proc(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDIS_URL": str(settings.redis_url),
           "WIRETRACE_NAMESPACE": settings.namespace, "WIRETRACE_LEASE_TTL": "2",
           "WIRETRACE_BATCH_SIZE": "8", "WIRETRACE_INGEST_WORKERS": "1",
           "WIRETRACE_BAND_BUCKET_FILL": "4"}  # the killed runs grow the band hashes too
    return subprocess.Popen([sys.executable, "-m", "wiretrace.cli", "reindex"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _killed_then_rerun(settings: Settings, engine: Engine, kills: int, seed: int) -> None:
    engine.ingest(corpus(60), workers=1)
    count, before = engine.stats().articles, roles(engine)
    rng = random.Random(seed)
    for _ in range(kills):
        proc = _reindex_proc(settings)
        time.sleep(rng.uniform(0.3, 4.0))  # start-up is about half a second
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    fresh = Engine.from_settings(settings)  # waits for a killed run's lease to lapse
    fresh.reindex()
    assert fresh.fsck() == {}
    assert fresh.stats().articles == count
    assert roles(fresh) == before


def test_reindex_killed_at_random_points_then_rerun(settings: Settings, engine: Engine) -> None:
    _killed_then_rerun(settings, engine, kills=3, seed=13)


@pytest.mark.soak
def test_reindex_killed_fifty_times_then_rerun(settings: Settings, engine: Engine) -> None:
    _killed_then_rerun(settings, engine, kills=50, seed=50)


def test_reindex_during_an_ingest_loses_nothing(settings: Settings, engine: Engine) -> None:
    engine.ingest(corpus(40), workers=1)
    more = corpus(40, start=100)
    writer = Engine.from_settings(settings.model_copy(update={"batch_size": 4}))
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            writer.ingest(more, workers=1)
        except BaseException as exc:  # reported below, failing the test
            errors.append(exc)

    t = threading.Thread(target=ingest)
    t.start()
    time.sleep(0.3)
    Engine.from_settings(settings).reindex()
    t.join(timeout=300)
    assert not errors, errors
    assert engine.fsck() == {}
    urls = {a.url for a in [*corpus(40), *more]}
    assert set(roles(engine)) == urls
    assert Keys(settings.namespace).lease not in {
        k.decode() for k in engine.client.scan_iter(match=engine.keys.index_pattern("lease"))}
