"""Where an ingest's candidate work comes from as the index grows (issue 13, E1): counts, not
timings. Ingests the first N articles of a corpus file into a redis-server of its own and, at
each size, without timing anything:

- the band values' true sharing (articles per band value, over every signature indexed) and
  what the band entries store (at most codec.BAND_IDS ids, then FULL);
- probes (the next articles of the corpus, not indexed): per probe, its band entries by size,
  its candidates (before the cap and as compared) and where they come from (shared bands,
  FULL or not), how many have ``min_equal`` equal values, and whether each is the probe's
  own story (the corpus's planted sources, replayed from its seed) -- for the rule as on main
  (every id of every entry a candidate, the cap sharing the most bands) and as now
  (:func:`dedup.ranking.ranked_candidates`, with budgets of single-band candidates BUDGETS);
- the commonest 4-word phrases behind the hot band values the probes hit;
- a cProfile of ``check_many`` of the probes (the client's read path, per article);
- at the end, recall of the planted copies and excerpts: in the cluster of their source.

    python -m bench.band_load --corpus /work/bench-data/newslike-corpus.jsonl \\
        --sizes 25000,100000,250000 [--probes 1000] [--out band_load]
"""

import argparse
import collections
import cProfile
import io
import itertools
import json
import pstats
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import redis

from bench.index_scale import OUT, _free_port, _wait
from dedup import codec
from dedup.boilerplate import signature_text
from dedup.config import Settings
from dedup.engine import Engine
from dedup.keys import Keys
from dedup.models import ArticleInput
from dedup.normalize import tokenize
from dedup.params import PARAMS
from dedup.prepare import draft_with_lines, sign
from dedup.signature import Signature, packed_bands, signature
from dedup.urls import article_id, normalize_url
from wiretrace_testing import newslike

NS = "bench"
BUDGETS = (4, 8, 16)  # single-band candidates compared per article, rules evaluated


def roots(path: Path, n: int, seed: int = 1) -> list[tuple[str, str, int]]:
    """(url, kind, root) of the first n articles: root is the position of the original a
    copy or excerpt takes from (newslike.stream's draws replayed), else the article's own."""
    rng = random.Random(seed)
    recent: collections.deque[int] = collections.deque(maxlen=newslike.WINDOW)
    out = []
    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(itertools.islice(f, n)):
            url = json.loads(line)["url"]
            kind = "copy" if "/c/" in url else "excerpt" if "/e/" in url else "original"
            r = rng.random()
            if recent and r < newslike.COPY_SHARE + newslike.EXCERPT_SHARE:
                j = recent[-1 - rng.randrange(len(recent))]
                assert kind != "original" and (kind == "copy" or r >= newslike.COPY_SHARE), i
                out.append((url, kind, j))
                continue
            assert kind == "original", (i, url)
            recent.append(i)
            out.append((url, kind, i))
    return out


def corpus(path: Path, start: int, stop: int) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        for line in itertools.islice(f, start, stop):
            yield json.loads(line)


def value_keys(packed: bytes) -> np.ndarray:
    """A band entry's identity (band number, tag) as one integer per entry."""
    raw = np.frombuffer(packed, dtype=[("band", "u1"), ("tag", "<u4")])
    return (raw["band"].astype(np.uint64) << np.uint64(32)) | raw["tag"].astype(np.uint64)


def sharing(client: redis.Redis, engine: Engine) -> tuple[np.ndarray, np.ndarray]:
    """Every band value of the index and how many indexed articles have it (sorted keys)."""
    parts = []
    batch: list[bytes] = []

    def flush() -> None:
        for raw in client.mget(batch):
            if raw:
                parts.append(value_keys(packed_bands(Signature.from_bytes(raw))))
        batch.clear()
    for key in client.scan_iter(match=engine.keys.index_pattern("sig:"), count=5000):
        batch.append(key)
        if len(batch) >= 5000:
            flush()
    flush()
    keys, counts = np.unique(np.concatenate(parts), return_counts=True)
    return keys, counts


BINS = [(1, 1), (2, 2), (3, 7), (8, 15), (16, 63), (64, 255), (256, 1 << 62)]


