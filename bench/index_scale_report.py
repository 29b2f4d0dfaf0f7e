"""The report of bench/index_scale.py: medians of the interleaved runs, ratios, targets."""

import statistics
from typing import Any

INDEX_FAMILIES = ("band", "sig", "meta", "epoch", "stats")
FAMILIES = ("band", "sig", "article", "ids", "cluster", "site", "tpl")
BENCH_COMMANDS = ("cmdstat_memory|usage", "cmdstat_object|encoding", "cmdstat_info",
                  "cmdstat_scan")  # the bench's own


def _med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _per_article(run: dict[str, Any]) -> float:
    return (run["chunks"][-1]["used_memory"] - run["empty"]) / run["n"]


def _index_share(run: dict[str, Any]) -> float:
    """Share of the keys' MEMORY USAGE held by the index and signatures (wiretrace)."""
    fam = run["families"]
    return sum(v for k, v in fam.items() if k in INDEX_FAMILIES) / max(1, sum(fam.values()))


def _index_bytes(rec: dict[str, Any], n: int) -> float:
    """Index + signature bytes per article of a run or of a chunk holding its families."""
    used = rec["chunks"][-1]["used_memory"] if "chunks" in rec else rec["used_memory"]
    return (used - rec["empty"]) / n * _index_share(rec)


def _family_records(sizes: list[int], by: dict[tuple[int, str], list[dict[str, Any]]]
                    ) -> list[tuple[str, int, list[dict[str, Any]]]]:
    """(label, articles, records with families): every wiretrace size, and the chunks of
    a run where it recorded them (--snapshots), in order of articles."""
    out = []
    for s in sizes:
        for r in by[(s, "wiretrace")][:1]:
            so_far = 0
            for c in r["chunks"]:
                so_far += c["articles"]
                if "families" in c and so_far != s and not by.get((so_far, "wiretrace")):
                    out.append((f"{so_far:,} (in {s:,})", so_far, [{**c, "empty": r["empty"]}]))
        if by[(s, "wiretrace")]:
            out.append((f"{s:,}", s, by[(s, "wiretrace")]))
    return sorted(out, key=lambda x: x[1])


def _per_chunk(run: dict[str, Any], j: int) -> tuple[float, float, float]:
    """Chunk j: articles per wall second, client and server CPU ms per article."""
    c = run["chunks"][j]
    return (c["articles"] / c["seconds"], 1000 * c.get("cpu_client", float("nan")) / c["articles"],
            1000 * c.get("cpu_server", float("nan")) / c["articles"])


def _rate(run: dict[str, Any]) -> float:
    return run["n"] / sum(c["seconds"] for c in run["chunks"])


def _slope(ds: list[list[dict[str, Any]]]) -> float:
    """datasketch's bytes per added article between its two largest sizes (or its bytes per
    article when only one was measured)."""
    if len(ds) < 2:
        return _med([_per_article(r) for r in ds[-1]]) if ds else float("nan")
    (a, b) = ds[-2:]
    mem = [_med([r["chunks"][-1]["used_memory"] - r["empty"] for r in x]) for x in (a, b)]
    return (mem[1] - mem[0]) / (b[0]["n"] - a[0]["n"])


def _tail(wt: list[dict[str, Any]]) -> list[str]:
    """The last chunks against the chunks ending at 100,000 and before, median of 3 chunks
    each, as wall rate and as CPU per article (client + redis-server)."""
    chunks = wt[0]["chunks"]
    n = len(chunks)
    out = [f"Last chunk vs first, wiretrace: "
           f"{_med([_per_chunk(r, n - 1)[0] / _per_chunk(r, 0)[0] for r in wt]):.2f}x the rate."]
    at = [j for j in range(n) if sum(c["articles"] for c in chunks[:j + 1]) <= 100_000][-3:]
    if n < 6 or len(at) < 3:
        return out
    last = [n - 3, n - 2, n - 1]

    def med(r: dict[str, Any], js: list[int], k: int) -> float:
        return _med([_per_chunk(r, j)[k] if k == 0 else sum(_per_chunk(r, j)[1:])
                     for j in js])

    wall = _med([med(r, last, 0) / med(r, at, 0) for r in wt])
    one = _med([_per_chunk(r, n - 1)[0] / med(r, at, 0) for r in wt])
    cpu = _med([med(r, at, 1) / med(r, last, 1) for r in wt])
    upto = sum(c["articles"] for c in chunks[:at[-1] + 1])
    out += [f"Last 3 chunks vs the 3 chunks ending at {upto:,} (median of 3 chunks each, same "
            f"run): wall rate {wall:.2f}x (the last chunk alone {one:.2f}x); CPU per article "
            f"(ingest process and its workers + redis-server) at {upto:,} / at the end "
            f"{cpu:.2f}x (target >= 0.8x)."]
    return out


