"""`wiretrace ingest` SIGKILLed at a random point, and separately Redis SIGKILLed under it (AOF
everysec, restarted on its files): everything acknowledged is stored, `wiretrace fsck` is
clean, running the same input again stores the rest, idempotently, and the index is then the
one a single clean run of the input makes (every exported field but the first-seen time)."""

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from dedup.config import Settings
from dedup.models import ArticleInput
from dedup.prepool import POOL_STOP_WAIT
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
from wiretrace_testing.procs import CoreShare

N = 400  # seven batches of 64: kills land during and between batch writes
# From Redis's death to the ingest's exit: the waits the code sets (the call under way fails
# within two Redis timeouts, the preparation pool is stopped within POOL_STOP_WAIT), plus work
# whose wall time grows with the machine's load: 16 s of it for a thread that gets a whole
# core (30 s in all, the bound this test had), 160 s at a tenth (2 cores at a load of ~20).
# Seconds of a wall clock alone failed at a load of ~20; a hang is still a failure.
WAITS = 2 * Settings().redis_timeout + POOL_STOP_WAIT
WORK = 16.0
HANG = 900.0  # past this the ingest is taken for hung, whatever the load
# the one log line a slow machine adds to the ingest's error (the pool took over its wait)
POOL_KILLED = "WARNING dedup.prepool: the preparation pool did not stop within"


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
        kill_redis_under(server, proc)
        killed = time.monotonic()
    share = CoreShare()
    _, err = proc.communicate(timeout=HANG)
    took, core = time.monotonic() - killed, share.stop()
    print(f"\nexit {took:.1f} s after Redis died, {core:.2f} of a core" if killed else "")
    # bounded: the waits the code sets, and the work at the share of a core it got
    assert not killed or took < WAITS + WORK / core, (took, core)
    err = "".join(seen) + err
    server.start()  # on its AOF
    if proc.returncode == 0:  # it had written everything before Redis died
        assert f"ingested {N} articles" in err, err
    else:  # one line, no traceback, saying what is safe (the INFO lines are the progress log)
        assert proc.returncode == 1, err
        lines = [x for x in err.splitlines()
                 if x.strip() and not x.startswith(("INFO ", POOL_KILLED))]
        assert len(lines) == 1 and "articles were committed before it" in lines[0], err
    acked = acknowledged(err)
    assert acked > 0 and stored(server, env["WIRETRACE_NAMESPACE"], urls[:acked]) == set(
        urls[:acked])
    assert engine_of(server, env["WIRETRACE_NAMESPACE"]).fsck() == {}
    _finish_and_compare(server, env, path, urls, clean)


def kill_redis_under(server: AofRedis, proc: subprocess.Popen[str]) -> None:
    """SIGKILL Redis while the ingest is stopped (SIGSTOP) wherever it was, then resume it.

    In between, Redis is given the time to write what it acknowledged to its AOF: with
    ``appendfsync everysec`` it holds writes back while an fsync is under way (up to 2 s, on
    a disk other processes keep busy) and still replies, so a kill then loses acknowledged
    writes (the README's Guarantees: Redis's window, not the ingest's). What the ingest
    acknowledged is then exactly what Redis acknowledged, at any load."""
    proc.send_signal(signal.SIGSTOP)
    try:
        client, deadline = server.client(), time.monotonic() + 30
        while client.info("persistence")["aof_buffer_length"] and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()
    finally:
        proc.send_signal(signal.SIGCONT)