def binned(values: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    out = {}
    for lo, hi in BINS:
        m = (values >= lo) & (values <= hi)
        out[f"{lo}-{hi}" if hi < 1 << 40 and hi != lo else (str(lo) if hi == lo else f"{lo}+")
            ] = float(m.sum() if weights is None else weights[m].sum())
    return out


def prepared(engine: Engine, rows: list[dict[str, str]]) -> list[Any]:
    """The probes signed as a check signs them (its site's known template left out)."""
    drafts = [draft_with_lines(ArticleInput(url=r["url"], text=r["text"]), engine.settings,
                               compress=False) for r in rows]
    templates = engine.sites.known_templates([d for d, _ in drafts])
    return [sign(d, engine.params, templates.get(d.meta.site, set()), lines)
            for d, lines in drafts]


def old_rule(values: list[bytes], aid: str, cap: int) -> list[str]:
    """The candidates as main ranked them: every id of every entry, the cap sharing the most
    bands."""
    hits: dict[bytes, int] = {}
    for v in (x.removesuffix(codec.FULL) for x in values):
        for j in range(0, len(v), codec.ID_BYTES):
            raw = v[j:j + codec.ID_BYTES]
            hits[raw] = hits.get(raw, 0) + 1
    top = sorted(hits, key=hits.__getitem__, reverse=True)[:cap] if len(hits) > cap \
        else list(hits)
    return [c for c in (r.hex() for r in top) if c != aid]


def probe(client: redis.Redis, engine: Engine, rows: list[dict[str, str]],
          root_of: dict[str, int], keys: np.ndarray, counts: np.ndarray,
          min_equal: int, cap: int = 50) -> dict[str, Any]:
    """Candidates of the probes, per probe, by where they come from; old rule and new."""
    from dedup.ranking import ranked_candidates  # not on main: index_scale.py imports us
    arts = prepared(engine, rows)
    tot: collections.Counter[str] = collections.Counter()
    entry_sizes: collections.Counter[str] = collections.Counter()
    hot_phrases: collections.Counter[str] = collections.Counter()
    shown = 0
    for k in range(0, len(arts), 64):
        batch = arts[k:k + 64]
        _, _, values = engine.store._band_values([a.bands for a in batch])
        pos = 0
        for a in batch:
            n = len(a.bands) // codec.BAND_FIELD
            mine = values[pos:pos + n]
            pos += n
            vk = value_keys(a.bands)
            where = np.searchsorted(keys, vk)
            where = np.minimum(where, len(keys) - 1)
            df = np.where(keys[where] == vk, counts[where], 0)
            hits: collections.Counter[str] = collections.Counter()
            full_of: dict[str, bool] = {}
            df_of: dict[str, int] = {}
            for v, d in zip(mine, df.tolist(), strict=True):
                full = v.endswith(codec.FULL)
                ids = v.removesuffix(codec.FULL)
                size = len(ids) // codec.ID_BYTES
                entry_sizes["FULL" if full else str(size)] += 1
                for j in range(0, len(ids), codec.ID_BYTES):
                    c = ids[j:j + codec.ID_BYTES].hex()
                    hits[c] += 1
                    full_of[c] = full_of.get(c, True) and full
                    df_of[c] = max(df_of.get(c, 0), d)
            rules = {"old": old_rule(mine, a.id, cap),
                     **{f"single {b}": ranked_candidates(mine, a.id, cap, b) for b in BUDGETS}}
            sigs = dict(zip(hits, client.mget([engine.keys.sig(c) for c in hits]),
                            strict=True)) if hits else {}
            q = a.sig.hashvalues
            mine_root = root_of.get(a.id, -1)
            for c, h in hits.items():
                raw = sigs[c]
                equal = int(np.count_nonzero(Signature.from_bytes(raw).hashvalues == q)) \
                    if raw else 0
                passes = equal >= min_equal
                story = root_of.get(c, -2) == mine_root
                klass = ("1 band" if h == 1 else "2+ bands") + (
                    ", FULL only" if full_of[c] else "")
                tot[f"all: {klass}"] += 1
                if passes:
                    tot[f"all, >= min_equal: {klass}"] += 1
                if story:
                    tot[f"all, same story: {klass}"] += 1
                for rule, chosen in rules.items():
                    if c in chosen:
                        tot[f"{rule}: compared"] += 1
                        tot[f"{rule}: compared, passes"] += passes
                        tot[f"{rule}: compared, same story"] += story
                    elif passes and c in rules["old"]:
                        tot[f"{rule}: lost (passes min_equal, compared by old)"] += 1
                        tot[f"{rule}: lost, same story"] += story
                if h == 1 and not passes:
                    tot[f"chance (1 band, fails) from entries of true sharing "
                        f"{_bin(df_of[c])}"] += 1
            if shown < 40:  # the phrases behind the FULL entries a probe hits
                for v, b in zip(mine, range(PARAMS.bands), strict=True):
                    if v.endswith(codec.FULL) and len(v) > codec.ID_BYTES:
                        phrase = _phrase(client, engine, a.text, v[:codec.ID_BYTES], b)
                        if phrase:
                            hot_phrases[phrase] += 1
                shown += 1
    n = len(arts)
    return {"probes": n, "per_probe": {k: v / n for k, v in sorted(tot.items())},
            "entries_per_probe": {k: v / n for k, v in sorted(entry_sizes.items())},
            "hot_phrases_in_40_probes": hot_phrases.most_common(15)}


def _bin(d: int) -> str:
    for lo, hi in BINS:
        if lo <= d <= hi:
            return f"{lo}-{hi}" if hi < 1 << 40 else f"{lo}+"
    return "?"


def _shingles(text: str) -> list[str]:
    toks = tokenize(signature_text(text))
    k = PARAMS.word_ngram
    return [" ".join(toks[i:i + k]) for i in range(max(1, len(toks) - k + 1))]


def _phrase(client: redis.Redis, engine: Engine, text: str, other: bytes, band: int) -> str:
    """The shingles of ``text`` that give band ``band``'s two minima and that the article
    ``other`` (listed in the entry) has too: why the two share the band value."""
    raw = client.hget(engine.keys.article(other.hex()), codec.ArticleField.TEXT)
    if not raw:
        return ""
    import zlib
    theirs = set(_shingles(zlib.decompress(raw).decode()))
    mine = _shingles(text)
    sig = signature(signature_text(text)).hashvalues
    out = []
    for p in (band * PARAMS.rows, band * PARAMS.rows + 1):
        for s in dict.fromkeys(mine):
            if s in theirs and signature(s).hashvalues[p] == sig[p]:
                out.append(s)
                break
    return " | ".join(out)


def profile(engine: Engine, rows: list[dict[str, str]]) -> dict[str, Any]:
    """cProfile of check_many of the probes (batches of 64): CPU ms per article, total and
    in the functions that take the most."""
    items = [ArticleInput(url=r["url"], text=r["text"]) for r in rows]
    prof = cProfile.Profile(time.process_time)
    prof.enable()
    for k in range(0, len(items), 64):
        engine.check_many(items[k:k + 64])
    prof.disable()
    st = pstats.Stats(prof, stream=io.StringIO())
    per = 1000 / len(items)
    stats = st.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())
    top = sorted(stats.items(), key=lambda kv: -kv[1][3])[:25]
    return {"cpu_ms_per_article": total * per,
            "cumulative_ms_per_article": [
                (f"{Path(f).name}:{line}:{fn}", round(v[3] * per, 3), round(v[2] * per, 3))
                for (f, line, fn), v in top]}


