"""The index spread over a Redis Cluster's masters: after an ingest of distinct news-like
articles no master holds more than 45% of the index's keys or of the memory it added (one
hash tag for everything puts all of it on one master). Without the shared corpus (the real
bodies newslike learns from) the articles are generated stories, distinct the same way."""

import time
from collections.abc import Iterator

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from dedup.redisconn import is_cluster
from wiretrace_testing import newslike
from wiretrace_testing.corpus import real_texts
from wiretrace_testing.stories import story

BOUND = 0.45


def per_master(engine: Engine) -> dict[str, tuple[int, int]]:
    """Per master: the namespace's keys and used_memory."""
    client = engine.client
    assert is_cluster(client)
    out = {}
    for node in client.get_primaries():  # type: ignore[attr-defined]
        r = client.get_redis_connection(node)  # type: ignore[attr-defined]
        keys = sum(1 for _ in r.scan_iter(match=f"{engine.keys.ns}:*", count=1000))
        out[node.name] = (keys, int(r.info("memory")["used_memory"]))
    return out


def articles(n: int) -> Iterator[ArticleInput]:
    """n news-like articles (about 15% of them copies and excerpts) or, without the real
    bodies, n distinct generated stories on 40 sites."""
    if real_texts():
        return (ArticleInput(url=a.url, text=a.text) for a in newslike.stream(n, seed=3))
    return (ArticleInput(url=f"https://site{i % 40}.example/a/{i}", text=story(30_000 + i))
            for i in range(n))


def ingest_and_measure(settings: Settings, n: int) -> tuple[list[float], list[float]]:
    engine = Engine.from_settings(settings)
    before = per_master(engine)
    items = articles(n)
    t = time.monotonic()
    report = engine.ingest(items, workers=1)
    took = time.monotonic() - t
    assert not report.errors and len(report.outcomes) == n
    after = per_master(engine)
    keys = [after[m][0] for m in sorted(after)]
    grown = [max(0, after[m][1] - before[m][1]) for m in sorted(after)]
    key_share = [k / sum(keys) for k in keys]
    memory_share = [g / sum(grown) for g in grown]
    print(f"{n} articles in {took:.0f} s on {len(keys)} masters: keys {keys}, "
          f"memory added {grown}")
    assert engine.fsck() == {}
    return key_share, memory_share


def test_no_master_holds_most_of_the_index(cluster_settings: Settings) -> None:
    keys, memory = ingest_and_measure(cluster_settings, 3000)
    assert len(keys) == 3
    assert max(keys) <= BOUND - 0.05, keys  # a margin: 3k articles are a sample of 20k
    assert max(memory) <= BOUND - 0.05, memory


@pytest.mark.soak
def test_no_master_holds_most_of_a_20k_index(cluster_settings: Settings) -> None:
    keys, memory = ingest_and_measure(cluster_settings, 20000)
    assert max(keys) <= BOUND, keys
    assert max(memory) <= BOUND, memory
