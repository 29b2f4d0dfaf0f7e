"""A realistic bench corpus: distinct news-like articles generated from the real article bodies
(../shared/data/article-pages), with planted copies and excerpts.

Each original is a walk of a word Markov chain trained on the real bodies: two words of
context, backing off to one word at 30% of the steps. Texts read like news (real vocabulary,
real local phrasing) and share with each other what real articles share: common phrases,
not whole sentences. The backoff rate was chosen so that the mean number of LSH candidates
per new text is within 2x of the figure on the real pages (the bench measures and prints
both). Paragraph counts and lengths follow the real bodies'.

Generation is in bulk: the chain is held as arrays (every state a pair of words, its
successors a slice of one array), and the originals are made ``BLOCK`` at a time, all their
paragraphs walked in step with numpy; blocks can be made in worker processes. Original number
k of a seed is a function of (seed, k // BLOCK) alone, so a stream of any length is
reproducible and every stream is a prefix of a longer one with the same seed.
"""

import itertools
import multiprocessing
import random
from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from itertools import count

import numpy as np

from wiretrace_testing.corpus import real_texts
from wiretrace_testing.stories import excerpt, light_edit, wrapped_copy

VERSION = 2  # bump when the same seed makes other texts (bench/index_scale.py keeps corpora)
BACKOFF = 0.3  # share of steps that use one word of context instead of two
COPY_SHARE, EXCERPT_SHARE = 0.10, 0.05
MIN_WORDS = 60  # excerpts shorter than this are planted as copies instead
BLOCK = 1000  # originals made together
WINDOW = 50_000  # copies and excerpts take from one of the last WINDOW originals


@dataclass(frozen=True, slots=True)
class Article:
    url: str
    text: str
    kind: str  # original, copy, excerpt
    source: int  # the position of the original a copy or excerpt takes from (else itself)


