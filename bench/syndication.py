"""The syndication benchmark: a local "syndication web" built from the real pages of
../shared/data/article-pages, crawled with the real crawler, every page looked up.

Each original is served under its real host name with its real HTML and date. Republishers,
on templates written for the project, copy them the ways republishers do:

  verbatim   the text in one of three republisher templates: a WordPress content farm
             (navigation, ads, "You May Also Like", "Leave a Reply", footer), a news portal
             ("READ ALSO" links between the paragraphs, ticker, "Most Read", newsletter box,
             cookie banner, legal footer) or an automated aggregator ("auto-generated from a
             syndicated feed" disclaimer); attribution lines of many phrasings or none;
             backdated or undated copies always say where they come from
  silent     for one original in five, the only copy: on the farm, with no date and no
             attribution, crawled before its original (expected: copy; only the farm's
             other pages, which credit other publishers, give it away)
  real-template  a copy on another real site's page (one of the corpus's own pages, its
             article replaced, its identity and dates removed): templates wiretrace has never
             seen, with their real navigation, sidebars and footers (expected: copy)
  light-edit a copy edited lightly (synonyms, words dropped or doubled) on the portal
             (expected: copy)
  canonical  a licensed copy whose cross-domain canonical (or only og:url) names the original
  excerpt    the first 40% of the paragraphs and a "read more" link (expected: partial)
  rewrite    a new headline and intro, a third of the paragraphs dropped, two swapped,
             one added, quotes kept (expected: partial)
  digest     half of this story and a quarter of the next one, undated, crawled before
             both (expected: partial of either story, as it reuses both; the two stories'
             other pages are never drawn into one cluster through it)
  negative   hard negatives: other articles on the farm's and the portal's templates (which
             carry long shared boilerplate), and an article about the same event on another
             site that shares one sentence with the original (expected: no link)

The republishers are crawled before the originals. Results per copy type and overall, a
Markdown report and a PNG plot (precision and recall against the containment and similarity
thresholds) go to bench/out/.

    python -m bench.syndication [N_ORIGINALS]     (make quality; default: every page with
                                                   120 words or more, one per site)
"""

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from wiretrace_testing.crawlsites import Original, load_originals
from wiretrace_testing.syndication_eval import crawl_and_look_up, evaluate
from wiretrace_testing.syndication_truth import KINDS, Expected


