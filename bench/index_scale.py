"""The index at scale: wiretrace vs datasketch 2.0 MinHashLSH (Redis storage, insertion
session, the same bands x rows and shingles) on a realistic corpus, as whole processes on one
redis-server of its own, interleaved, median of the repetitions.

    python -m bench.index_scale [--sizes 10000,20000,100000] [--reps 3] [--chunk 25000]
                                [--ds-max 100000] [--corpus PATH] [--snapshots 100000]
                                [--huge-pages] [--out index_scale]
    python -m bench.index_scale --report-from bench/out/a.json,bench/out/b.json

The corpus (wiretrace_testing.newslike): distinct news-like articles generated from the real
article bodies, 10% light-edited copies and 5% excerpts planted. Each run starts from an
empty server and ingests in chunks, recording time and ``used_memory`` after each; then
checks 300 new texts one by one, then again batched (wiretrace: ``check_many`` in batches of
the batch size, as ``wiretrace check --jsonl``; datasketch, which has no batch query:
``MinHash.bulk``, then ``query`` each). Per chunk: wall seconds, CPU seconds of the ingesting
process and its children (the preparation workers) and of redis-server (INFO used_cpu_*), the
load average.
Results: bench/out/<out>.json and .md; --report-from writes the report of several runs' JSON.
"""

import argparse
import collections
import gc
import itertools
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import redis

from dedup.params import PARAMS
from dedup.signature import packed_bands, signature
from wiretrace_testing import newslike
from wiretrace_testing.corpus import real_texts

OUT = Path(__file__).resolve().parent / "out"
QUERIES = 300
QUERY_POOL = 20_000  # the queries copy from the corpus's first articles


def candidates_per_query(index: list[str], queries: list[str] | None) -> float:
    """Mean articles sharing a band entry with a query (leave-one-out when no queries)."""
    sigs = [packed_bands(signature(t)) for t in index]
    entries: dict[bytes, set[int]] = collections.defaultdict(set)
    for i, p in enumerate(sigs):
        for k in range(0, len(p), 5):
            entries[p[k:k + 5]].add(i)
    qs = sigs if queries is None else [packed_bands(signature(t)) for t in queries]
    total = 0
    for qi, p in enumerate(qs):
        found = set().union(*(entries.get(p[k:k + 5], set()) for k in range(0, len(p), 5)))
        found.discard(qi if queries is None else -1)
        total += len(found)
    return total / len(qs)


def realism() -> dict[str, float]:
    real = real_texts()
    n = len(real) - 1
    gen = [newslike.original(9, i) for i in range(2000)]
    new = [newslike.original(10, i) for i in range(200)]
    g = candidates_per_query(gen, new)
    return {"real_pages": len(real), "real_mean": candidates_per_query(real, None),
            "generated_mean_at_real_size": g * n / len(gen), "generated_mean_at_2000": g}


# -- one run: a child process ---------------------------------------------------------------
class Counter:
    """Round trips: every packed send of redis-py (a command, a pipeline, a script call)."""

    sends = 0

    @classmethod
    def install(cls) -> None:
        import redis.connection as rc
        orig = rc.AbstractConnection.send_packed_command

        def counted(self: rc.AbstractConnection, *a: object, **kw: object) -> None:
            cls.sends += 1
            orig(self, *a, **kw)  # type: ignore[arg-type]
        rc.AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


