"""A cluster write applied slot by slot (dedup.journal): a writer killed between two slots
leaves a journal that the next writer replays; nothing it wrote is half there afterwards."""

import multiprocessing as mp
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.engine import Engine
from dedup.errors import DamagedIndexError
from dedup.journal import ClusterWrite, Share
from dedup.models import ArticleInput
from tests.redis.test_cluster import corpus, exported, run
from wiretrace_testing.stories import excerpt, story, wrapped_copy


def articles(first: int, n: int) -> list[ArticleInput]:
    out = []
    for i in range(first, first + n):
        text = story(8000 + i, paragraphs=4)
        out += [ArticleInput(url=f"https://orig.example/{i}", text=text,
                             published="2024-01-01T00:00:00Z"),
                ArticleInput(url=f"https://copy.example/{i}", text=wrapped_copy(text),
                             published="2024-01-02T00:00:00Z"),
                ArticleInput(url=f"https://bits.example/{i}", text=excerpt(text),
                             published="2024-01-03T00:00:00Z")]
    return out


def _dies_mid_write(settings: Settings) -> None:
    """Ingest, and SIGKILL this process after half the slots of the first write."""
    real = ClusterWrite._run

    def half_then_die(self: ClusterWrite, number: str, calls: list[Share]) -> None:
        real(self, number, calls[:len(calls) // 2])
        os.kill(os.getpid(), signal.SIGKILL)

    ClusterWrite._run = half_then_die  # type: ignore[method-assign]
    Engine.from_settings(settings).ingest(articles(0, 10), workers=1)


def _dies_between_clusters_and_records(settings: Settings, items: list[ArticleInput]) -> None:
    """Ingest ``items``, and SIGKILL this process in the first write of records and clusters,
    once its clusters' shares are applied and before its records' are."""
    real = ClusterWrite._run

    def clusters_then_die(self: ClusterWrite, number: str, calls: list[Share]) -> None:
        def holds(c: Share, *names: str) -> bool:
            return any(f"}}:{n}:" in k for k in c[0] for n in names)

        if not (any(holds(c, "cluster") for c in calls) and any(holds(c, "sig") for c in calls)):
            real(self, number, calls)
            return
        real(self, number, [c for c in calls if not holds(c, "sig", "article")])
        os.kill(os.getpid(), signal.SIGKILL)

    ClusterWrite._run = clusters_then_die  # type: ignore[method-assign]
    Engine.from_settings(settings).ingest(items, workers=1)


def test_a_write_that_reads_half_a_dead_writers_write_settles_it(
        cluster_settings: Settings) -> None:
    """The next writer's read (before it takes the lease that replays a journal) found
    clusters listing copies whose records the dead writer never wrote, and `wiretrace ingest`
    ended in a KeyError (dedup/joining.py); found by killing ingests at random under load."""
    settings = cluster_settings.model_copy(update={"lease_ttl": 1.0})
    both = articles(0, 4)
    engine = Engine.from_settings(cluster_settings)
    engine.ingest(both[0::3], workers=1)  # the originals
    copies = [a for a in both if a.url.startswith("https://copy.")]
    child = mp.get_context("fork").Process(target=_dies_between_clusters_and_records,
                                           args=(settings, copies))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert engine.client.exists(engine.keys.journal)
    # one write, straight to the writer: its plan's read is the first thing after the kill
    engine.writer.write([engine.prepare(a) for a in both if a.url.startswith("https://bits.")])
    assert not engine.client.exists(engine.keys.journal)
    assert engine.fsck() == {}
    rows = {str(r["url"]): r for r in engine.export()}
    assert len(rows) == 12
    assert sorted(u for u, r in rows.items() if r["role"] == "original") == \
        [f"https://orig.example/{i}" for i in range(4)]


@pytest.mark.parametrize("then", ["ingest", "reindex"])
def test_a_writer_killed_mid_write_is_finished_by_the_next(cluster_settings: Settings,
                                                           then: str) -> None:
    # The dead writer's lease lasts 1 s, so the next writer waits little for it. The next
    # writer's own lease has the default TTL: a reindex renews its lease once a batch, and at
    # a load of 12 on 2 cores one batch took over 1 s, so with a 1 s TTL the reindex lost its
    # lease ("run `wiretrace reindex` again"), as it should when it is that slow.
    dying = cluster_settings.model_copy(update={"lease_ttl": 1.0})
    child = mp.get_context("fork").Process(target=_dies_mid_write, args=(dying,))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    engine = Engine.from_settings(cluster_settings)
    assert engine.settings.lease_ttl >= 10
    assert engine.client.exists(engine.keys.journal)
    assert "cluster writes not finished (the next write replays them)" in engine.fsck()
    t = time.monotonic()
    if then == "ingest":
        engine.ingest(articles(10, 5), workers=1)  # waits for the dead writer's lease to lapse
    else:  # a rebuild (once the lease lapses) finishes the dead writer's journal first
        engine.reindex()
        engine.ingest(articles(10, 5), workers=1)
    assert time.monotonic() - t < 10
    assert not engine.client.exists(engine.keys.journal)
    assert engine.fsck() == {}
    rows = {str(r["url"]): r for r in engine.export()}
    assert len(rows) == 45
    originals = sorted(u for u, r in rows.items() if r["role"] == "original")
    assert originals == sorted(f"https://orig.example/{i}" for i in range(15))


def test_ingest_processes_killed_at_random_then_rerun(cluster_url: str, tmp_path: Path) -> None:
    """`wiretrace ingest` SIGKILLed three times at random points of its writing, then run to
    the end: fsck clean, one original per story."""
    ns, stories = f"wttest-killed-{time.monotonic_ns()}", 150
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(corpus(stories, seed=6000)) + "\n")
    env = {**os.environ, "REDIS_URL": cluster_url, "WIRETRACE_NAMESPACE": ns,
           "WIRETRACE_INGEST_WORKERS": "1", "WIRETRACE_LEASE_TTL": "1"}
    wiretrace = str(Path(sys.executable).with_name("wiretrace"))
    rng = random.Random(14)
    probe = Engine.from_settings(Settings(redis_url=cluster_url, namespace=ns))

    def writes() -> int:
        return int(probe.client.get(probe.keys.epoch) or 0)

    for _ in range(3):
        before = writes()
        proc = subprocess.Popen([wiretrace, "ingest", "--jsonl", str(data)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # a random point of its writing: under load, start-up and preparing alone can take
        # longer than a fixed 1-4 s after the start, and then the kill cut no write at all
        deadline = time.monotonic() + 120
        while writes() == before and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    again = run(["ingest", "--jsonl", str(data)], cluster_url, ns)
    assert again.returncode == 0, again.stderr[-2000:]
    check = run(["fsck"], cluster_url, ns)
    assert check.returncode == 0, check.stdout + check.stderr
    rows = exported(cluster_url, ns)
    assert len(rows) == 4 * stories
    originals: dict[object, int] = {}
    for r in rows:
        originals[r["cluster"]] = originals.get(r["cluster"], 0) + (r["role"] == "original")
    assert len(originals) == stories and set(originals.values()) == {1}, originals
    print("replayed" if "replaying" in again.stderr else "no write was cut")


@pytest.mark.parametrize("lost", [("article", "sig"), ("article",)])
def test_a_record_lost_for_good_ends_in_one_line_naming_fsck(cluster_settings: Settings,
                                                             lost: tuple[str, ...]) -> None:
    """A cluster listing a copy whose record is gone (no journal to replay: a failover that
    lost a write, a key deleted by hand) used to end, after every retry, in "other writers kept
    changing the same clusters", which sent users looking for writers that were not there; half
    a record (its hash gone, its signature kept) in a JSONDecodeError traceback."""
    settings = cluster_settings.model_copy(update={"write_retries": 4})
    engine = Engine.from_settings(settings)
    both = articles(0, 4)
    engine.ingest(both, workers=1)
    copy = next(a for a in both if a.url.startswith("https://copy."))
    [row] = engine.lookup([copy.url])
    assert row.role in ("copy", "partial")
    from dedup.urls import article_id, normalize_url
    aid = article_id(normalize_url(copy.url))
    for family in lost:
        engine.client.delete(getattr(engine.keys, family)(aid))
    assert engine.fsck() != {}  # what the message sends the user to finds it
    again = [a for a in both if not a.url.startswith("https://copy.")]
    with pytest.raises(DamagedIndexError, match="wiretrace fsck --repair"):
        engine.writer.write([engine.prepare(a) for a in again])
    assert "\n" not in str(DamagedIndexError())