def plot(truth: list[Expected], results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = [(e, r) for e, r in zip(truth, results, strict=True) if e.kind != "original"]
    ts = [i / 50 for i in range(51)]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, title in ((axes[0], "containment", "containment threshold"),
                           (axes[1], "similarity", "similarity (Jaccard) threshold")):
        # a page counts as "copy" (or as linked at all) when its score reaches the threshold
        for want, style in (("copy", "-"), ("linked", "--")):
            def wanted(e: Expected, want: str = want) -> bool:
                return e.role == "copy" if want == "copy" else e.role in ("copy", "partial")

            total = [e for e, _ in pairs if wanted(e)]
            prec, rec = [], []
            for t in ts:
                hit = [e for e, r in pairs if (r.get(key) or 0) >= t]
                good = [e for e in hit if wanted(e)]
                prec.append(len(good) / len(hit) if hit else 1.0)
                rec.append(len(good) / len(total) if total else 0.0)
            label = "copy" if want == "copy" else "copy or partial (linked)"
            ax.plot(ts, prec, style, label=f"{label}: precision")
            ax.plot(ts, rec, style, label=f"{label}: recall")
        ax.set_xlabel(title)
        ax.set_ylim(0, 1.05)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("wiretrace on the syndication web: precision and recall against thresholds")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def report(ev: dict[str, Any], n: int, pages: int, elapsed: float) -> str:
    lines = ["# Syndication benchmark\n", f"{n} real originals, {pages} pages, crawled with "
             f"`wiretrace crawl` (republishers first) in {elapsed:.1f} s.\n",
             "| metric | value | target |", "|---|---|---|"]
    targets = {"copy_recall": 0.98, "copy_precision": 0.99, "partial_recall": 0.95,
               "right_original": 0.97}
    for k in ("copy_recall", "copy_precision", "partial_recall", "partial_precision",
              "right_original"):
        t = targets.get(k)
        mark = "" if t is None else (" met" if ev[k] >= t else " **missed**")
        lines.append(f"| {k.replace('_', ' ')} | {ev[k]:.3f} | {t or '-'}{mark} |")
    lines.append(f"| false links between different articles | {len(ev['false_links'])} | 0 |")
    if ev.get("republished"):
        lines += ["", "Pages of the corpus that declare in their markup (a canonical or "
                  "original-source on another publisher's site) that they republish another "
                  "publisher's story are not originals: for them and their copies the right "
                  "answer is \"original not indexed\", with the declared source named "
                  "(`attributed_to`); where a copy names such a page, that page may be the "
                  "original of its copies, still attributed to its declared source:", ""]
        lines += [f"- {url} names {src}" for url, src in ev["republished"]]
    lines += ["", "| copy type | pages | linked | right original | right role and original |"
              " false links |", "|---|---|---|---|---|---|"]
    for kind, c in sorted(ev["per_type"].items()):
        lines.append(f"| {kind} | {c.get('pages', 0)} | {c.get('linked', '-')} | "
                     f"{c.get('right_original', '-')} | {c.get('role_ok', 0)} | "
                     f"{c.get('false_link', 0)} |")
    lines += ["", "Copy types (module docstring of bench/syndication.py for the details):", ""]
    lines += [f"- **{k}**: {v}" for k, v in KINDS.items()]
    if ev["misses"]:
        lines += ["", "## Misses", "", "| type | page | role | original | containment |",
                  "|---|---|---|---|---|"]
        for kind, url, role, orig, cont in ev["misses"]:
            lines.append(f"| {kind} | {url} | {role} | {orig} | {cont} |")
        kinds = Counter((m[0], m[2] if m[3] or m[2] == "original"
                         else f"{m[2]} (no original)") for m in ev["misses"])
        why = {
            ("verbatim", "partial"): "full copies (built from each page's human ground truth) "
            "read as partial where trafilatura extracts much more of the original page than "
            "that ground truth (related stories, captions, comments): containment is "
            "measured against the original's extracted text",
            ("excerpt", "copy"): "an excerpt of 40% of the words that holds most of the "
            "original's distinct 4-word shingles, because the original repeats itself "
            "(recipes, lists), reads as a copy",
            ("rewrite", "copy"): "a rewrite that kept the long paragraphs reads as a copy",
            ("light-edit", "partial"): "the edits touch more than a quarter of the "
            "original's 4-word shingles",
            ("verbatim", "copy (no original)"): "the copy is linked to no original: the page "
            "copied names a source outside the index, or the copy names one",
            ("verbatim", "original"): "the copy is taken for the original: it says nothing "
            "of where it comes from and its date, if any, is not later than the original's",
            ("silent", "original"): "the silent copy, seen first, is taken for the original: "
            "when the original arrived, the farm was not (yet) known to republish (below "
            "WIRETRACE_REPUBLISHER_SHARE of its articles were copies or credited another "
            "publication, as the farm also runs stories of its own)",
            ("excerpt", "partial (no original)"): "the excerpt is linked to no original (see "
            "above)",
            ("excerpt", "partial"): "the excerpt is linked to the wrong original of its "
            "cluster",
        }
        lines += ["", "Why:"] + [f"- {kind} as {role} ({n}): {why.get((kind, role), 'see above')}"
                                 for (kind, role), n in sorted(kinds.items(),
                                                               key=lambda x: str(x))]
    if ev["false_links"]:
        lines += ["", "## False links", ""] + [f"- {a} -> {b}" for a, b in ev["false_links"]]
    lines += ["", "![precision and recall against thresholds](syndication.png)", ""]
    return "\n".join(lines)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000  # every usable page
    originals = load_originals_for_bench(n)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wt-synd-") as tmp:
        truth, results, elapsed = crawl_and_look_up(originals, Path(tmp),
                                                    os.environ.get("REDIS_URL"))
    (out / "syndication.json").write_text(json.dumps(
        [{"expected": vars(e), "got": r} for e, r in zip(truth, results, strict=True)],
        indent=1))
    ev = evaluate(truth, results)
    (out / "syndication.md").write_text(report(ev, len(originals), len(truth), elapsed))
    plot(truth, results, out / "syndication.png")
    print((out / "syndication.md").read_text())


def load_originals_for_bench(n: int) -> list[Original]:
    from wiretrace_testing.corpus import PAGES

    return load_originals(PAGES, n, min_words=120)


if __name__ == "__main__":
    main()
