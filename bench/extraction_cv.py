"""Extraction settings chosen by cross-validation on the 91 real pages: five folds (by
host, so one site's pages stay in one fold); for each fold the setting with the best F1 on
the other four is scored on it. Reported: per fold and pooled over the five held-out folds,
against trafilatura's defaults (``trafilatura.extract``) on the same pages; then the
setting the same choice makes on all 91 pages (what dedup/extraction.py should use).

Scoring: wiretrace_testing/extraction_score.py (4-word runs, per-page precision and recall
averaged, F1 of the averages).

    python -m bench.extraction_cv
"""

import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura

from dedup.errors import InputError
from dedup.extraction import TEXT_OPTIONS, TextOptions, extract
from wiretrace_testing.extraction_score import load_pages, shingles

FOLDS = 5
# cheapest first: a tie goes to the faster setting
CANDIDATES = {
    "fast": TextOptions(fast=True),
    "fast, fallbacks under 100 words": TextOptions(fast=True, fallback_below_words=100),
    "fast, fallbacks under 250 words": TextOptions(fast=True, fallback_below_words=250),
    "fast, fallbacks under 500 words": TextOptions(fast=True, fallback_below_words=500),
    "fallbacks always": TextOptions(fast=False),
}


@dataclass
class PageScore:
    precision: float
    recall: float


def f1(scores: list[PageScore]) -> float:
    if not scores:
        return 0.0
    p = sum(s.precision for s in scores) / len(scores)
    r = sum(s.recall for s in scores) / len(scores)
    return 2 * p * r / (p + r) if p + r else 0.0


def page_score(got: str, expected: str) -> PageScore:
    g, w = shingles(got), shingles(expected)
    shared = len(g & w)
    return PageScore(shared / len(g) if g else 0.0, shared / len(w) if w else 0.0)


def wiretrace_text(html: str, url: str, options: TextOptions) -> str:
    try:
        return extract(html, url, options=options).text or ""
    except InputError:
        return ""  # a page wiretrace skips counts as an empty extraction


def folds(urls: list[str]) -> list[int]:
    """Each page's fold: its host's rank by hash, modulo FOLDS."""
    hosts = sorted({urlsplit(u).hostname or "" for u in urls},
                   key=lambda h: hashlib.sha256(h.encode()).hexdigest())
    rank = {h: i % FOLDS for i, h in enumerate(hosts)}
    return [rank[urlsplit(u).hostname or ""] for u in urls]


def main() -> None:
    pages = load_pages()
    fold = folds([u for u, _, _ in pages])
    scores: dict[str, list[PageScore]] = {}
    seconds: dict[str, float] = {}
    for name, opts in {**{k: v for k, v in CANDIDATES.items()}, "trafilatura defaults": None
                       }.items():
        t = time.perf_counter()
        scores[name] = [page_score(trafilatura.extract(html, url=url) or "" if opts is None
                                   else wiretrace_text(html, url, opts), body)
                        for url, html, body in pages]
        seconds[name] = time.perf_counter() - t
    defaults = scores["trafilatura defaults"]

    def best(index: list[int]) -> str:
        return max(CANDIDATES, key=lambda c: (round(f1([scores[c][i] for i in index]), 6),
                                              -list(CANDIDATES).index(c)))

    print(f"extraction, {FOLDS}-fold cross-validation on {len(pages)} real pages "
          "(folds by host)")
    print(f"  {'fold':<5}{'pages':>6}  {'chosen on the other four':<34}{'F1':>7}"
          f"{'defaults':>10}{'diff':>8}")
    pooled: list[PageScore] = []
    for k in range(FOLDS):
        train = [i for i in range(len(pages)) if fold[i] != k]
        test = [i for i in range(len(pages)) if fold[i] == k]
        chosen = best(train)
        ours = [scores[chosen][i] for i in test]
        theirs = [defaults[i] for i in test]
        pooled += ours
        print(f"  {k:<5}{len(test):>6}  {chosen:<34}{f1(ours):7.3f}{f1(theirs):10.3f}"
              f"{f1(ours) - f1(theirs):+8.3f}")
    order = [i for k in range(FOLDS) for i in range(len(pages)) if fold[i] == k]
    print(f"  pooled over the held-out folds: F1 {f1(pooled):.3f}, trafilatura defaults "
          f"{f1([defaults[i] for i in order]):.3f}")
    final = best(list(range(len(pages))))
    today = next((n for n, o in CANDIDATES.items() if o == TEXT_OPTIONS), str(TEXT_OPTIONS))
    print(f"  chosen on all {len(pages)} pages: {final} (dedup/extraction.py uses: {today})")
    print("  every setting on all pages (not a held-out score):")
    for name in scores:
        print(f"    {name:<34} F1 {f1(scores[name]):.3f}   {seconds[name]:5.1f} s")


if __name__ == "__main__":
    main()