def recall(client: redis.Redis, keys: Keys, table: list[tuple[str, str, int]]
           ) -> dict[str, Any]:
    """Planted copies and excerpts in the cluster of their source; clusters holding more
    than one story."""
    ids = [article_id(normalize_url(u)) for u, _, _ in table]
    cluster = []
    for k in range(0, len(ids), 5000):
        pipe = client.pipeline(transaction=False)
        for aid in ids[k:k + 5000]:
            pipe.hget(keys.article(aid), codec.ArticleField.CLUSTER)
        cluster += [(c.decode() if c else aid) for c, aid in zip(pipe.execute(),
                                                                ids[k:k + 5000], strict=True)]
    out: dict[str, Any] = {}
    for kind in ("copy", "excerpt"):
        rows = [i for i, (_, kd, _) in enumerate(table) if kd == kind]
        found = sum(cluster[i] == cluster[table[i][2]] for i in rows)
        out[kind] = {"planted": len(rows), "with source": found,
                     "recall": found / max(1, len(rows))}
    stories: dict[str, set[int]] = collections.defaultdict(set)
    for i, c in enumerate(cluster):
        stories[c].add(table[i][2])
    mixed = [c for c, s in stories.items() if len(s) > 1]
    out["clusters with 2+ stories"] = len(mixed)
    out["articles in them"] = sum(1 for c in cluster if c in set(mixed))
    return out


