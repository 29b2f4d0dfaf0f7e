"""Detection quality on copies of the real pages in ../shared/data/article-pages.

Each ground-truth article body is an original on its real site; copies are built from it the
way republishers do (verbatim in boilerplate with an attribution line, light edits, 40%
excerpts), and everything is ingested in random order.
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from dedup.engine import Engine
from dedup.models import ArticleInput
from dedup.publishers import site_host
from dedup.urls import normalize_url
from wiretrace_testing.stories import light_edit, wrapped_copy

ATTRIBUTIONS = [
    "Source: | This article originally belongs to {site}",
    "This story originally appeared on {site}.",
    "Republished from {site} with permission.",
    "Source: {site}",
]


@dataclass
class Case:
    url: str
    kind: str  # original, copy, edit, excerpt
    truth: str  # url of the original


def build(pages: Path, seed: int = 7) -> tuple[list[ArticleInput], list[Case]]:
    rng = random.Random(seed)
    gt = json.loads((pages / "ground-truth.json").read_text())
    items: list[ArticleInput] = []
    cases: list[Case] = []
    for n, (key, page) in enumerate(sorted(gt.items())):
        body, url = page["articleBody"], normalize_url(page["url"])
        if len(body.split()) < 80:
            continue
        day = 1 + n % 27
        site = site_host(url)
        items.append(ArticleInput(url=url, text=body, published=f"2024-03-{day:02d}T08:00:00Z"))
        cases.append(Case(url, "original", url))
        copy_url = f"https://farm{n % 5}.example/{key[:12]}"
        line = rng.choice(ATTRIBUTIONS).format(site=site.capitalize())
        backdated = n % 4 == 0  # a copier that backdates: the attribution must still win
        items.append(ArticleInput(url=copy_url, text=wrapped_copy(body, line),
                                  published=f"2024-0{2 if backdated else 4}-{day:02d}"))
        cases.append(Case(copy_url, "copy", url))
        edit_url = f"https://rewrite{n % 3}.example/news/{key[:10]}"
        items.append(ArticleInput(url=edit_url, text=light_edit(body, n),
                                  published=f"2024-04-{day:02d}T12:00:00Z"))
        cases.append(Case(edit_url, "edit", url))
        paras = [p for p in body.split("\n") if p.strip()]
        words = len(body.split())
        keep, count = 0, 0
        while count < 0.4 * words:
            count += len(paras[keep].split())
            keep += 1
        if count <= 0.6 * words:
            ex_url = f"https://digest{n % 4}.example/brief/{key[:8]}"
            items.append(ArticleInput(url=ex_url, text="\n".join(paras[:keep])
                                      + f"\nRead the full story at {site}",
                                      published=f"2024-04-{day:02d}T13:00:00Z"))
            cases.append(Case(ex_url, "excerpt", url))
    order = list(range(len(items)))
    rng.shuffle(order)
    return [items[i] for i in order], [cases[i] for i in order]


@pytest.mark.shared
def test_copies_of_real_pages_link_to_the_right_original(engine: Engine,
                                                         shared_pages: Path) -> None:
    items, cases = build(shared_pages)
    for i in range(0, len(items), 20):  # several batches: later ones find earlier ones
        report = engine.ingest(items[i:i + 20])
        assert not report.errors, report.errors
    results = {r.url: r for r in engine.lookup([c.url for c in cases])}
    found = {"copy": 0, "edit": 0, "excerpt": 0}
    total = {"copy": 0, "edit": 0, "excerpt": 0}
    right_original = linked = false_links = 0
    for c in cases:
        r = results[c.url]
        if c.kind == "original":
            continue
        total[c.kind] += 1
        want_role = "partial" if c.kind == "excerpt" else "copy"
        if r.original is not None:
            linked += 1
            if r.original["url"] == c.truth:
                right_original += 1
            else:
                false_links += 1
        if r.role == want_role and r.original and r.original["url"] == c.truth:
            found[c.kind] += 1
    recall = {k: found[k] / total[k] for k in total}
    print("recall", recall, "right original", right_original / linked, "linked", linked)
    assert recall["copy"] >= 0.98
    assert recall["edit"] >= 0.95
    assert recall["excerpt"] >= 0.95
    assert right_original / linked >= 0.97
    story_of = {c.url: c.truth for c in cases}
    between_stories = [c.url for c in cases if (o := results[c.url].original)
                       and story_of.get(o["url"]) != c.truth]
    assert not between_stories, between_stories
