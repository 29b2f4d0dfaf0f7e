"""Concurrent writers: one original per story, nothing lost."""

import multiprocessing as mp
from multiprocessing.synchronize import Barrier

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.stories import story, wrapped_copy

WRITERS = 8
ROUNDS = 200


def _writer(index: int, settings: Settings, barrier: Barrier, errors: "mp.Queue[str]") -> None:
    engine = Engine.from_settings(settings)
    try:
        for r in range(ROUNDS):
            text = wrapped_copy(story(5000 + r, paragraphs=3), f"Posted by writer {index}")
            barrier.wait(timeout=60)
            engine.ingest([ArticleInput(url=f"https://w{index}.example/r{r}", text=text)])
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"writer {index}: {exc!r}")


def test_concurrent_writers_make_one_original_per_story(settings: Settings) -> None:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    errors: mp.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(i, settings, barrier, errors))
             for i in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    assert all(p.exitcode == 0 for p in procs)
    assert errors.empty(), errors.get()
    engine = Engine.from_settings(settings)
    bad = []
    for r in range(ROUNDS):
        results = engine.lookup([f"https://w{i}.example/r{r}" for i in range(WRITERS)])
        assert all(x.indexed for x in results), f"round {r}: an article was lost"
        roles = sorted(x.role or "" for x in results)
        one_cluster = len({x.cluster for x in results}) == 1
        if roles != ["copy"] * (WRITERS - 1) + ["original"] or not one_cluster:
            bad.append((r, roles))
    assert not bad, bad[:5]
    stats = engine.stats()
    assert stats.articles == WRITERS * ROUNDS
    assert stats.originals == ROUNDS and stats.clusters == ROUNDS