class GcClock:
    """CPU seconds of this process while its cyclic garbage collector ran (an upper bound:
    threads outside the GIL count too) and its runs, by generation (cumulative), and the
    objects it tracks."""

    seconds: ClassVar[list[float]] = [0.0, 0.0, 0.0]
    runs: ClassVar[list[int]] = [0, 0, 0]
    _began = 0.0

    @classmethod
    def install(cls) -> None:
        gc.callbacks.append(cls._callback)

    @classmethod
    def _callback(cls, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            cls._began = time.process_time()
            return
        g = info["generation"]
        cls.seconds[g] += time.process_time() - cls._began
        cls.runs[g] += 1

    @classmethod
    def snapshot(cls) -> dict[str, object]:
        return {"seconds": list(cls.seconds), "runs": list(cls.runs),
                "tracked": len(gc.get_objects())}


def families(client: redis.Redis, prefix: str) -> dict[str, int]:
    """MEMORY USAGE summed by key family (the part after the prefix, up to ':')."""
    out: dict[str, int] = collections.Counter()
    keys = list(client.scan_iter(count=5000))
    for i in range(0, len(keys), 5000):
        pipe = client.pipeline(transaction=False)
        part = keys[i:i + 5000]
        for k in part:
            pipe.memory_usage(k, samples=0)
        for k, m in zip(part, pipe.execute(), strict=True):
            name = k.decode(errors="replace")
            name = name[len(prefix):] if name.startswith(prefix) else name
            out[name.split(":")[0] if prefix else _ds_family(k)] += m or 0
    return dict(out)


def _ds_family(key: bytes) -> str:
    return "bands" if b"_bucket_" in key else "keys"


def child(system: str, url: str, corpus: Path, n: int, chunk: int, queries: Path,
          snapshots: set[int]) -> None:
    Counter.install()
    GcClock.install()
    client = redis.Redis.from_url(url)
    empty = int(client.info("memory")["used_memory"])
    lines = corpus.open(encoding="utf-8")
    items = (json.loads(next(lines)) for _ in range(n))  # read chunk by chunk (1M: GBs)
    qs = json.loads(queries.read_text())
    res: dict[str, object] = {"system": system, "n": n, "empty": empty}
    if system == "wiretrace":
        chunks, check = _wiretrace(url, items, chunk, qs, snapshots)
        res["families"] = families(client, PREFIX)
        res["buckets"] = int(client.hget("bench:v2:{bench}:meta", "buckets") or 64)
        from bench.band_load import recall, roots  # it imports this module
        from dedup.keys import Keys
        res["recall"] = recall(client, Keys("bench"), roots(corpus, n))
    else:
        chunks, check = _datasketch(url, items, chunk, qs, snapshots)
        res["families"] = families(client, "")
    res.update(chunks=chunks, commands=chunks[-1].pop("commands"),
               **{f"check_{k}": v for k, v in check.items()})
    res["band_encodings"] = band_encodings(client, system)
    print(json.dumps(res))


PREFIX = "bench:v2:{bench}:"


def band_encodings(client: redis.Redis, system: str) -> dict[str, int]:
    """Every band hash of wiretrace's; the first 50,000 band keys of datasketch's."""
    pattern = PREFIX + "band:*" if system == "wiretrace" else "*_bucket_*"
    sample = []
    for k in client.scan_iter(match=pattern, count=5000):
        sample.append(k)
        if len(sample) >= 50_000 and system != "wiretrace":
            break
    out: collections.Counter[str] = collections.Counter()
    for i in range(0, len(sample), 5000):
        pipe = client.pipeline(transaction=False)
        for k in sample[i:i + 5000]:
            pipe.object("encoding", k)
        out.update(e.decode() for e in pipe.execute())
    return dict(out)


def _snapshot(client: redis.Redis, system: str, chunks: list[dict[str, Any]],
              snapshots: set[int]) -> None:
    """Key families and band encodings after the chunk that ends at a snapshot size (not
    timed)."""
    if sum(c["articles"] for c in chunks) in snapshots:
        chunks[-1]["families"] = families(client, PREFIX if system == "wiretrace" else "")
        chunks[-1]["band_encodings"] = band_encodings(client, system)

Run = tuple[list[dict[str, Any]], dict[str, float]]  # chunks, checks


def _chunks(items: Iterator[dict[str, str]], chunk: int) -> Iterator[list[dict[str, str]]]:
    while part := list(itertools.islice(items, chunk)):
        yield part


def _wiretrace(url: str, items: Iterator[dict[str, str]], chunk: int,
               qs: list[str], snapshots: set[int]) -> Run:
    from dedup.config import Settings
    from dedup.engine import Engine
    from dedup.models import ArticleInput
    engine = Engine.from_settings(Settings(redis_url=url, namespace="bench"))
    engine.check_index()
    out = []
    for rows in _chunks(items, chunk):
        part = [ArticleInput(url=i["url"], text=i["text"]) for i in rows]
        start, compared = _start(engine.client), engine.store.compared
        report = engine.ingest(part)
        assert not report.errors, report.errors[:3]
        out.append(_chunk(engine.client, len(part), start, engine.settings.batch_size))
        out[-1]["compared"] = engine.store.compared - compared  # pairs candidates.lua compared
        _progress("wiretrace", out)
        _snapshot(engine.client, "wiretrace", out, snapshots)
    inputs = [ArticleInput(url=f"https://query.example/{k}", text=q) for k, q in enumerate(qs)]

    def run() -> None:
        for item in inputs:
            engine.check(item)

    def batched() -> None:  # as `wiretrace check --jsonl` does
        n = engine.settings.batch_size
        for j in range(0, len(inputs), n):
            engine.check_many(inputs[j:j + n])
    return out, _checks(engine.client, run, batched)


def _datasketch(url: str, items: Iterator[dict[str, str]], chunk: int,
                qs: list[str], snapshots: set[int]) -> Run:
    from datasketch import MinHash, MinHashLSH

    from dedup.boilerplate import signature_text
    from dedup.normalize import tokenize

    def shingles(text: str) -> list[bytes]:
        toks = tokenize(signature_text(text))
        k = PARAMS.word_ngram
        return [" ".join(toks[i:i + k]).encode() for i in range(max(1, len(toks) - k + 1))]

    def minhash(text: str) -> MinHash:
        m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed)
        m.update_batch(shingles(text))
        return m

    client = redis.Redis.from_url(url)
    kw = client.connection_pool.connection_kwargs
    lsh = MinHashLSH(num_perm=PARAMS.num_perm, params=(PARAMS.bands, PARAMS.rows),
                     storage_config={"type": "redis", "basename": b"ds",
                                     "redis": {"host": kw["host"], "port": kw["port"]}})
    out = []
    for part in _chunks(items, chunk):
        start = _start(client)
        with lsh.insertion_session(buffer_size=5000) as session:
            for i in part:
                session.insert(i["url"].encode(), minhash(i["text"]))
        out.append(_chunk(client, len(part), start, 5000))
        _progress("datasketch", out)
        _snapshot(client, "datasketch", out, snapshots)
    def run() -> None:
        for q in qs:
            lsh.query(minhash(q))

    def batched() -> None:  # datasketch has no batch query: MinHash.bulk, then query each
        for m in MinHash.bulk([shingles(q) for q in qs], num_perm=PARAMS.num_perm,
                              seed=PARAMS.seed):
            lsh.query(m)
    return out, _checks(client, run, batched)


