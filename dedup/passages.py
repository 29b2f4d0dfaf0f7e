"""What a page leaves out of a text it shares with another: scattered words, or whole passages.

A *copy* reproduces the whole text, maybe with scattered word-level edits (synonyms swapped,
a word dropped); a *partial* leaves out whole passages (a rewrite that drops paragraphs, an
excerpt). MinHash containment cannot tell them apart once both keep 75-95% of the shingles;
the texts can: align them word by word and look at where the missing words lie.

The alignment is by 4-word runs (the signature's shingles), so that it does not depend on
order: a reference word is *in place* when some 4-word run holding it is also on the page
(moved paragraphs stay in place, a swapped word is out of place with its neighbours kept). A
reference line is *left out* when half of its words or more are out of place (scattered
edits leave a line 5-15% out of place; a paragraph that shares a phrase with another, 20%
in place, is still left out), else *reproduced*; it counts when it is a paragraph of prose
(``PASSAGE_WORDS`` words or more) and lies between lines the page reproduces: what
originals carry before and after the article (a standfirst, "About <company>", a newsletter
plug, a book plug) is furniture copies drop, and an excerpt's cut is measured by
containment. For the same reason the share of words in place is also taken within the
article alone: from the first line the page reproduces to the last. The other way round, a
page's own lines between lines it reproduces tell a rewrite from a copy: a copy adds no
paragraph of its own inside the article (only short inserts: "READ ALSO" links, captions,
embedded posts), a rewrite does. Pure text work, no Redis.
"""

import functools
import operator
from collections.abc import Iterator
from dataclasses import dataclass

from dedup.boilerplate import content_lines
from dedup.normalize import token_bytes

RUN = 4  # words per run: the signature's word shingle (dedup.params.SignatureParams)
# A left-out line counts as a passage from this many words. Chosen on tuned seeds 0-59 (the
# pages' own extraction, no crawl) and the 91 real pages: shorter lines that originals carry
# and copies drop are page furniture ("Follow Newsbeat on Instagram ...", "Related: ...",
# lists of headlines, captions), and with 15 no interior line of any of the 91 pages'
# extraction is missing from its own article body, while 10 finds six; dropped paragraphs
# of prose are longer (generated rewrites drop paragraphs of 15-105 words).
PASSAGE_WORDS = 15
LEFT_OUT_LINE = 0.5  # share of a line's words out of place for the line to be left out


@dataclass(frozen=True, slots=True)
class Shape:
    """How a page reproduces a reference text, measured on both texts' content lines."""

    left_out: float  # share of the reference's words in interior paragraphs the page lacks
    in_place: float  # share of the reference's words the page reproduces in place
    # the same share within the article: the reference's lines from the first the page
    # reproduces to the last (before and after them: the original's furniture, or a cut)
    in_article: float
    # words of the page's longest line of its own (half its words or more not in the
    # reference) between lines it reproduces: a paragraph a rewrite added
    added: int = 0

    def describe(self) -> str:
        own = (f"; its longest line of its own inside the article: {self.added} words"
               if self.added else "")
        return (f"passages: {self.left_out:.0%} of the original's words in paragraphs this "
                f"page leaves out, {self.in_place:.0%} reproduced in place "
                f"({self.in_article:.0%} within the article){own}")


def _line_tokens(lines: list[str]) -> list[list[bytes]] | None:
    """The lines' tokens, or None for a script written without spaces (its tokens are
    characters: a line's length says nothing of a paragraph there)."""
    out = []
    for line in lines:
        toks, nospace = token_bytes(line)
        if nospace:
            return None
        out.append(toks.split())
    return out


def _runs(tokens: list[bytes]) -> Iterator[tuple[bytes, ...]]:
    """The text's runs of ``RUN`` words, in order: tuples, built and hashed in C (a set of
    them compares runs exactly, ~3x faster than hashing each run's joined bytes)."""
    # not strict: the shifted lists are shorter, and the runs end with the last whole one
    return zip(*(tokens[j:] for j in range(RUN)), strict=False)


@dataclass(frozen=True, slots=True)
class Line:
    """One content line of the reference, as the page reproduces it."""

    words: int
    out: int  # its words out of place on the page
    inside: bool  # from the first line the page reproduces to the last
    counts: bool  # a left-out interior passage (what ``Shape.left_out`` adds up)


@dataclass(frozen=True, slots=True)
class _Text:
    """A text's content lines, their tokens, and its set of runs: what an alignment needs of
    either side, made once per text (both directions of :func:`shape` use both texts)."""

    lines: list[str]
    tokens: list[list[bytes]]
    flat: list[bytes]
    runs: frozenset[tuple[bytes, ...]]


def _text(text: str) -> _Text | None:
    """None for a script without spaces. (Not cached: in a batch of the news-like corpus 750
    of 840 compared pairs had an original of their own.)"""
    lines = content_lines(text) or [text]
    tokens = _line_tokens(lines)
    if tokens is None:
        return None
    flat = [t for ln in tokens for t in ln]
    return _Text(lines, tokens, flat, frozenset(_runs(flat)))


def _placed(ref: _Text, page: _Text) -> list[tuple[str, Line]] | None:
    """How ``page`` reproduces each of ``ref``'s content lines (see :func:`aligned`)."""
    if len(ref.flat) < RUN or not page.runs:
        return None
    # byte i: whether the run from word i is on the page; a word is in place when one of the
    # RUN runs holding it is: the OR of the bytes shifted by 0..RUN-1 (0/1 bytes never carry)
    hits = int.from_bytes(bytes(run in page.runs for run in _runs(ref.flat)), "little")
    placed = functools.reduce(operator.or_, (hits << 8 * k for k in range(RUN))).to_bytes(
        len(ref.flat), "little")
    # per line: its word count and how many of its words are out of place
    lines, at = [], 0
    for ln in ref.tokens:
        lines.append((len(ln), len(ln) - placed.count(1, at, at + len(ln))))
        at += len(ln)
    kept = [n > 0 and out < LEFT_OUT_LINE * n for n, out in lines]
    first = kept.index(True) if True in kept else len(lines)
    last = len(kept) - 1 - kept[::-1].index(True) if True in kept else -1
    return [(ref.lines[i], Line(n, out, first <= i <= last, first < i < last and
                                n >= PASSAGE_WORDS and out >= LEFT_OUT_LINE * n))
            for i, (n, out) in enumerate(lines)]


def aligned(reference: str, page: str) -> list[tuple[str, Line]] | None:
    """The reference's content lines and how ``page`` reproduces each, or None when either
    is in a script without spaces or shorter than a run."""
    ref, other = _text(reference), _text(page)
    return None if ref is None or other is None else _placed(ref, other)


def shape(reference: str, page: str) -> Shape | None:
    """How ``page`` reproduces ``reference`` (both as stored: content lines are taken here),
    or None when either is in a script without spaces or shorter than a run."""
    ref, other = _text(reference), _text(page)
    if ref is None or other is None:
        return None
    lines, own = _placed(ref, other), _placed(other, ref)
    if lines is None or own is None:
        return None
    total = sum(ln.words for _, ln in lines)
    left = sum(ln.words for _, ln in lines if ln.counts)
    article = [ln for _, ln in lines if ln.inside]
    words = sum(ln.words for ln in article)
    return Shape(round(left / total, 3), round(1 - sum(ln.out for _, ln in lines) / total, 3),
                 round(1 - sum(ln.out for ln in article) / words, 3) if words else 0.0,
                 max((ln.words for _, ln in own if ln.counts), default=0))