def _csr(groups: dict[int, list[int]], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and length of each key's slice of one array of values, and that array."""
    starts, lens = np.zeros(size, np.int64), np.zeros(size, np.int64)
    values: list[int] = []
    for key, vals in groups.items():
        starts[key], lens[key] = len(values), len(vals)
        values += vals
    return starts, lens, np.array(values, np.int64)


class Chain:
    """Word transitions of the real bodies, one and two words of context, as arrays.

    A state is a pair of consecutive words seen in the bodies. Its successors with two words
    of context: the states (b, c) of every occurrence of a, b, c; with one word: the states
    (b, c) of every occurrence of b, c (a multiset: frequencies kept)."""

    def __init__(self, texts: list[str]) -> None:
        words: dict[str, int] = {"": 0}  # 0: the walk's unused id between paragraphs
        pairs: dict[tuple[int, int], int] = {}
        two: dict[int, list[int]] = {}
        one: dict[int, list[int]] = {}
        starts: list[int] = []
        self.shapes: list[list[int]] = []  # words per paragraph of each real body

        def pair(a: int, b: int) -> int:
            return pairs.setdefault((a, b), len(pairs))

        for text in texts:
            shape = []
            for para in text.split("\n"):
                w = [words.setdefault(x, len(words)) for x in para.split()]
                if len(w) < 4:
                    continue
                shape.append(len(w))
                starts.append(pair(w[0], w[1]))
                for i in range(len(w) - 1):
                    one.setdefault(w[i], []).append(pair(w[i], w[i + 1]))
                for i in range(len(w) - 2):
                    two.setdefault(pair(w[i], w[i + 1]), []).append(pair(w[i + 1], w[i + 2]))
            if shape:
                self.shapes.append(shape)
        self.vocab = np.array(list(words), dtype=object)
        self.first = np.array([a for a, _ in pairs], np.int64)  # a state's words
        self.second = np.array([b for _, b in pairs], np.int64)
        self.starts = np.array(starts, np.int64)
        # per state: where its successors start in ``succ`` and how many, with two words of
        # context then with one (flattened, 4 a state). No successors with two: those with
        # one; none with one either (the word ends every paragraph it is in): any start.
        s2, n2, v2 = _csr(two, len(pairs))
        s1, n1, v1 = _csr(one, len(words))
        s1, n1 = s1[self.second] + len(v2), n1[self.second]
        s1 = np.where(n1 > 0, s1, len(v2) + len(v1))
        n1 = np.where(n1 > 0, n1, len(self.starts))
        s2, n2 = np.where(n2 > 0, s2, s1), np.where(n2 > 0, n2, n1)
        self.table = np.stack([s2, n2, s1, n1], axis=1).ravel()
        self.succ = np.concatenate([v2, v1, self.starts])

    def walk(self, rng: np.random.Generator, lengths: np.ndarray) -> np.ndarray:
        """Word ids of paragraphs of the given lengths, all walked in step, laid end to end,
        each followed by one unused id."""
        flat = np.zeros(int(lengths.sum()) + len(lengths), np.int64)
        ends = np.cumsum(lengths + 1) - 1
        order = np.argsort(-lengths, kind="stable")
        ls, at = lengths[order], (ends - lengths)[order]
        state = self.starts[rng.integers(len(self.starts), size=len(ls))]
        flat[at] = self.first[state]
        flat[at + 1] = self.second[state]
        table, succ, second = self.table, self.succ, self.second
        active = len(ls)
        for t in range(2, int(ls[0])):
            while ls[active - 1] <= t:
                active -= 1
            # two words of context (column 0: start, 1: count) or, backing off, one (2, 3)
            col = np.where(rng.random(active, np.float32) < BACKOFF, 2, 0)
            row = state[:active] * 4 + col
            pick = (rng.random(active, np.float32) * table[row + 1]).astype(np.int64)
            state = succ[table[row] + pick]
            flat[at[:active] + t] = second[state]
        return flat

    def block(self, seed: int, number: int) -> list[str]:
        """Originals number*BLOCK .. number*BLOCK + BLOCK - 1 of a seed."""
        rng = np.random.default_rng([seed, number])
        picks = rng.integers(len(self.shapes), size=BLOCK)
        shape = [self.shapes[p] for p in picks]
        base = np.array([n for s in shape for n in s], np.int64)
        lengths = np.maximum(4, (base * rng.uniform(0.7, 1.3, len(base))).astype(np.int64))
        flat = self.walk(rng, lengths)
        words = self.vocab[flat].tolist()
        ends = np.cumsum(lengths + 1) - 1
        paras = iter([" ".join(words[a:b]) for a, b in zip((ends - lengths).tolist(),
                                                           ends.tolist(), strict=True)])
        return ["\n\n".join(itertools.islice(paras, len(s))) for s in shape]


@cache
def chain() -> Chain:
    texts = real_texts()
    if not texts:
        raise SystemExit("the real article bodies are missing (../shared/data/article-pages)")
    return Chain(texts)


@lru_cache(maxsize=4)
def _block(seed: int, number: int) -> list[str]:
    return chain().block(seed, number)


def original(seed: int, k: int) -> str:
    """Original number k of a seed."""
    return _block(seed, k // BLOCK)[k % BLOCK]


def originals(seed: int, workers: int = 1) -> Generator[str, None, None]:
    """The originals of a seed in order, without end; ``workers`` > 1: made in that many
    processes (forked: the chain is built first), a few blocks ahead of the reader."""
    if workers <= 1:
        for number in count():
            yield from chain().block(seed, number)
        return
    chain()
    make = partial(_made, seed)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        ahead: deque = deque()
        numbers = count()
        while True:
            while len(ahead) < 2 * workers:
                ahead.append(pool.apply_async(make, (next(numbers),)))
            yield from ahead.popleft().get()


def _made(seed: int, number: int) -> list[str]:
    return chain().block(seed, number)


def stream(n: int, seed: int = 1, workers: int = 1) -> Iterator[Article]:
    """n articles: about 85% originals, 10% light-edited wrapped copies and 5% excerpts of
    one of the last ``WINDOW`` originals (news is republished soon), published by other
    sites. The same (n, seed) makes the same articles; a longer stream starts with them."""
    rng = random.Random(seed)
    made = originals(seed, workers)
    recent: deque[tuple[int, str]] = deque(maxlen=WINDOW)  # (position, text)
    try:
        for i in range(n):
            r = rng.random()
            if recent and r < COPY_SHARE + EXCERPT_SHARE:
                j, src = recent[-1 - rng.randrange(len(recent))]
                if r < COPY_SHARE or len(excerpt(src).split()) < MIN_WORDS:
                    text = wrapped_copy(light_edit(src, seed=i))
                    yield Article(f"https://copies{i % 40}.example/c/{i}", text, "copy", j)
                else:
                    yield Article(f"https://digest{i % 40}.example/e/{i}", excerpt(src),
                                  "excerpt", j)
                continue
            text = next(made)
            recent.append((i, text))
            yield Article(f"https://news{i % 200}.example/a/{i}", text, "original", i)
    finally:
        made.close()


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