def _check_table(sizes: list[int], by: dict[tuple[int, str], list[dict[str, Any]]]
                 ) -> list[str]:
    """Checks one by one (``check``) and batched (wiretrace: ``check_many`` in batches of
    the batch size, as ``wiretrace check --jsonl``; datasketch, which has no batch query:
    ``MinHash.bulk``, then ``query`` each): checks/s, CPU ms a check (client + server), round
    trips a check."""
    nan = float("nan")
    lines = ["", "Checks (300 new texts, median of the repetitions; CPU: the checking process "
             "+ redis-server, ms a check):", "",
             "| articles | mode | checks/s wt | checks/s ds | ratio | CPU wt | CPU ds | ratio | "
             "round trips wt | ds |", "|---|---|---|---|---|---|---|---|---|---|"]
    for s in sizes:
        wt, ds = by[(s, "wiretrace")], by[(s, "datasketch")]
        for mode, label in (("", "one by one"), ("batched_", "batched")):
            if not wt or not ds or f"check_{mode}seconds" not in wt[0]:
                continue
            rate = [_med([300 / r[f"check_{mode}seconds"] for r in rs]) for rs in (wt, ds)]
            cpu = [_med([1000 * (r.get(f"check_{mode}cpu_client", nan)
                                 + r.get(f"check_{mode}cpu_server", nan)) / 300 for r in rs])
                   for rs in (wt, ds)]
            trips = [_med([r.get(f"check_{mode}round_trips", nan) / 300 for r in rs])
                     for rs in (wt, ds)]
            lines.append(f"| {s:,} | {label} | {rate[0]:.1f} | {rate[1]:.1f} | "
                         f"{rate[0] / rate[1]:.2f}x | {cpu[0]:.2f} | {cpu[1]:.2f} | "
                         f"{cpu[1] / cpu[0]:.2f}x | {trips[0]:.2f} | {trips[1]:.2f} |")
    return lines


