"""Extraction quality on ../shared/data/article-pages: wiretrace's extraction side by side with
plain trafilatura defaults, scored the way the article-extraction benchmark scores.

Scoring (the benchmark's README): the expected and the extracted body as runs of 4 words
(lower-cased, punctuation stripped); per page precision = shared runs / extracted runs and
recall = shared runs / expected runs; both averaged over pages; F1 = 2PR / (P + R).

Run it: python -m bench.extraction [--limit N] [--json]
"""

import gzip
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import trafilatura

from dedup.errors import InputError
from dedup.extraction import extract
from wiretrace_testing.corpus import PAGES

_PUNCT = re.compile(r"[^\w\s]")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _PUNCT.sub(" ", (text or "").lower()).split()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    pages: int
    seconds: float


def load_pages(limit: int | None = None) -> list[tuple[str, str, str]]:
    """(url, html, expected body) of the benchmark pages, in a stable order."""
    if not (PAGES / "ground-truth.json").is_file():  # the shared corpus is not here
        return []
    gt = json.loads((PAGES / "ground-truth.json").read_text())
    out = []
    for key in sorted(gt)[:limit]:
        html = gzip.decompress((PAGES / "html" / f"{key}.html.gz").read_bytes())
        out.append((gt[key]["url"], html.decode("utf-8", "replace"), gt[key]["articleBody"]))
    return out


def score(extractor: Callable[[str, str], str], pages: list[tuple[str, str, str]]) -> Score:
    p_sum = r_sum = 0.0
    t = time.perf_counter()
    for url, html, expected in pages:
        got, want = shingles(extractor(html, url)), shingles(expected)
        shared = len(got & want)
        p_sum += shared / len(got) if got else 0.0
        r_sum += shared / len(want) if want else 0.0
    n = len(pages)
    p, r = p_sum / n, r_sum / n
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, n, time.perf_counter() - t)


def trafilatura_defaults(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def wiretrace(html: str, url: str) -> str:
    try:
        return extract(html, url).text or ""
    except InputError:
        return ""  # a page wiretrace skips counts as an empty extraction


SYSTEMS = {"trafilatura defaults": trafilatura_defaults, "wiretrace": wiretrace}


def run(limit: int | None = None) -> dict[str, Score]:
    pages = load_pages(limit)
    return {name: score(fn, pages) for name, fn in SYSTEMS.items()}
