"""Benchmarks you can't tune to: wiretrace on generated syndication webs
(wiretrace_testing/webgen), tuned seeds (0-9) and held-out seeds (100-109) side by side.

Seeds 0-99 draw every pool (real pages, templates, names, phrasings, date formats, URL
shapes, ...) from one half, seeds 100 and up from the other; the held-out numbers are
those of pages, sites and phrasings the rules were never looked at on. Each web is crawled
with `wiretrace crawl` on loopback, phase after phase (``--ingest``: its pages are given to
`wiretrace ingest` instead), then every page is looked up. A Markdown report and the raw
answers go to bench/out/.

    python -m bench.heldout [--ranges 0-9,100-109] [--ingest]
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen import run
from wiretrace_testing.webgen.copies import KINDS
from wiretrace_testing.webgen.dates import BEHAVIOURS
from wiretrace_testing.webgen.score import TARGETS, Tally, judge
from wiretrace_testing.webgen.web import generate

OUT = Path(__file__).resolve().parent / "out"
ROOT = Path(__file__).resolve().parents[1]


def parse_ranges(text: str) -> list[range]:
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.append(range(int(a), int(b or a) + 1))
    return out


def measure(seeds: range, mode: str, redis_url: str, log: list[dict[str, object]]) -> Tally:
    tally = Tally()
    for seed in seeds:
        web = generate(seed, PAGES)
        with tempfile.TemporaryDirectory(prefix=f"wt-heldout-{seed}-") as tmp:
            ns = f"heldout-{seed}-{os.getpid()}-{time.time_ns()}"
            go = run.crawl if mode == "crawl" else run.ingest
            ans = go(web, Path(tmp), redis_url, ns)
        judged = judge(web, ans)
        tally.add(judged)
        tally.seconds += ans.seconds
        log += [{**vars(j), "got_result": r} for j, r in zip(judged, ans.results, strict=True)]
        m = tally.metrics()
        print(f"  seed {seed:>3}: {len(web.pages)} pages, {ans.seconds:5.1f} s; so far copy "
              f"recall {_f(m['copy_recall'])}, right original {_f(m['right_original'])}, "
              f"false links {m['false_links']}", flush=True)
    return tally


def _f(v: object) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def _cell(t: Tally, key: str) -> str:
    m = t.metrics()
    v = m[key]
    if key in TARGETS:
        return f"{_f(v)} {'met' if t.met()[key] else '**missed**'}"
    if key == "false_links":
        return f"{v} {'met' if v == 0 else '**missed**'}"
    return _f(v)


def _group_row(name: str, tallies: list[Tally], group: str) -> str:
    cells = []
    for t in tallies:
        c = getattr(t, group).get(name)
        if not c:
            cells.append("- | - | - | - | -")
            continue
        exp = c["expected_copy"] + c["expected_partial"] + c["expected_original"]
        found = c["found_copy"] + c["found_partial"] + c["found_original"]
        cells.append(f"{c['pages']} | {found}/{exp} | {c['right']}/{c['decidable']} | "
                     f"{c['undecidable']} | {c['false_links']}")
    return f"| {name} | " + " | ".join(cells) + " |"


BINS = ((0.0, 0.6, "< 0.60"), (0.6, 0.8, "0.60-0.80"), (0.8, 0.9, "0.80-0.90"),
        (0.9, 0.95, "0.90-0.95"), (0.95, 1.01, "≥ 0.95"))


def calibration(log: list[dict[str, object]], seeds: range | list[int]) -> list[str]:
    """Pages judged for right original, by the confidence of their answer: is a high
    confidence right? Counted by page and by distinct cluster (a web's cluster as wiretrace
    names it; the issue's must-show counts decided originals, i.e. clusters); a cluster is
    wrong when any of its judged pages is."""
    judged = [(float(r["got_result"].get("confidence") or 0.0), bool(r["right"]),  # type: ignore[union-attr]
               (r["seed"], r["got_result"].get("cluster") or r["url"]))  # type: ignore[union-attr]
              for r in log if int(str(r["seed"])) in seeds and r["right"] is not None]
    lines = ["| confidence | pages | wrong original | right | clusters | wrong clusters |",
             "|---|---|---|---|---|---|"]
    clusters: dict[object, tuple[float, bool]] = {}
    for c, ok, key in judged:
        conf, good = clusters.get(key, (c, True))
        clusters[key] = (max(conf, c), good and ok)
    for lo, hi, label in BINS:
        rows = [ok for c, ok, _ in judged if lo <= c < hi]
        cl = [ok for c, ok in clusters.values() if lo <= c < hi]
        share = f"{sum(rows) / len(rows):.3f}" if rows else "-"
        lines.append(f"| {label} | {len(rows)} | {rows.count(False)} | {share} | {len(cl)} "
                     f"| {cl.count(False)} |")
    high = [ok for c, ok, _ in judged if c >= 0.9]
    high_cl = [ok for c, ok in clusters.values() if c >= 0.9]
    if judged:
        lines += ["", f"{len(high)} of {len(judged)} judged pages ({len(high) / len(judged):.0%}) "
                  f"have confidence ≥ 0.9; {high.count(False)} of those are wrong. By cluster: "
                  f"{len(high_cl)} of {len(clusters)} ({len(high_cl) / len(clusters):.0%}), "
                  f"{high_cl.count(False)} wrong."]
    return lines


def report(ranges: list[range], tallies: list[Tally], mode: str, commit: str,
           seconds: float, log: list[dict[str, object]] | None = None) -> str:
    how = ("crawled with `wiretrace crawl`" if mode == "crawl" else
           "ingested with `wiretrace ingest`")
    names = [f"{r.start}-{r.stop - 1}" + (" (held out)" if r.start >= 100 else " (tuned)")
             for r in ranges]
    lines = ["# Syndication webs: tuned and held-out seeds", "",
             f"Rules at commit `{commit}`; each web {how} phase after phase, every page "
             f"looked up; {seconds:.0f} s in all.", "",
             "| metric | " + " | ".join(names) + " | target |",
             "|---|" + "---|" * len(names) + "---|"]
    rows = [("copy recall", "copy_recall", "≥ 0.98"), ("copy precision", "copy_precision",
            "≥ 0.99"), ("partial recall", "partial_recall", "-"),
            ("partial precision", "partial_precision", "-"),
            ("right original", "right_original", "≥ 0.97"),
            ("false links", "false_links", "0"), ("undecidable copies (left out of right "
            "original)", "undecidable", "-"), ("pages", "pages", "-")]
    for label, key, target in rows:
        lines.append(f"| {label} | " + " | ".join(_cell(t, key) for t in tallies)
                     + f" | {target} |")
    head = " | ".join("pages | found | right original | undecidable | false links"
                      for _ in tallies)
    sub = "|---|" + "---|" * 5 * len(tallies)
    for title, group, keys in (("copy kind", "by_kind", [*KINDS, "original", "negative"]),
                               ("date behaviour (copies)", "by_behaviour", list(BEHAVIOURS))):
        lines += ["", f"## Per {title}", "", "Columns: " + ", then ".join(names) + ".", "",
                  f"| {title} | {head} |", sub]
        lines += [_group_row(k, tallies, group) for k in keys]
    for name, r in zip(names, ranges, strict=True):
        lines += ["", f"## Calibration, seeds {name}", "", *calibration(log or [], r)]
    held = [s for r in ranges if r.start >= 100 for s in r]
    if len([r for r in ranges if r.start >= 100]) > 1:
        lines += ["", "## Calibration, held-out seeds pooled", "",
                  *calibration(log or [], held)]
    for name, t in zip(names, tallies, strict=True):
        if t.misses:
            lines += ["", f"## Misses, seeds {name}", "",
                      "| seed | kind | dates | expected | got | original named | page |",
                      "|---|---|---|---|---|---|---|"]
            lines += [f"| {j.seed} | {j.kind} | {j.behaviour} | {j.expected} | {j.got} | "
                      f"{j.original or '-'} | {j.url} |" for j in t.misses]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ranges", default="0-9,100-109")
    ap.add_argument("--ingest", action="store_true",
                    help="give the pages to `wiretrace ingest` instead of crawling them")
    ap.add_argument("--name", default="heldout",
                    help="bench/out/<name>.md and .json (runs side by side)")
    args = ap.parse_args()
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        raise SystemExit("REDIS_URL is not set: run through scripts/with-redis.sh "
                         "(make quality does)")
    mode = "ingest" if args.ingest else "crawl"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    OUT.mkdir(exist_ok=True)
    ranges, tallies, log = parse_ranges(args.ranges), [], []
    t = time.perf_counter()
    for r in ranges:
        print(f"seeds {r.start}-{r.stop - 1} ({mode})", flush=True)
        tallies.append(measure(r, mode, redis_url, log))
    text = report(ranges, tallies, mode, commit, time.perf_counter() - t, log)
    (OUT / f"{args.name}.md").write_text(text)
    (OUT / f"{args.name}.json").write_text(json.dumps(log, indent=1, default=str))
    print(text)


if __name__ == "__main__":
    main()
