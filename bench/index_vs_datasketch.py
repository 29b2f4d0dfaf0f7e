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

from bench.corpus import mutate, texts
from dedup.boilerplate import signature_text
from dedup.config import Settings
from dedup.engine import Engine
from dedup.models import ArticleInput
from dedup.normalize import tokenize
from dedup.params import PARAMS


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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    corpus = texts(n)
    rng = random.Random(3)
    queries = [mutate(t, 0.8, rng) for t in rng.sample(corpus, 300)]
    ns = f"bench-{uuid.uuid4().hex[:6]}"
    basename = f"dsbench-{ns}".encode()

    # ---- datasketch ---------------------------------------------------------------------
    base = used(client)
    host, port = client.connection_pool.connection_kwargs["host"], \
        client.connection_pool.connection_kwargs["port"]
    lsh = MinHashLSH(num_perm=PARAMS.num_perm, params=(PARAMS.bands, PARAMS.rows),
                     storage_config={"type": "redis", "basename": basename,
                                     "redis": {"host": host, "port": port}})
    t = time.perf_counter()
    with lsh.insertion_session(buffer_size=5000) as session:
        for i, text in enumerate(corpus):
            session.insert(f"doc{i}", ds_minhash(text))
    ds_insert = time.perf_counter() - t
    ds_bytes = (used(client) - base) / n
    t = time.perf_counter()
    ds_hits = 0
    for q in queries:
        ds_hits += bool(lsh.query(ds_minhash(q)))
    ds_query = time.perf_counter() - t
    drop(client, basename.decode() + "*")

    # ---- wiretrace ----------------------------------------------------------------------
    settings = Settings(redis_url=url, namespace=ns)
    engine = Engine.from_settings(settings)
    engine.check_index()
    items = [ArticleInput(url=f"https://site{i % 50}.example/a/{i}", text=t)
             for i, t in enumerate(corpus)]
    base = used(client)
    t = time.perf_counter()
    report = engine.ingest(items)
    wt_insert = time.perf_counter() - t
    total = (used(client) - base) / n
    pipe = client.pipeline(transaction=False)
    for key in client.scan_iter(match=f"{ns}:v1:a:*", count=5000):
        pipe.memory_usage(key, samples=0)
    text_meta = sum(x or 0 for x in pipe.execute()) / n
    t = time.perf_counter()
    wt_hits = 0
    for q in queries:
        res = engine.check(ArticleInput(url="https://query.example/q", text=q))
        wt_hits += res.role in ("copy", "partial")
    wt_query = time.perf_counter() - t
    drop(client, f"{ns}:*")

    print(f"{n} articles ({len(report.errors)} rejected), {len(queries)} queries of new texts "
          f"(near-duplicates at ~0.8 word overlap), bands x rows = {PARAMS.bands} x "
          f"{PARAMS.rows}")
    print(f"  inserts/s     wiretrace {n / wt_insert:8.0f}   datasketch {n / ds_insert:8.0f}"
          f"   ratio {ds_insert / wt_insert:5.1f}x")
    print(f"  queries/s     wiretrace {len(queries) / wt_query:8.0f}   datasketch "
          f"{len(queries) / ds_query:8.0f}   ratio {ds_query / wt_query:5.1f}x")
    print(f"  bytes/article wiretrace index+signature {total - text_meta:6.0f}   datasketch "
          f"index alone {ds_bytes:6.0f}   ratio 1/{ds_bytes / max(1, total - text_meta):.1f}")
    print(f"                wiretrace text+metadata {text_meta:6.0f}")
    print(f"  found         wiretrace {wt_hits}/{len(queries)}   datasketch (any candidate) "
          f"{ds_hits}/{len(queries)}")


if __name__ == "__main__":
    main()
