"""The index at scale: wiretrace vs datasketch 2.0 MinHashLSH (Redis storage, insertion
session, the same bands x rows and shingles) on a realistic corpus, as whole processes on one
redis-server of its own, interleaved, median of the repetitions.

    python -m bench.index_scale [--sizes 10000,20000,100000] [--reps 3] [--chunk 25000]
                                [--ds-max 100000]

The corpus (wiretrace_testing.newslike): distinct news-like articles generated from the real
article bodies, 10% light-edited copies and 5% excerpts planted. Each run starts from an
empty server and ingests in chunks, recording time and ``used_memory`` after each; then
checks 300 new texts. Results: bench/out/index_scale.json and .md.
"""

import argparse
import collections
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis

from dedup.params import PARAMS
from dedup.signature import packed_bands, signature
from wiretrace_testing import newslike
from wiretrace_testing.corpus import real_texts

OUT = Path(__file__).resolve().parent / "out"
QUERIES = 300


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


def child(system: str, url: str, corpus: Path, n: int, chunk: int, queries: Path) -> None:
    Counter.install()
    client = redis.Redis.from_url(url)
    empty = int(client.info("memory")["used_memory"])
    lines = corpus.open()
    items = (json.loads(next(lines)) for _ in range(n))  # read chunk by chunk (1M: GBs)
    qs = json.loads(queries.read_text())
    res: dict[str, object] = {"system": system, "n": n, "empty": empty, "cpu0": _cpu(client)}
    if system == "wiretrace":
        chunks, check = _wiretrace(url, items, chunk, qs)
        res["cpu_end"] = _cpu(client)
        res["families"] = families(client, "bench:v2:{bench}:")
        res["buckets"] = int(client.hget("bench:v2:{bench}:meta", "buckets") or 64)
    else:
        chunks, check = _datasketch(url, items, chunk, qs)
        res["cpu_end"] = _cpu(client)
        res["families"] = families(client, "")
    res.update(chunks=chunks, check_seconds=check, commands=chunks[-1].pop("commands"))
    pattern = "bench:v2:{bench}:band:*" if system == "wiretrace" else "*_bucket_*"
    sample = []  # every band hash of wiretrace's; the first 50,000 band keys of datasketch's
    for k in client.scan_iter(match=pattern, count=5000):
        sample.append(k)
        if len(sample) >= 50_000:
            break
    pipe = client.pipeline(transaction=False)
    for k in sample:
        pipe.object("encoding", k)
    res["band_encodings"] = dict(collections.Counter(e.decode() for e in pipe.execute()))
    print(json.dumps(res))


def _cpu(client: redis.Redis) -> list[float]:
    """CPU seconds so far of this process with its finished children (a preparation pool),
    and of the redis-server: [client, server] (chunk minus chunk: load-robust costs)."""
    t, info = os.times(), client.info("cpu")
    return [t.user + t.system + t.children_user + t.children_system,
            float(info["used_cpu_user"]) + float(info["used_cpu_sys"])]


def _chunks(items: Iterator[dict[str, str]], chunk: int) -> Iterator[list[dict[str, str]]]:
    while part := list(itertools.islice(items, chunk)):
        yield part


def _wiretrace(url: str, items: Iterator[dict[str, str]], chunk: int,
               qs: list[str]) -> tuple[list[dict[str, Any]], float]:
    from dedup.config import Settings
    from dedup.engine import Engine
    from dedup.models import ArticleInput
    engine = Engine.from_settings(Settings(redis_url=url, namespace="bench"))
    engine.check_index()
    out = []
    for rows in _chunks(items, chunk):
        part = [ArticleInput(url=i["url"], text=i["text"]) for i in rows]
        sends, t = Counter.sends, time.perf_counter()
        report = engine.ingest(part)
        assert not report.errors, report.errors[:3]
        out.append(_chunk(engine.client, len(part), t, sends, engine.settings.batch_size))
        _progress("wiretrace", out)
    t = time.perf_counter()
    for k, q in enumerate(qs):
        engine.check(ArticleInput(url=f"https://query.example/{k}", text=q))
    return out, time.perf_counter() - t


def _datasketch(url: str, items: Iterator[dict[str, str]], chunk: int,
                qs: list[str]) -> tuple[list[dict[str, Any]], float]:
    from datasketch import MinHash, MinHashLSH

    from dedup.boilerplate import signature_text
    from dedup.normalize import tokenize

    def minhash(text: str) -> MinHash:
        toks = tokenize(signature_text(text))
        k = PARAMS.word_ngram
        m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed)
        m.update_batch([" ".join(toks[i:i + k]).encode()
                        for i in range(max(1, len(toks) - k + 1))])
        return m

    client = redis.Redis.from_url(url)
    kw = client.connection_pool.connection_kwargs
    lsh = MinHashLSH(num_perm=PARAMS.num_perm, params=(PARAMS.bands, PARAMS.rows),
                     storage_config={"type": "redis", "basename": b"ds",
                                     "redis": {"host": kw["host"], "port": kw["port"]}})
    out = []
    for part in _chunks(items, chunk):
        sends, t = Counter.sends, time.perf_counter()
        with lsh.insertion_session(buffer_size=5000) as session:
            for i in part:
                session.insert(i["url"].encode(), minhash(i["text"]))
        out.append(_chunk(client, len(part), t, sends, 5000))
        _progress("datasketch", out)
    t = time.perf_counter()
    for q in qs:
        lsh.query(minhash(q))
    return out, time.perf_counter() - t


