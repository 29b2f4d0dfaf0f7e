"""Copy kinds: what a republisher does to a text it takes (the report's categories; their
parameters come from pools split in two halves).

    verbatim    the whole text (copy)
    light-edit  synonyms swapped, a word in fifty dropped or doubled (copy)
    licensed    the whole text, the original named in the markup: a cross-domain canonical,
                og:url or original-source (copy)
    silent      the whole text, no attribution, no date (copy)
    excerpt     the leading 25-45% of the text and a "read more" link (partial)
    rewrite     a new headline and intro, about half the paragraphs dropped, two swapped, one
                of its own added (partial)
    digest      half of one story and a quarter of another (partial of either)
"""

import random
from dataclasses import dataclass

from wiretrace_testing.webgen.pools import REWRITE_INTROS, SYNONYMS, Pool

KINDS = {"verbatim": "copy", "light-edit": "copy", "licensed": "copy", "silent": "copy",
         "excerpt": "partial", "rewrite": "partial", "digest": "partial"}

# How a licensed copy names its original in its markup ({url}).
LICENSED_MARKUP: Pool[str] = Pool(
    tuned=("<link rel='canonical' href='{url}'>", "<meta property='og:url' content='{url}'>"),
    held_out=("<link rel='canonical' href='{url}'>",
              "<meta name='original-source' content='{url}'>",
              "<meta name='syndication-source' content='{url}'>"),
)


@dataclass(frozen=True)
class Text:
    title: str
    paragraphs: list[str]


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def excerpt(paras: list[str], share: float) -> list[str]:
    """The leading part of the text holding ``share`` of its distinct 4-word runs (a text
    that repeats itself is cut later than its word count says), the last paragraph cut."""
    words = [(i, w) for i, p in enumerate(paras) for w in p.split()]
    norm = [w.lower() for _, w in words]
    runs = {tuple(norm[k:k + 4]) for k in range(len(norm) - 3)}
    seen: set[tuple[str, ...]] = set()
    cut = len(words)
    for k in range(len(norm) - 3):
        seen.add(tuple(norm[k:k + 4]))
        if len(seen) >= share * len(runs):
            cut = k + 4
            break
    out: dict[int, list[str]] = {}
    for i, w in words[:cut]:
        out.setdefault(i, []).append(w)
    parts = [" ".join(ws) for ws in out.values()]
    return [*parts[:-1], parts[-1] + " ..."] if cut < len(words) else parts


def light_edit(paras: list[str], seed: int, rng: random.Random) -> list[str]:
    swaps = dict(rng.choice(SYNONYMS.half(seed)))
    out = []
    for text in paras:
        words = []
        for w in text.split(" "):
            r = rng.random()
            if w.lower() in swaps and r < 0.6:
                words.append(swaps[w.lower()])
            elif r < 0.01:
                continue
            elif r < 0.02:
                words += [w, w]
            else:
                words.append(w)
        out.append(" ".join(words))
    return out


def rewrite(paras: list[str], filler: str, seed: int, rng: random.Random) -> list[str]:
    """About half the paragraphs kept (never fewer than two), two of them swapped, a new
    intro first and a paragraph of the republisher's own in the middle."""
    keep = [p for k, p in enumerate(paras) if k == 0 or rng.random() < 0.5]
    if len(keep) < 2:
        keep = paras[:2]
    if len(keep) >= 4:
        i = rng.randrange(1, len(keep) - 1)
        keep[i], keep[i + 1] = keep[i + 1], keep[i]
    mid = len(keep) // 2
    return [rng.choice(REWRITE_INTROS.half(seed)), *keep[:mid], filler, *keep[mid:]]


def digest(first: list[str], second: list[str]) -> list[str]:
    """Half of one story's text and a quarter of another's."""
    return excerpt(first, 0.5) + excerpt(second, 0.25)


def filler(texts: list[str], rng: random.Random, words: int = 60) -> str:
    """A paragraph of the republisher's own: real words from other texts, shuffled (real
    vocabulary, no 4-word run of any source)."""
    pool = [w for t in texts for w in t.split()]
    return " ".join(rng.choice(pool) for _ in range(words)).capitalize() + "."