def report(res: dict[str, Any]) -> str:
    """The counts of each size, as text (bench/out/<out>.md)."""
    out = ["# Band entries and candidates by index size (bench/band_load.py)", "",
           "Counts, not timings; per probe = per new text (the next articles of the corpus, "
           "not indexed). `old`: every listed id a candidate, the 50 sharing the most bands; "
           "`single B`: dedup.ranking with a budget of B single-band candidates. 'passes': "
           "at least min_equal equal values; 'same story': the corpus's planted source.", "",
           *([res["note"], ""] if "note" in res else []), "```"]
    for size, r in res["sizes"].items():
        out += [f"=== {int(size):,} articles: {r['band values']:,} band values",
                f"values by articles sharing them: {r['values by articles sharing']}",
                "article-band incidences by articles sharing: "
                f"{r['article-band incidences by articles sharing']}",
                f"stored entries by ids listed (8 = FULL): "
                f"{r['stored entries: ids listed (8 = FULL)']}",
                f"band entries of a probe by ids listed: {r['probe']['entries_per_probe']}",
                "per probe:"]
        out += [f"  {k}: {v:.3f}" for k, v in r["probe"]["per_probe"].items()]
        out += [f"phrases behind FULL entries (40 probes): "
                f"{r['probe']['hot_phrases_in_40_probes']}",
                f"check_many under cProfile: {r['profile']['cpu_ms_per_article']:.2f} ms CPU "
                "a probe; cumulative, own ms a probe:"]
        out += [f"  {name} {cum} {own}"
                for name, cum, own in r["profile"]["cumulative_ms_per_article"]]
        out += [f"recall of the indexed articles: {r['recall']}", ""]
    return "\n".join([*out, "```", ""])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--sizes", default="25000,100000,250000")
    ap.add_argument("--probes", type=int, default=1000)
    ap.add_argument("--out", default="band_load")
    ap.add_argument("--report-from", type=Path, help="a run's JSON: write its .md again")
    a = ap.parse_args()
    if a.report_from:
        (OUT / f"{a.out}.md").write_text(report(json.loads(a.report_from.read_text())))
        return
    sizes = [int(s) for s in a.sizes.split(",")]
    table = roots(a.corpus, max(sizes) + a.probes)
    root_of = {article_id(normalize_url(u)): r for u, _, r in table}
    work = Path(tempfile.mkdtemp(prefix="wt-bandload-"))
    port = _free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(work)],
                              stdout=subprocess.DEVNULL)
    res: dict[str, Any] = {"sizes": {}}
    try:
        url = f"redis://127.0.0.1:{port}/0"
        _wait(url)
        client = redis.Redis.from_url(url, socket_timeout=600)
        engine = Engine.from_settings(Settings(redis_url=url, namespace=NS))
        engine.check_index()
        min_equal = engine.writer.min_equal
        done = 0
        for size in sizes:
            t = time.perf_counter()
            for k in range(done, size, 25_000):
                rows = list(corpus(a.corpus, k, min(size, k + 25_000)))
                ingested = engine.ingest([ArticleInput(url=r["url"], text=r["text"])
                                        for r in rows])
                assert not ingested.errors, ingested.errors[:3]
            done = size
            print(f"ingested {size} in {time.perf_counter() - t:.0f} s", flush=True)
            keys, counts = sharing(client, engine)
            stored = np.minimum(counts, codec.BAND_IDS + 1)
            row: dict[str, Any] = {
                "band values": len(keys),
                "values by articles sharing": binned(counts),
                "article-band incidences by articles sharing": binned(counts, counts),
                "stored entries: ids listed (8 = FULL)": {
                    str(s): int((stored == s).sum()) for s in range(1, codec.BAND_IDS + 2)}}
            rows = list(corpus(a.corpus, size, size + a.probes))
            row["probe"] = probe(client, engine, rows, root_of, keys, counts, min_equal)
            row["profile"] = profile(engine, rows)
            row["recall"] = recall(client, engine.keys, table[:size])
            res["sizes"][str(size)] = row
            print(json.dumps({size: row}, indent=1), flush=True)
            OUT.mkdir(exist_ok=True)
            (OUT / f"{a.out}.json").write_text(json.dumps(res, indent=1))
            (OUT / f"{a.out}.md").write_text(report(res))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