def report(real: dict[str, float], runs: list[dict[str, Any]]) -> str:
    sizes = sorted({r["n"] for r in runs})
    by = {(s, sys): [r for r in runs if r["n"] == s and r["system"] == sys]
          for s in sizes for sys in ("wiretrace", "datasketch")}
    lines = ["# Index at scale: wiretrace vs datasketch 2.0 MinHashLSH (Redis)", ""]
    ratio = real["generated_mean_at_real_size"] / max(1e-9, real["real_mean"])
    lines += [f"Realism: mean LSH candidates per new text at an index of "
              f"{int(real['real_pages']) - 1} articles: real pages {real['real_mean']:.3f} "
              f"(leave-one-out), generated {real['generated_mean_at_real_size']:.3f} "
              f"(measured at 2,000: {real['generated_mean_at_2000']:.2f}, scaled); "
              f"ratio {ratio:.2f} (target within 2x).", ""]
    if any(r.get("huge_pages") for r in runs):
        lines += ["redis-server's heap in transparent huge pages (`--huge-pages`).", ""]
    lines += ["| articles | reps | ingest/s wt | ingest/s ds | ratio | checks/s wt | "
              "checks/s ds | ratio | B/article wt | index+sig wt | ds | index+sig : ds |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    flat: list[tuple[str, float]] = []
    slope = _slope([by[(s, "datasketch")] for s in sizes if by[(s, "datasketch")]])
    for s in sizes:
        wt, ds = by[(s, "wiretrace")], by[(s, "datasketch")]
        if not wt:
            continue
        wi, wc = _med([_rate(r) for r in wt]), _med([300 / r["check_seconds"] for r in wt])
        wb = _med([_per_article(r) for r in wt])
        idx = _med([_per_article(r) * _index_share(r) for r in wt])
        flat.append((f"{s}", wb))
        if not ds:  # datasketch too big for the machine: its measured bytes per article
            lines.append(f"| {s:,} | {len(wt)} | {wi:.0f} | - | - | {wc:.1f} | - | - | "
                         f"{wb:.0f} | {idx:.0f} | {slope:.0f} (slope) | "
                         f"1/{slope / max(1, idx):.1f} |")
            continue
        di, dc = _med([_rate(r) for r in ds]), _med([300 / r["check_seconds"] for r in ds])
        db = _med([_per_article(r) for r in ds])
        lines.append(f"| {s:,} | {len(wt)} | {wi:.0f} | {di:.0f} | {wi / di:.2f}x | {wc:.1f} | "
                     f"{dc:.1f} | {wc / dc:.2f}x | {wb:.0f} | {idx:.0f} | {db:.0f} | "
                     f"1/{db / max(1, idx):.1f} |")
    lines += _check_table(sizes, by)
    lines += ["", "Bytes per article by key family (MEMORY USAGE, wiretrace, median; "
              "'in N': recorded inside the run of N after that chunk):", "",
              "| articles | " + " | ".join(FAMILIES) + " | index+sig | band hashes hashtable |",
              "|---|" + "---|" * (len(FAMILIES) + 2)]
    index_flat: list[float] = []
    for label, s, recs in _family_records(sizes, by):
        fam = [_med([r["families"].get(f, 0) / s for r in recs]) for f in FAMILIES]
        idx = _med([_index_bytes(r, s) for r in recs])
        index_flat.append(idx)
        enc = _med([r["band_encodings"].get("hashtable", 0)
                    / max(1, sum(r["band_encodings"].values())) for r in recs])
        lines.append(f"| {label} | " + " | ".join(f"{v:.0f}" for v in fam)
                     + f" | {idx:.0f} | {100 * enc:.2f}% |")
    lines += ["", "Rates are articles (or checks) per second of the timed loop in each "
              "process, median of the repetitions; bytes are (used_memory after - empty) / "
              "articles, index+sig is that times the band, signature and meta keys' share of "
              "MEMORY USAGE.", ""]
    big = sizes[-1]
    lines.append(f"## Chunks at {big:,} (per chunk, median of repetitions)")
    lines += ["", "| articles so far | ingest/s wt | CPU ms/article wt client | wt redis | "
              "ingest/s ds | CPU ds client | ds redis | B/article wt | B/article ds | load |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    wt, ds = by[(big, "wiretrace")], by[(big, "datasketch")]
    for j in range(len(wt[0]["chunks"]) if wt else 0):
        so_far = sum(c["articles"] for c in wt[0]["chunks"][:j + 1])
        w = [_med([_per_chunk(r, j)[k] for r in wt]) for k in range(3)]
        d = [_med([_per_chunk(r, j)[k] for r in ds if len(r["chunks"]) > j]) for k in range(3)]
        wb = _med([(r["chunks"][j]["used_memory"] - r["empty"]) / so_far for r in wt])
        db = _med([(r["chunks"][j]["used_memory"] - r["empty"]) / so_far for r in ds
                   if len(r["chunks"]) > j])
        load = [r["chunks"][j].get("load", float("nan")) for r in wt + ds if len(r["chunks"]) > j]
        if j:  # the first chunk's figure is the table's smaller sizes'
            flat.append((f"{so_far} (chunk)", wb))
        lines.append(f"| {so_far:,} | {w[0]:.0f} | {w[1]:.2f} | {w[2]:.2f} | {d[0]:.0f} | "
                     f"{d[1]:.2f} | {d[2]:.2f} | {wb:.0f} | {db:.0f} | "
                     f"{min(load):.1f}-{max(load):.1f} |")
    if wt and len(wt[0]["chunks"]) > 1:
        lines += ["", *_tail(wt)]
    if wt and "compared" in wt[0]["chunks"][0]:
        lines += ["", *_counts(wt[0])]
    if wt and "command_usec" in wt[0]["chunks"][0]:
        lines += ["", *_costs(wt[0])]
    values = [b for _, b in flat]
    lines += ["", f"Bytes per article, wiretrace, max/min over "
              f"{', '.join(n for n, _ in flat)}: {max(values) / min(values):.3f}"]
    if index_flat:
        lines += ["", f"Index + signature bytes per article, max/min over the family table's "
                  f"rows: {max(index_flat) / min(index_flat):.3f} (target <= 1.10)"]
    lines += ["", "## Round trips and layout", ""]
    for r in [by[(s, "wiretrace")][0] for s in sizes if by[(s, "wiretrace")]]:
        ch = r["chunks"]
        rt = sum(c["round_trips"] for c in ch) / sum(c["batches"] for c in ch)
        cmds = r["commands"]  # the server's calls during the ingest (scripts' included)
        lines.append(f"- wiretrace {r['n']:,}: {rt:.1f} round trips per ingest batch of 64 "
                     f"(the main process's redis-py sends); server commands per article: "
                     + ", ".join(f"{k.removeprefix('cmdstat_')} {v / r['n']:.2f}"
                                 for k, v in sorted(cmds.items()) if v / r["n"] >= 0.05
                                 and k not in BENCH_COMMANDS)
                     + f"; {r['buckets']:,} band hashes, encodings {r['band_encodings']}")
        if "recall" in r:  # planted copies and excerpts in their source's cluster
            rc = r["recall"]
            lines.append(f"  planted copies with their source {rc['copy']['with source']:,}"
                         f"/{rc['copy']['planted']:,}, excerpts {rc['excerpt']['with source']:,}"
                         f"/{rc['excerpt']['planted']:,}; clusters holding 2+ stories "
                         f"{rc['clusters with 2+ stories']:,} ({rc['articles in them']:,} "
                         "articles)")
    for r in [by[(s, "datasketch")][0] for s in sizes if by[(s, "datasketch")]]:
        ch = r["chunks"]
        rt = sum(c["round_trips"] for c in ch) / sum(c["batches"] for c in ch)
        lines.append(f"- datasketch {r['n']:,}: {rt:.1f} round trips per insertion-session "
                     f"buffer of 5,000; band keys' encodings {r['band_encodings']}")
    return "\n".join(lines) + "\n"


def _counts(run: dict[str, Any]) -> list[str]:
    """Per article of each chunk of one run: the (article, candidate) pairs candidates.lua
    compared, and the server's GET and HGET calls (scripts' included)."""
    out = [f"Work per article, chunk by chunk (the run of {run['n']:,}; counts, not timings):",
           "", "| articles so far | candidates compared | GET | HGET | GET+HGET |",
           "|---|---|---|---|---|"]
    ch = run["chunks"]
    cum = [c.get("commands", run["commands"]) for c in ch]
    so_far = 0
    for j, c in enumerate(ch):
        so_far += c["articles"]
        d = {k: cum[j].get(f"cmdstat_{k}", 0) - (cum[j - 1].get(f"cmdstat_{k}", 0) if j else 0)
             for k in ("get", "hget")}
        n = c["articles"]
        out.append(f"| {so_far:,} | {c['compared'] / n:.2f} | {d['get'] / n:.2f} | "
                   f"{d['hget'] / n:.2f} | {(d['get'] + d['hget']) / n:.2f} |")
    return out


COSTED = ("evalsha", "hget", "get", "getbit", "hset", "setbit")


def _costs(run: dict[str, Any]) -> list[str]:
    """Per chunk of one run: the server's microseconds a call of its busiest commands (the
    script calls include the commands they run, which count again on their own line), and
    the ingest process's CPU per article: its own user and system time, its preparation
    workers', and the part of its own spent in the cyclic garbage collector."""
    ch = run["chunks"]
    out = [f"Cost per operation, chunk by chunk (the run of {run['n']:,}): server us a call, "
           "client CPU ms an article (ingest process user / system, preparation workers, "
           "cyclic GC within the process's; objects the GC tracks at the chunk's end):", "",
           "| articles so far | " + " | ".join(f"us {c}" for c in COSTED)
           + " | client user | sys | workers | GC | GC objects |",
           "|---|" + "---|" * (len(COSTED) + 5)]
    cum = [c.get("commands", run["commands"]) for c in ch]  # the last one's moved to the run
    so_far = 0
    for j, c in enumerate(ch):
        so_far += c["articles"]
        prev = ch[j - 1] if j else None
        cells = []
        for name in COSTED:
            k = f"cmdstat_{name}"
            calls = cum[j].get(k, 0) - (cum[j - 1].get(k, 0) if j else 0)
            usec = c["command_usec"].get(k, 0) - (prev["command_usec"].get(k, 0) if prev
                                                   else 0)
            cells.append(f"{usec / calls:.2f}" if calls else "-")
        n = c["articles"] / 1000  # ms an article from seconds a chunk
        user, sys_ = (c["cpu_self"][i] - (prev["cpu_self"][i] if prev else 0) for i in (0, 1))
        kids = c["cpu_children"] - (prev["cpu_children"] if prev else 0)
        gc = sum(c["gc"]["seconds"]) - (sum(prev["gc"]["seconds"]) if prev else 0)
        out.append(f"| {so_far:,} | " + " | ".join(cells) + f" | {user / n:.2f} | "
                   f"{sys_ / n:.2f} | {kids / n:.2f} | {gc / n:.3f} | "
                   f"{c['gc']['tracked']:,} |")
    return out
