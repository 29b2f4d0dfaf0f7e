"""Concurrent writers: one original per story, nothing lost (on one Redis and on a Redis
Cluster)."""

import multiprocessing as mp
from multiprocessing.synchronize import Barrier

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.stories import story, wrapped_copy

WRITERS = 8
ROUNDS = 200
LEAN_ROUNDS = 25  # on the cluster in `make test`; the 200 rounds run under soak
SOAK_ROUNDS = 1000  # issue F's must-show, under soak


def _writer(index: int, settings: Settings, rounds: int, barrier: Barrier,
            errors: "mp.Queue[str]") -> None:
    engine = Engine.from_settings(settings)
    try:
        for r in range(rounds):
            text = wrapped_copy(story(5000 + r, paragraphs=3), f"Posted by writer {index}")
            barrier.wait(timeout=60)
            engine.ingest([ArticleInput(url=f"https://w{index}.example/r{r}", text=text)])
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"writer {index}: {exc!r}")


def test_concurrent_writers_make_one_original_per_story(settings: Settings) -> None:
    barrier_rounds(settings, ROUNDS)


@pytest.mark.soak
def test_concurrent_writers_1000_rounds(settings: Settings) -> None:
    barrier_rounds(settings, SOAK_ROUNDS)


def test_concurrent_writers_on_a_cluster(cluster_settings: Settings) -> None:
    barrier_rounds(cluster_settings, LEAN_ROUNDS)


@pytest.mark.soak
def test_concurrent_writers_on_a_cluster_200_rounds(cluster_settings: Settings) -> None:
    barrier_rounds(cluster_settings, ROUNDS)


def barrier_rounds(settings: Settings, rounds: int) -> None:
    """WRITERS processes each ingest, at once (a barrier), a copy of the same story, for
    ``rounds`` stories: one original each, nothing lost, fsck clean."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    errors: mp.Queue[str] = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(i, settings, rounds, barrier, errors))
             for i in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60 + 3 * rounds)
    assert all(p.exitcode == 0 for p in procs)
    assert errors.empty(), errors.get()
    engine = Engine.from_settings(settings)
    bad = []
    for r in range(rounds):
        results = engine.lookup([f"https://w{i}.example/r{r}" for i in range(WRITERS)])
        assert all(x.indexed for x in results), f"round {r}: an article was lost"
        roles = sorted(x.role or "" for x in results)
        one_cluster = len({x.cluster for x in results}) == 1
        if roles != ["copy"] * (WRITERS - 1) + ["original"] or not one_cluster:
            bad.append((r, roles))
    assert not bad, bad[:5]
    stats = engine.stats()
    assert stats.articles == WRITERS * rounds
    assert stats.originals == rounds and stats.clusters == rounds
    assert engine.fsck() == {}