def _checks(client: redis.Redis, run: Callable[[], None], batched: Callable[[], None]
            ) -> dict[str, float]:
    """Time the checks one by one, then batched: wall seconds and CPU seconds of this
    process and of the server."""
    out = {}
    for name, fn in (("", run), ("batched_", batched)):
        start = _start(client)
        fn()
        out.update({f"{name}seconds": time.perf_counter() - start[3],
                    f"{name}cpu_client": _cpu() - start[2],
                    f"{name}cpu_server": _server_cpu(client) - start[1],
                    f"{name}round_trips": Counter.sends - start[0]})
    return out


def _progress(system: str, chunks: list[dict[str, Any]]) -> None:
    """The chunks so far, for a run too long to wait for (bench/out/progress-*.jsonl)."""
    OUT.mkdir(exist_ok=True)
    with (OUT / f"progress-{system}.jsonl").open("a") as f:
        f.write(json.dumps({"pid": os.getpid(), "so_far": sum(c["articles"] for c in chunks),
                            **{k: v for k, v in chunks[-1].items() if k != "commands"}}) + "\n")


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the ingest's preparation
    pool is started and joined by every ``ingest`` call)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _server_cpu(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def _start(client: redis.Redis) -> tuple[int, float, float, float]:
    return Counter.sends, _server_cpu(client), _cpu(), time.perf_counter()


def _chunk(client: redis.Redis, n: int, start: tuple[int, float, float, float], batch: int
           ) -> dict[str, Any]:
    seconds, cpu = time.perf_counter() - start[3], _cpu() - start[2]
    server_cpu = _server_cpu(client) - start[1]
    stats = client.info("commandstats")
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return {"articles": n, "seconds": seconds, "cpu_client": cpu, "cpu_server": server_cpu,
            "load": os.getloadavg()[0], "round_trips": Counter.sends - start[0],
            "batches": -(-n // batch), "used_memory": int(client.info("memory")["used_memory"]),
            "commands": {k: v["calls"] for k, v in stats.items()},
            # cumulative, like "commands": the server's microseconds in each command
            "command_usec": {k: v["usec"] for k, v in stats.items()},
            # cumulative too: this process (user, system), its ended children, its GC
            "cpu_self": [me.ru_utime, me.ru_stime],
            "cpu_children": kids.ru_utime + kids.ru_stime, "gc": GcClock.snapshot()}


# -- the parent: server, corpus, interleaved runs, report -------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_child(system: str, url: str, corpus: Path, n: int, chunk: int, queries: Path,
              snapshots: str) -> dict[str, object]:
    client = redis.Redis.from_url(url, socket_timeout=600)
    client.flushall()
    client.config_resetstat()
    client.memory_purge()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bench.index_scale", "--child", system,
                           "--url", url, "--corpus", str(corpus), "--n", str(n), "--chunk",
                           str(chunk), "--queries", str(queries), "--snapshots", snapshots],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{system} run failed: {proc.stderr[-2000:]}")
    res: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_seconds"] = time.perf_counter() - t
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,20000,100000")
    ap.add_argument("--reps", default="3", help="repetitions; per size: 3,3,1")
    ap.add_argument("--chunk", type=int, default=25_000)
    ap.add_argument("--ds-max", type=int, default=100_000,
                    help="larger sizes run wiretrace alone (datasketch: ~18 KB/article)")
    ap.add_argument("--snapshots", default="",
                    help="sizes inside a run at which to record the key families too")
    ap.add_argument("--out", default="index_scale", help="bench/out/<out>.json and .md")
    ap.add_argument("--huge-pages", action="store_true",
                    help="the server's heap in transparent huge pages (jemalloc thp:always)")
    ap.add_argument("--report-from", help="JSON files of runs (comma-separated): their report")
    ap.add_argument("--child")
    ap.add_argument("--url")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--n", type=int)
    ap.add_argument("--queries", type=Path)  # the child's; the parent's --corpus: a file kept
    # between runs (made anew when shorter than the largest size or of another generator)
    a = ap.parse_args()
    snapshots = {int(s) for s in a.snapshots.split(",") if s}
    if a.child:
        child(a.child, a.url, a.corpus, a.n, a.chunk, a.queries, snapshots)
        return
    from bench.index_scale_report import report
    if a.report_from:
        parts = [json.loads(Path(f).read_text()) for f in a.report_from.split(",")]
        text = report(parts[0]["realism"], [r for p in parts for r in p["runs"]])
        (OUT / f"{a.out}.md").write_text(text)
        print(text)
        return
    sizes = [int(s) for s in a.sizes.split(",")]
    reps = [int(r) for r in a.reps.split(",")]
    reps += [reps[-1]] * (len(sizes) - len(reps))
    work = Path(tempfile.mkdtemp(prefix="wt-scale-"))
    port = _free_port()
    server = start_server(port, work, a.huge_pages)
    print(f"redis-server pid {server.pid} port {port}"
          f"{' (transparent huge pages)' if a.huge_pages else ''}", flush=True)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        _wait(url)
        real = realism()
        print("realism", json.dumps(real), flush=True)
        corpus = a.corpus or work / "corpus.jsonl"
        t, load = time.perf_counter(), os.getloadavg()[0]
        made = make_corpus(corpus, max(sizes))
        print(f"corpus of {max(sizes)}: {'made' if made else 'kept'} in "
              f"{time.perf_counter() - t:.0f} s (load {load:.1f}-{os.getloadavg()[0]:.1f})",
              flush=True)
        queries = work / "queries.json"
        # copies and excerpts of articles every run indexes (not all of 1M: GBs in memory)
        queries.write_text(json.dumps(newslike.queries(
            read_corpus(corpus, min(min(sizes), QUERY_POOL)), QUERIES)))
        runs: list[dict[str, object]] = []

        def save() -> None:  # kept as it goes: a late failure loses nothing
            OUT.mkdir(exist_ok=True)
            (OUT / f"{a.out}.json").write_text(json.dumps(
                {"realism": real, "runs": runs, "cpus": os.cpu_count(),
                 "huge_pages": a.huge_pages}, indent=1))

        for n, r in zip(sizes, reps, strict=True):
            for rep in range(r):
                order = ("datasketch", "wiretrace") if rep % 2 == 0 else \
                    ("wiretrace", "datasketch")
                for system in order:
                    if system == "datasketch" and n > a.ds_max:
                        continue
                    res = run_child(system, url, corpus, n, min(a.chunk, n), queries,
                                    a.snapshots)
                    res["rep"] = rep
                    res["huge_pages"] = a.huge_pages
                    runs.append(res)
                    save()
                    print(f"{system} n={n} rep={rep}: {res['process_seconds']:.0f} s",
                          flush=True)
        save()
        text = report(real, runs)
        (OUT / f"{a.out}.md").write_text(text)
        print(text)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


