"""`wiretrace ingest` SIGKILLed at a random point, and separately Redis SIGKILLed under it (AOF
everysec, restarted on its files): everything acknowledged is stored, `wiretrace fsck` is
clean, running the same input again stores the rest, idempotently, and the index is then the
one a single clean run of the input makes (every exported field but the first-seen time)."""

import random
import subprocess
import time
from pathlib import Path

import pytest

from dedup.models import ArticleInput
from tests.faults.harness import (
    ROUNDS,
    AofRedis,
    acknowledged,
    assert_fsck_clean,
    engine_of,
    env_for,
    exported,
    kill_after,
    start_ingest,
    stored,
    wiretrace,
    write_input,
)
from wiretrace.cli.jsonl import parse_line

N = 400  # seven batches of 64: kills land during and between batch writes
EXIT_BOUND = 30.0  # seconds from Redis's death to the ingest's exit (2 CPUs under load)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The input and its URLs."""
    path = tmp_path_factory.mktemp("input") / "articles.jsonl"
    return path, write_input(path, N)


@pytest.fixture(scope="module")
def clean(server: AofRedis, corpus: tuple[Path, list[str]]) -> dict[str, dict[str, object]]:
    """The export of one uninterrupted run of the input."""
    env = env_for(server, "wtfault-clean")
    done = wiretrace(env, "ingest", "--jsonl", str(corpus[0]))
    assert done.returncode == 0, done.stderr
    return exported(server, "wtfault-clean")


def _finish_and_compare(server: AofRedis, env: dict[str, str], path: Path, urls: list[str],
                        clean: dict[str, dict[str, object]]) -> None:
    """Re-run the same input: every article stored, `fsck` clean, the export equal to the
    clean run's; one more run finds every article unchanged (idempotent)."""
    namespace = env["WIRETRACE_NAMESPACE"]
    again = wiretrace(env, "ingest", "--jsonl", str(path))
    assert again.returncode == 0, again.stderr
    assert_fsck_clean(env)
    after = exported(server, namespace)
    assert set(after) == set(urls)
    differ = sorted(u for u in urls if after[u] != clean[u])
    assert not differ, [(after[u], clean[u]) for u in differ[:3]]
    twice = engine_of(server, namespace).ingest(parse_lines(path))
    assert not twice.errors and {o.status for o in twice.outcomes} == {"unchanged"}
    assert exported(server, namespace) == after


def parse_lines(path: Path) -> list[ArticleInput]:
    return [parse_line(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("round_", ROUNDS)
def test_ingest_killed_at_a_random_point(server: AofRedis, corpus: tuple, clean: dict,
                                        round_: int) -> None:
    path, urls = corpus
    env = env_for(server, f"wtfault-ingest-{round_}")
    proc, seen = start_ingest(env, path)
    kill_after(proc, random.Random(round_).uniform(0.0, 1.0))
    assert proc.stderr is not None
    acked = acknowledged("".join(seen) + proc.stderr.read())
    assert stored(server, env["WIRETRACE_NAMESPACE"], urls[:acked]) == set(urls[:acked])
    # each batch is one atomic write: no half-written article even before the re-run
    assert engine_of(server, env["WIRETRACE_NAMESPACE"]).fsck() == {}
    _finish_and_compare(server, env, path, urls, clean)


@pytest.mark.parametrize("round_", ROUNDS)
def test_redis_killed_under_an_ingest(server: AofRedis, corpus: tuple, clean: dict,
                                      round_: int) -> None:
    path, urls = corpus
    env = env_for(server, f"wtfault-redis-{round_}")
    proc, seen = start_ingest(env, path)
    killed = 0.0
    try:
        proc.wait(random.Random(1000 + round_).uniform(0.0, 0.5))
    except subprocess.TimeoutExpired:
        server.kill()
        killed = time.monotonic()
    _, err = proc.communicate(timeout=60)
    # bounded: each Redis call fails within 2 timeouts, the pool stops within POOL_STOP_WAIT
    assert not killed or time.monotonic() - killed < EXIT_BOUND, time.monotonic() - killed
    err = "".join(seen) + err
    server.start()  # on its AOF
    if proc.returncode == 0:  # it had written everything before Redis died
        assert f"ingested {N} articles" in err, err
    else:  # one line, no traceback, saying what is safe (the INFO lines are the progress log)
        assert proc.returncode == 1, err
        lines = [x for x in err.splitlines() if x.strip() and not x.startswith("INFO ")]
        assert len(lines) == 1 and "articles were committed before it" in lines[0], err
    acked = acknowledged(err)
    assert acked > 0 and stored(server, env["WIRETRACE_NAMESPACE"], urls[:acked]) == set(
        urls[:acked])
    assert engine_of(server, env["WIRETRACE_NAMESPACE"]).fsck() == {}
    _finish_and_compare(server, env, path, urls, clean)
