"""Copies against partials on texts, no crawl: how a page's extraction reproduces its
original's extraction (dedup.passages, the role rule of dedup.scoring.full_copy).

    python -m bench.copy_shapes --seeds 0-59     # tuned webgen seeds, each page extracted
    python -m bench.copy_shapes --real           # the 91 real pages against copies of them

``--seeds``: every full copy (verbatim, light edit, licensed, silent) and rewrite of a
generated web against its original, as full_copy would answer them with no site template
learned; full copies answered partial are printed with the lines they are said to leave out.
``--real``: for each real page, its body on each tuned written layout and on three tuned real
templates, verbatim, lightly edited, as an excerpt, a digest and two rewrites (as webgen
makes them), extracted, against the page's own extraction: how often a copy is answered
partial, and a partial copy. Refuses held-out seeds.
"""

import argparse
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial

from bench.heldout import parse_ranges
from dedup.passages import aligned
from dedup.scoring import full_copy
from wiretrace_testing.copy_check import SETTINGS, UNDATED, compare, extracted
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.webgen import copies, transplant
from wiretrace_testing.webgen.layouts import LAYOUTS, Parts
from wiretrace_testing.webgen.pools import held_out, real_pages
from wiretrace_testing.webgen.web import generate

FULL = ("verbatim", "light-edit", "licensed", "silent")


@dataclass
class Pair:
    group: str  # the real pages' half (by host), or "webgen"
    label: str  # where the copy comes from
    kind: str  # copy kind (copies.KINDS)
    reference: str  # the original's extracted text
    text: str  # the copy's extracted text


def webgen_pairs(seeds: list[int]) -> Iterator[Pair]:
    for seed in seeds:
        web = generate(seed, PAGES)
        texts = {(p.host, p.path): extracted(p.html, p.url(None)) for p in web.pages}
        for p in web.pages:
            if p.kind not in (*FULL, "rewrite"):
                continue
            o = web.originals[p.stories[0]]
            ref, text = texts[(o.host, o.path)], texts[(p.host, p.path)]
            if ref and text:
                yield Pair("webgen", f"seed {seed} {p.site} {p.layout} {p.url(None)}", p.kind,
                           ref, text)


def real_pairs() -> Iterator[Pair]:
    pool = real_pages(PAGES)
    templates = [p for p in pool.tuned if transplant.usable(p)]
    rng = random.Random(12)
    pages = [*pool.tuned, *pool.held_out]
    texts = [p.body for p in pages]
    for k, page in enumerate(pages):
        group = "tuned half" if page in pool.tuned else "held-out half"
        ref = extracted(page.html, page.url)
        if not ref:
            continue
        paras = copies.paragraphs(page.body)
        nxt = copies.paragraphs(pages[(k + 1) % len(pages)].body)
        others = [t for t in templates if t.host != page.host]
        layouts = [*LAYOUTS.tuned, *((f"real:{t.host}", partial(transplant.render, t))
                                    for t in rng.sample(others, 3))]
        for name, render in layouts:
            made = [("verbatim", paras), ("light-edit", copies.light_edit(paras, 0, rng)),
                    ("excerpt", copies.excerpt(paras, rng.uniform(0.25, 0.45))),
                    ("digest", copies.digest(paras, nxt))]
            made += [("rewrite", copies.rewrite(paras, copies.filler(texts, rng), 0, rng))
                     for _ in range(2)]
            for kind, ps in made:
                html = render(Parts("A copied story", ps, "Copier", UNDATED, "", "after"))
                text = extracted(html, "https://copier.example/a/1")
                if text:
                    yield Pair(group, f"{page.url} on {name}", kind, ref, text)


def judge(pair: Pair) -> tuple[str, str, float, float | None]:
    """What full_copy answers (copy or partial) before this pass (within the article not
    measured) and now, the containment and the left-out share."""
    s, found = compare(pair.reference, pair.text)
    before = full_copy(s, SETTINGS, found and replace(found, in_article=0.0))
    now = full_copy(s, SETTINGS, found)
    return (*(("copy" if c else "partial") for c in (before, now)), s.b_in_a,
            found.left_out if found else None)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="")
    ap.add_argument("--real", action="store_true")
    args = ap.parse_args()
    seeds = [s for r in parse_ranges(args.seeds) for s in r] if args.seeds else []
    if any(held_out(s) for s in seeds):
        raise SystemExit("held-out seeds: this measurement is for tuned seeds only")
    pairs = real_pairs() if args.real else webgen_pairs(seeds)
    tally: Counter[tuple[str, str, str, str]] = Counter()
    for pair in pairs:
        before, got, containment, left = judge(pair)
        tally[(pair.group, pair.kind, before, got)] += 1
        if (pair.kind in FULL) == (got == "copy") and before == got:
            continue
        print(f"{pair.kind} answered {before} -> {got}: containment {containment:.3f} left "
              f"out {left} | {pair.label}")
        for line, how in aligned(pair.reference, pair.text) or []:
            if how.counts:
                print(f"    left out ({how.words} words, {how.out} out): {line[:110]}")
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; answered before -> now")
    for (group, kind, before, got), n in sorted(tally.items()):
        print(f"{group:14} {kind:12} answered {before:8} -> {got:8} {n:5}")

if __name__ == "__main__":
    main()
