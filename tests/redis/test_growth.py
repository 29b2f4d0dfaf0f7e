"""The band hashes grow with the index (linear hashing, dedup.keys.bucket_of): the count is
recorded in the index meta, lookups answer the same before and after, fsck understands the
layout, and a growth killed at any point is finished by a re-run."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dedup import codec
from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from tests.redis.test_reindex import corpus as reindex_corpus
from wiretrace_testing.stories import excerpt, story, wrapped_copy


def corpus(n: int, start: int = 0) -> list[ArticleInput]:
    return reindex_corpus(n, start, seed=7000)


def probes() -> list[ArticleInput]:
    """Texts not indexed: copies and excerpts of indexed stories, and new stories."""
    return ([ArticleInput(url=f"https://probe.example/c{i}", text=wrapped_copy(story(7000 + i,
             paragraphs=4))) for i in range(1, 40, 7)]
            + [ArticleInput(url=f"https://probe.example/e{i}", text=excerpt(story(7000 + i,
               paragraphs=4))) for i in range(2, 40, 9)]
            + [ArticleInput(url=f"https://probe.example/n{i}", text=story(9000 + i, paragraphs=4))
               for i in range(3)])


def answers(engine: Engine) -> tuple[dict[str, Any], list[Any]]:
    """Every article's cluster and role, and what a check of each probe answers."""
    export = {str(r["url"]): (r["role"], r["original"]) for r in engine.export()}
    checks = [(r.role, r.original["url"] if r.original else None, r.cluster is not None)
              for r in (engine.check(p) for p in probes())]
    return export, checks


def buckets(engine: Engine) -> int:
    return int(engine.client.hget(engine.keys.meta, codec.BUCKETS) or codec.INITIAL_BUCKETS)


def test_index_grows_past_its_fill_and_answers_the_same(settings: Settings) -> None:
    items, more, last = corpus(40), corpus(10, start=40), corpus(6, start=50)
    flat = Engine.from_settings(settings.model_copy(update={"band_bucket_fill": 10**6}))
    flat.ingest(items, workers=1)
    assert buckets(flat) == codec.INITIAL_BUCKETS
    before = answers(flat)
    assert flat.fsck() == {}
    # a lower fill: grow() splits hashes until the mean fill is met, then writes grow them
    small = Engine.from_settings(settings.model_copy(update={"band_bucket_fill": 4,
                                                             "batch_size": 8}))
    n = small.grow()
    assert n == buckets(small) >= len(items) * 48 // 4
    assert small.fsck() == {}
    assert answers(small) == before
    small.ingest(more, workers=1)
    grown = buckets(small)
    assert grown > n
    assert small.fsck() == {}
    # and back: the fill raised again, writes keep the count (it never shrinks) and answer
    # the same as an index that never grew
    back = Engine.from_settings(settings.model_copy(update={"band_bucket_fill": 10**6,
                                                            "batch_size": 8}))
    back.ingest(last, workers=1)
    assert buckets(back) == grown
    assert back.fsck() == {}
    # the same corpus written without growth answers the same
    ref = Engine.from_settings(settings.model_copy(
        update={"namespace": settings.namespace + "-ref", "band_bucket_fill": 10**6}))
    try:
        ref.ingest(items + more + last, workers=1)
        assert answers(ref) == answers(back)
    finally:
        for key in ref.client.scan_iter(match=ref.keys.prefix + "*"):
            ref.client.unlink(key)
    # fsck sees an entry in the wrong hash and a hash outside the count
    k = small.keys
    key = next(small.client.scan_iter(match=k.index_pattern("band:")))
    field, value = next(iter(small.client.hgetall(key).items()))
    small.client.hdel(key, field)
    small.client.hset(k.band(buckets(small) + 5), field, value)
    problems = small.fsck()
    assert set(problems) == {"articles missing band entries",
                             "band hashes outside the bucket count"}, problems


def _grow_proc(settings: Settings, jsonl: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDIS_URL": str(settings.redis_url),
           "WIRETRACE_NAMESPACE": settings.namespace, "WIRETRACE_BAND_BUCKET_FILL": "1",
           "WIRETRACE_BATCH_SIZE": "4", "WIRETRACE_INGEST_WORKERS": "1"}
    return subprocess.Popen([sys.executable, "-m", "wiretrace.cli", "ingest", "--jsonl",
                             str(jsonl)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_growth_killed_midway_then_rerun(settings: Settings, tmp_path: Path) -> None:
    items = corpus(45)
    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text("".join(json.dumps({"url": i.url, "text": i.text,
                                         "published": i.published}) + "\n" for i in items))
    engine = Engine.from_settings(settings.model_copy(update={"band_bucket_fill": 1}))
    rng = random.Random(7)
    grown = []
    for _ in range(3):  # killed while writing and growing
        proc = _grow_proc(settings, jsonl)
        start = buckets(engine)
        deadline = time.monotonic() + 60
        while buckets(engine) == start and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))  # a batch of 4 takes tens of ms
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        grown.append(buckets(engine))
        assert engine.fsck() == {}
    assert codec.INITIAL_BUCKETS < grown[0] < len(items) * 48, grown
    proc = _grow_proc(settings, jsonl)
    assert proc.wait(120) == 0
    assert engine.grow() == buckets(engine) >= len(items) * 48
    assert engine.fsck() == {}
    assert engine.stats().articles == len(items)
