"""Bulk ingest, lookups of new texts, Redis bytes per article and recall: wiretrace's index vs
datasketch MinHashLSH with its Redis storage (insertion session) at the same bands and rows,
on the same texts and the same Redis server (REDIS_URL; `make bench` starts one).

    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.index_vs_datasketch [N]
"""

import os
import random
import sys
import time
import uuid

import redis
from datasketch import MinHash, MinHashLSH

from dedup.boilerplate import signature_text
from dedup.config import Settings
from dedup.engine import Engine
from dedup.keys import Keys
from dedup.models import ArticleInput
from dedup.normalize import tokenize
from dedup.params import PARAMS
from wiretrace_testing.corpus import mutate, texts


def ds_minhash(text: str) -> MinHash:
    toks = tokenize(signature_text(text))
    n = PARAMS.word_ngram
    m = MinHash(num_perm=PARAMS.num_perm, seed=PARAMS.seed)
    m.update_batch([" ".join(toks[i:i + n]).encode() for i in range(max(1, len(toks) - n + 1))])
    return m


def used(client: redis.Redis) -> int:
    return int(client.info("memory")["used_memory"])


def drop(client: redis.Redis, pattern: str) -> None:
    keys = list(client.scan_iter(match=pattern, count=5000))
    for i in range(0, len(keys), 5000):
        client.delete(*keys[i:i + 5000])


def ds_insert(client: redis.Redis, corpus: list[str], basename: bytes) -> tuple[float, MinHashLSH]:
    kw = client.connection_pool.connection_kwargs
    lsh = MinHashLSH(num_perm=PARAMS.num_perm, params=(PARAMS.bands, PARAMS.rows),
                     storage_config={"type": "redis", "basename": basename,
                                     "redis": {"host": kw["host"], "port": kw["port"]}})
    t = time.perf_counter()
    with lsh.insertion_session(buffer_size=5000) as session:
        for i, text in enumerate(corpus):
            session.insert(f"doc{i}", ds_minhash(text))
    return time.perf_counter() - t, lsh


def wt_insert(url: str, items: list[ArticleInput], ns: str, workers: int) -> tuple[float, Engine]:
    engine = Engine.from_settings(Settings(redis_url=url, namespace=ns))
    engine.check_index()
    t = time.perf_counter()
    report = engine.ingest(items, workers=workers)
    assert not report.errors, report.errors[:3]
    return time.perf_counter() - t, engine


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    corpus = texts(n)
    rng = random.Random(3)
    queries = [mutate(t, 0.8, rng) for t in rng.sample(corpus, 300)]
    items = [ArticleInput(url=f"https://site{i % 50}.example/a/{i}", text=t)
             for i, t in enumerate(corpus)]
    run = uuid.uuid4().hex[:6]

    # Inserts: the best of `rounds` runs of each, interleaved, so that a noisy neighbour on
    # the machine does not decide the ratio. Every run starts from an empty index.
    ds_times, single_times, bulk_times = [], [], []
    for r in range(rounds):
        basename = f"dsbench-{run}-{r}".encode()
        elapsed, _ = ds_insert(client, corpus, basename)
        ds_times.append(elapsed)
        drop(client, basename.decode() + "*")
        for workers, times in ((1, single_times), (0, bulk_times)):
            ns = f"bench-{run}-{r}-{workers}"
            elapsed, _ = wt_insert(url, items, ns, workers)
            times.append(elapsed)
            drop(client, f"{ns}:*")
    ds_ins, wt_single, wt_ins = min(ds_times), min(single_times), min(bulk_times)

    # Memory and queries, on one more fresh index of each.
    basename = f"dsbench-{run}-mem".encode()
    base = used(client)
    _, lsh = ds_insert(client, corpus, basename)
    ds_bytes = (used(client) - base) / n
    t = time.perf_counter()
    ds_hits = sum(bool(lsh.query(ds_minhash(q))) for q in queries)
    ds_query = time.perf_counter() - t
    drop(client, basename.decode() + "*")

    ns = f"bench-{run}-mem"
    base = used(client)
    _, engine = wt_insert(url, items, ns, 0)
    total = (used(client) - base) / n
    pipe = client.pipeline(transaction=False)
    for key in client.scan_iter(match=Keys(ns).index_pattern("article:"), count=5000):
        pipe.memory_usage(key, samples=0)
    text_meta = sum(x or 0 for x in pipe.execute()) / n
    for key in client.scan_iter(match=Keys(ns).index_pattern("tpl:"), count=5000):
        pipe.memory_usage(key, samples=0)
    templates = sum(x or 0 for x in pipe.execute())
    t = time.perf_counter()
    wt_hits = 0
    for q in queries:
        res = engine.check(ArticleInput(url="https://query.example/q", text=q))
        wt_hits += res.role in ("copy", "partial")
    wt_query = time.perf_counter() - t
    drop(client, f"{ns}:*")

    print(f"{n} articles, {len(queries)} queries of new texts "
          f"(near-duplicates at ~0.8 word overlap), bands x rows = {PARAMS.bands} x "
          f"{PARAMS.rows}")
    cpus = os.cpu_count() or 1
    print(f"  inserts/s     wiretrace {n / wt_ins:8.0f}   datasketch {n / ds_ins:8.0f}"
          f"   ratio {ds_ins / wt_ins:5.1f}x   (bulk ingest, {cpus} preparing processes; "
          f"best of {rounds})")
    print(f"                wiretrace {n / wt_single:8.0f}   datasketch {n / ds_ins:8.0f}"
          f"   ratio {ds_ins / wt_single:5.1f}x   (all in one process)")
    print(f"  queries/s     wiretrace {len(queries) / wt_query:8.0f}   datasketch "
          f"{len(queries) / ds_query:8.0f}   ratio {ds_query / wt_query:5.1f}x")
    index = total - text_meta - templates / n
    print(f"  bytes/article wiretrace index+signature {index:6.0f}   datasketch "
          f"index alone {ds_bytes:6.0f}   ratio 1/{ds_bytes / max(1, index):.1f}")
    print(f"                wiretrace text+metadata {text_meta:6.0f}")
    print(f"  bytes/site    wiretrace learned site templates {templates / 50:6.0f} "
          "(bounded per site, not per article)")
    print(f"  found         wiretrace {wt_hits}/{len(queries)}   datasketch (any candidate) "
          f"{ds_hits}/{len(queries)}")


if __name__ == "__main__":
    main()