def start_server(port: int, work: Path, huge_pages: bool) -> subprocess.Popen[bytes]:
    """The benchmark's redis-server, nothing persisted. ``huge_pages``: its heap in
    transparent huge pages (jemalloc ``thp:always``; Redis turns them off for itself unless
    ``disable-thp no``): at a few GB of index, most of a command's memory accesses miss the
    TLB's 4 KB pages (README, "The index at scale")."""
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--dir", str(work)]
    env = dict(os.environ)
    if huge_pages:
        cmd += ["--disable-thp", "no"]
        env["MALLOC_CONF"] = "thp:always"
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env)


def make_corpus(path: Path, n: int, seed: int = 1) -> bool:
    """The corpus file of at least n articles (one JSON object a line), kept between runs: a
    file of this generator and seed with at least n articles is used as it is (its first n
    lines are what a new one would hold), else it is made anew, in 2 processes. Returns
    whether it was made."""
    meta = path.with_name(path.name + ".meta.json")
    want = {"generator": newslike.VERSION, "seed": seed}
    if path.exists() and meta.exists():
        have = json.loads(meta.read_text())
        if {k: have.get(k) for k in want} == want and have.get("n", 0) >= n:
            return False
    part = path.with_name(path.name + ".part")
    with part.open("w", encoding="utf-8") as f:
        for art in newslike.stream(n, seed, workers=2):
            f.write(json.dumps({"url": art.url, "text": art.text}, ensure_ascii=False) + "\n")
    part.replace(path)
    meta.write_text(json.dumps({**want, "n": n}))
    return True


def read_corpus(path: Path, n: int) -> list[newslike.Article]:
    """The first n articles of a corpus file (kind: original or not)."""
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in itertools.islice(f, n)]
    return [newslike.Article(d["url"], d["text"], "original" if "/a/" in d["url"] else "copy",
                             0) for d in rows]


def _wait(url: str) -> None:
    client = redis.Redis.from_url(url, socket_timeout=1)
    for _ in range(200):
        try:
            client.ping()
            return
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def median(xs: list[float]) -> float:
    return statistics.median(xs)


if __name__ == "__main__":
    main()
