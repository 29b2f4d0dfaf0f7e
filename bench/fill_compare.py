"""Band hash fill side by side: wiretrace's ingest at two ``WIRETRACE_BAND_BUCKET_FILL``
values at the same moment, each on a redis-server of its own (bench.index_scale's child
run: chunks, key families at the snapshot sizes, band encodings), then the band hashes'
lengths.

    python -m bench.fill_compare --corpus PATH [--fills 64,32] [--n 100000]
                                 [--chunk 10000] [--snapshots 10000,20000] [--out e1f_fill]

Results: bench/out/<out>.json (the runs, as bench.index_scale's) and .md.
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import redis

from bench.index_scale import OUT, PREFIX, QUERIES, _free_port, _wait, read_corpus, start_server
from bench.index_scale_report import BENCH_COMMANDS, INDEX_FAMILIES
from wiretrace_testing import newslike


def band_lengths(client: redis.Redis) -> dict[str, float]:
    """Entries per band hash: mean, largest, and the share above half of 512."""
    lens = []
    keys = list(client.scan_iter(match=PREFIX + "band:*", count=5000))
    for i in range(0, len(keys), 5000):
        pipe = client.pipeline(transaction=False)
        for k in keys[i:i + 5000]:
            pipe.hlen(k)
        lens += pipe.execute()
    return {"hashes": len(lens), "mean": sum(lens) / max(1, len(lens)), "max": max(lens, default=0),
            "over_256": sum(n > 256 for n in lens)}


def one(fill: int, a: argparse.Namespace, queries: Path, work: Path,
        out: dict[int, dict[str, Any]]) -> None:
    port = _free_port()
    server = start_server(port, work / str(fill), False)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        _wait(url)
        env = {**os.environ, "WIRETRACE_BAND_BUCKET_FILL": str(fill)}
        proc = subprocess.run([sys.executable, "-m", "bench.index_scale", "--child", "wiretrace",
                               "--url", url, "--corpus", str(a.corpus), "--n", str(a.n),
                               "--chunk", str(a.chunk), "--queries", str(queries),
                               "--snapshots", a.snapshots],
                              capture_output=True, text=True, check=False, env=env)
        if proc.returncode:
            raise SystemExit(f"fill {fill} failed: {proc.stderr[-2000:]}")
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["fill"] = fill
        res["band_lengths"] = band_lengths(redis.Redis.from_url(url))
        out[fill] = res
    finally:
        server.terminate()
        server.wait(30)


def _rows(res: dict[str, Any]) -> list[str]:
    """Per snapshot (and the end): bytes an article, by family, index + signature."""
    rows, so_far = [], 0
    for c in res["chunks"]:
        so_far += c["articles"]
        fam = c.get("families") or (res["families"] if so_far == res["n"] else None)
        if not fam:
            continue
        enc = c.get("band_encodings") or res["band_encodings"]
        total = (c["used_memory"] - res["empty"]) / so_far
        share = sum(v for k, v in fam.items() if k in INDEX_FAMILIES) / sum(fam.values())
        by = collections.Counter({k: v / so_far for k, v in fam.items()})
        rows.append(f"| {res['fill']} | {so_far:,} | {total:,.0f} | {total * share:,.0f} | "
                    f"{by['band']:,.0f} | {by['sig']:,.0f} | {by['article']:,.0f} | "
                    f"{sum(by.values()) - by['band'] - by['sig'] - by['article']:,.0f} | "
                    f"{', '.join(f'{k} {v:,}' for k, v in sorted(enc.items()))} |")
    return rows


def _cpu_rows(res: dict[str, Any]) -> list[str]:
    rows, so_far, before = [], 0, 0
    for c in res["chunks"]:
        so_far += c["articles"]
        n = c["articles"]
        usec = sum(v for k, v in c["command_usec"].items() if k not in BENCH_COMMANDS)
        usec, before = usec - before, usec
        rows.append(f"| {res['fill']} | {so_far - n:,}-{so_far:,} | {c['load']:.1f} | "
                    f"{1000 * c['cpu_client'] / n:.3f} | {1000 * c['cpu_server'] / n:.3f} | "
                    f"{1000 * (c['cpu_client'] + c['cpu_server']) / n:.3f} | "
                    f"{n / c['seconds']:,.0f} | {usec / n:,.0f} |")
    return rows


def report(runs: dict[int, dict[str, Any]]) -> str:
    out = ["# Band hash fill side by side", "",
           "Bytes an article: (used_memory - empty) / articles; index + signature: that times "
           "the share of MEMORY USAGE held by the band, sig, meta, epoch, stats keys.", "",
           "| fill | articles | B/article | index + sig | band | sig | article | rest | "
           "band encodings |", "|---|---|---|---|---|---|---|---|---|"]
    for res in runs.values():
        out += _rows(res)
    out += ["", "CPU ms an article per chunk (client: the ingesting process and its "
            "preparation workers; server: redis-server used_cpu); commands' µs an "
            "article: INFO commandstats (the bench's own commands aside).", "",
            "| fill | articles | load | client | server | both | articles/s | commands µs |",
            "|---|---|---|---|---|---|---|---|"]
    for res in runs.values():
        out += _cpu_rows(res)
    out += ["", "| fill | buckets | band hashes | mean entries | largest | over 256 | "
            "checks: client + server ms | batched |", "|---|---|---|---|---|---|---|---|"]
    for res in runs.values():
        b, q = res["band_lengths"], QUERIES
        one_by_one = res["check_cpu_client"] + res["check_cpu_server"]
        batched = res["check_batched_cpu_client"] + res["check_batched_cpu_server"]
        out.append(f"| {res['fill']} | {res['buckets']:,} | {b['hashes']:,} | {b['mean']:.1f} | "
                   f"{b['max']} | {b['over_256']} | "
                   f"{1000 * one_by_one / q:.2f} | {1000 * batched / q:.2f} |")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--fills", default="64,32")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=10_000)
    ap.add_argument("--snapshots", default="10000,20000")
    ap.add_argument("--out", default="e1f_fill")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wt-fill-"))
    try:
        queries = work / "queries.json"
        queries.write_text(json.dumps(newslike.queries(read_corpus(a.corpus, min(a.n, 20_000)),
                                                       QUERIES)))
        runs: dict[int, dict[str, Any]] = {}
        fills = [int(f) for f in a.fills.split(",")]
        for f in fills:
            (work / str(f)).mkdir()
        threads = [threading.Thread(target=one, args=(f, a, queries, work, runs)) for f in fills]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        runs = {f: runs[f] for f in fills if f in runs}
        OUT.mkdir(exist_ok=True)
        (OUT / f"{a.out}.json").write_text(json.dumps(list(runs.values()), indent=1))
        text = report(runs)
        (OUT / f"{a.out}.md").write_text(text)
        print(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