def _progress(system: str, chunks: list[dict[str, Any]]) -> None:
    """The chunks so far, for a run too long to wait for (bench/out/progress-*.jsonl)."""
    OUT.mkdir(exist_ok=True)
    with (OUT / f"progress-{system}.jsonl").open("a") as f:
        f.write(json.dumps({"pid": os.getpid(), "so_far": sum(c["articles"] for c in chunks),
                            **{k: v for k, v in chunks[-1].items() if k != "commands"}}) + "\n")


def _chunk(client: redis.Redis, n: int, t: float, sends: int, batch: int) -> dict[str, Any]:
    seconds = time.perf_counter() - t
    return {"articles": n, "seconds": seconds, "round_trips": Counter.sends - sends,
            "batches": -(-n // batch), "used_memory": int(client.info("memory")["used_memory"]),
            "cpu": _cpu(client),
            "commands": {k: v["calls"] for k, v in client.info("commandstats").items()}}


# -- the parent: server, corpus, interleaved runs, report -------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_child(system: str, url: str, corpus: Path, n: int, chunk: int, queries: Path
              ) -> dict[str, object]:
    client = redis.Redis.from_url(url, socket_timeout=600)
    client.flushall()
    client.config_resetstat()
    client.memory_purge()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bench.index_scale", "--child", system,
                           "--url", url, "--corpus", str(corpus), "--n", str(n), "--chunk",
                           str(chunk), "--queries", str(queries)],
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
    ap.add_argument("--child")
    ap.add_argument("--url")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--n", type=int)
    ap.add_argument("--queries", type=Path)  # the child's; the parent's --corpus: a file kept
    # between runs (made or extended to the largest size)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.url, a.corpus, a.n, a.chunk, a.queries)
        return
    sizes = [int(s) for s in a.sizes.split(",")]
    reps = [int(r) for r in a.reps.split(",")]
    reps += [reps[-1]] * (len(sizes) - len(reps))
    from bench.index_scale_report import report
    work = Path(tempfile.mkdtemp(prefix="wt-scale-"))
    port = _free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(work)],
                              stdout=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        _wait(url)
        t = time.perf_counter()
        real = realism()
        print("realism", json.dumps(real), flush=True)
        corpus = a.corpus or work / "corpus.jsonl"
        indexed = make_corpus(corpus, max(sizes))[:min(sizes)]
        queries = work / "queries.json"
        queries.write_text(json.dumps(newslike.queries(indexed, QUERIES)))
        print(f"corpus of {max(sizes)} in {time.perf_counter() - t:.0f} s", flush=True)
        runs: list[dict[str, object]] = []
        for n, r in zip(sizes, reps, strict=True):
            for rep in range(r):
                order = ("datasketch", "wiretrace") if rep % 2 == 0 else \
                    ("wiretrace", "datasketch")
                for system in order:
                    if system == "datasketch" and n > a.ds_max:
                        continue
                    res = run_child(system, url, corpus, n, min(a.chunk, n), queries)
                    res["rep"] = rep
                    runs.append(res)
                    OUT.mkdir(exist_ok=True)  # kept as it goes: a late failure loses nothing
                    (OUT / "index_scale.json").write_text(json.dumps(
                        {"realism": real, "runs": runs, "cpus": os.cpu_count()}, indent=1))
                    print(f"{system} n={n} rep={rep}: {res['process_seconds']:.0f} s",
                          flush=True)
        OUT.mkdir(exist_ok=True)
        (OUT / "index_scale.json").write_text(json.dumps({"realism": real, "runs": runs,
                                                          "cpus": os.cpu_count()}, indent=1))
        text = report(real, runs)
        (OUT / "index_scale.md").write_text(text)
        print(text)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


def make_corpus(path: Path, n: int) -> list[newslike.Article]:
    """The corpus file of at least n articles (one JSON object a line): the articles already
    in ``path`` (a run before wrote them: generating is slow), the rest generated and
    appended. Returns the articles (kind: original or not)."""
    done = [json.loads(line) for line in path.open()] if path.exists() else []
    with path.open("a") as f:
        for art in newslike.stream(n, done=[d["text"] for d in done]):
            f.write(json.dumps({"url": art.url, "text": art.text}) + "\n")
            done.append({"url": art.url, "text": art.text})
    return [newslike.Article(d["url"], d["text"], "original" if "/a/" in d["url"] else "copy", 0)
            for d in done]


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
