"""A realistic bench corpus: distinct news-like articles generated from the real article bodies
(../shared/data/article-pages), with planted copies and excerpts.

Each original is a walk of a word Markov chain trained on the real bodies: two words of
context, backing off to one word at 30% of the steps. Texts read like news (real vocabulary,
real local phrasing) and share with each other what real articles share: common phrases,
not whole sentences. The backoff rate was chosen so that the mean number of LSH candidates
per new text is within 2x of the figure on the real pages (the bench measures and prints
both). Paragraph counts and lengths follow the real bodies'.

Every article is a function of (seed, position), so a stream of any length is reproducible.
"""

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from wiretrace_testing.corpus import real_texts
from wiretrace_testing.stories import excerpt, light_edit, wrapped_copy

BACKOFF = 0.3  # share of steps that use one word of context instead of two
COPY_SHARE, EXCERPT_SHARE = 0.10, 0.05
MIN_WORDS = 60  # excerpts shorter than this are planted as copies instead


@dataclass(frozen=True, slots=True)
class Article:
    url: str
    text: str
    kind: str  # original, copy, excerpt
    source: int  # the position of the original a copy or excerpt takes from (else itself)


class Chain:
    """Word transitions of the real bodies, one and two words of context."""

    def __init__(self, texts: list[str]) -> None:
        one: dict[str, list[str]] = defaultdict(list)
        two: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        self.shapes: list[list[int]] = []  # words per paragraph of each real body
        for text in texts:
            shape = []
            for para in text.split("\n"):
                w = para.split()
                if len(w) < 4:
                    continue
                shape.append(len(w))
                self.starts.append((w[0], w[1]))
                for i in range(len(w) - 2):
                    two[(w[i], w[i + 1])].append(w[i + 2])
                    one[w[i]].append(w[i + 1])
                one[w[-2]].append(w[-1])
            if shape:
                self.shapes.append(shape)
        self.one, self.two = dict(one), dict(two)

    def paragraph(self, rng: random.Random, n: int) -> str:
        a, b = rng.choice(self.starts)
        words = [a, b]
        rand, one, two = rng.random, self.one, self.two
        while len(words) < n:
            nxt = None if rand() < BACKOFF else two.get((a, b))
            if not nxt:
                nxt = one.get(b) or list(rng.choice(self.starts))
            c = nxt[int(rand() * len(nxt))]
            words.append(c)
            a, b = b, c
        return " ".join(words)

    def article(self, rng: random.Random) -> str:
        shape = rng.choice(self.shapes)
        return "\n\n".join(self.paragraph(rng, max(4, int(n * rng.uniform(0.7, 1.3))))
                           for n in shape)


@cache
def chain() -> Chain:
    texts = real_texts()
    if not texts:
        raise SystemExit("the real article bodies are missing (../shared/data/article-pages)")
    return Chain(texts)


def original(seed: int, i: int) -> str:
    return chain().article(random.Random(seed * 1_000_003 + i))


def stream(n: int, seed: int = 1, done: Sequence[str] = ()) -> Iterator[Article]:
    """n articles: about 85% originals, 10% light-edited wrapped copies and 5% excerpts of
    an earlier original, published by other sites. ``done``: the texts of the stream's first
    articles, already generated: the stream goes on after them (they are not yielded)."""
    rng = random.Random(seed)
    originals: list[int] = []
    texts: dict[int, str] = {}
    for i in range(n):
        r = rng.random()
        if originals and r < COPY_SHARE + EXCERPT_SHARE:
            j = rng.choice(originals)
            if i < len(done):
                continue
            if r < COPY_SHARE or len(excerpt(texts[j]).split()) < MIN_WORDS:
                text = wrapped_copy(light_edit(texts[j], seed=i))
                yield Article(f"https://copies{i % 40}.example/c/{i}", text, "copy", j)
            else:
                yield Article(f"https://digest{i % 40}.example/e/{i}", excerpt(texts[j]),
                              "excerpt", j)
            continue
        texts[i] = done[i] if i < len(done) else original(seed, i)
        originals.append(i)
        if i < len(done):
            continue
        yield Article(f"https://news{i % 200}.example/a/{i}", texts[i], "original", i)


def queries(indexed: list[Article], n: int, seed: int = 1) -> list[str]:
    """n texts not indexed: a third copies and a third excerpts of indexed originals, a
    third new originals."""
    rng = random.Random(seed + 77)
    pool = [a for a in indexed if a.kind == "original"]
    out = []
    for k in range(n):
        if k % 3 == 2:
            out.append(original(seed + 1, k))
            continue
        src = rng.choice(pool).text
        while k % 3 == 1 and len(excerpt(src).split()) < MIN_WORDS:
            src = rng.choice(pool).text
        out.append(wrapped_copy(light_edit(src, seed=k)) if k % 3 == 0 else excerpt(src))
    return out
