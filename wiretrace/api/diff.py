"""A word-level diff of a copy and its original, for people: aligned sentence by sentence, then
word by word inside the sentences that changed; a sentence found elsewhere on the other side is
*moved*, not deleted and added.

Cost is near-linear: sentences are matched by hashing (difflib on sentence keys, each unique
sentence an anchor), words only within one changed sentence pair (at most ``PAIR_WORDS`` words
each); texts over ``MAX_CHARS`` are not compared (:class:`TooLong`). Two 120 KB texts take
well under a second (tests/unit/test_diff.py).
"""

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

MAX_CHARS = 400_000  # per side: a page, not a book
PAIR_WORDS = 400  # a "sentence" longer than this is compared whole
Kind = Literal["same", "ins", "del", "moved"]

# A sentence ends at . ! ? (and closing quotes) before a space and a capital or digit, but not
# after an initial or a known abbreviation ("U.S.", "Mr.", "Jan.").
_ABBREV = re.compile(r"(?:\b(?:[A-Z]\.){1,4}|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Co|Corp|"
                     r"Gen|Gov|Sen|Rep|No|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|vs|etc)\.)$")
_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_WORD = re.compile(r"\S+\s*")


class TooLong(Exception):
    """A text is larger than the diff's budget."""


@dataclass
class Span:
    kind: Kind
    text: str


@dataclass
class Para:
    spans: list[Span] = field(default_factory=list)

    def add(self, kind: Kind, text: str) -> None:
        if self.spans and self.spans[-1].kind == kind:
            self.spans[-1].text += text
        else:
            self.spans.append(Span(kind, text))


@dataclass
class Diff:
    """Both sides as paragraphs of spans, and counts for the header."""

    original: list[Para]
    copy: list[Para]
    words_added: int = 0
    words_removed: int = 0
    sentences_moved: int = 0


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, each with its trailing space, "U.S." not a sentence end."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(paragraph):
        if _ABBREV.search(paragraph[start:m.start()]):
            continue
        out.append(paragraph[start:m.end()])
        start = m.end()
    if start < len(paragraph):
        out.append(paragraph[start:])
    return out


def _key(sentence: str) -> str:
    return " ".join(sentence.split()).lower()


def _units(text: str) -> tuple[list[str], list[int]]:
    """Sentences of the text and the paragraph each belongs to."""
    units: list[str] = []
    para: list[int] = []
    for i, p in enumerate(x for x in text.split("\n") if x.strip()):
        for s in sentences(p.strip()):
            units.append(s)
            para.append(i)
    return units, para


def word_diff(original: str, copy: str) -> Diff:
    """The two texts side by side, as spans of same, inserted, deleted and moved text.

    Raises:
        TooLong: a text is over ``MAX_CHARS``.

    Example:
        >>> d = word_diff("Boeing's jet flew.", "Boeing 's jet flew.")
        >>> [(s.kind, s.text) for s in d.copy[0].spans]
        [('ins', "Boeing 's "), ('same', 'jet flew. ')]
    """
    if max(len(original), len(copy)) > MAX_CHARS:
        raise TooLong(f"the texts are longer than {MAX_CHARS // 1000} KB; compare them with "
                      "`wiretrace lookup` and a diff tool of your own")
    a, pa = _units(original)
    b, pb = _units(copy)
    ka, kb = [_key(s) for s in a], [_key(s) for s in b]
    out = Diff([], [])
    ops = difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes()
    gone = {ka[i] for op, i1, i2, _, _ in ops if op != "equal" for i in range(i1, i2)}
    came = {kb[j] for op, _, _, j1, j2 in ops if op != "equal" for j in range(j1, j2)}
    moved = gone & came  # left one place, found in another: moved, not changed
    out.sentences_moved = len(moved)
    # in order, pairing the changed sentences of each block word by word
    left: list[tuple[int, Kind, str]] = []  # (paragraph, kind, text)
    right: list[tuple[int, Kind, str]] = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            left += [(pa[i], "same", a[i]) for i in range(i1, i2)]
            right += [(pb[j], "same", b[j]) for j in range(j1, j2)]
            continue
        olds = [i for i in range(i1, i2) if ka[i] not in moved]
        news = [j for j in range(j1, j2) if kb[j] not in moved]
        pairs = dict(zip(olds, news, strict=False))
        paired_new = set(pairs.values())
        for i in range(i1, i2):
            if ka[i] in moved:
                left.append((pa[i], "moved", a[i]))
            elif i not in pairs:
                left.append((pa[i], "del", a[i]))
                out.words_removed += len(a[i].split())
        for j in range(j1, j2):
            if kb[j] in moved:
                right.append((pb[j], "moved", b[j]))
            elif j not in paired_new:
                right.append((pb[j], "ins", b[j]))
                out.words_added += len(b[j].split())
        for i, j in pairs.items():
            l_spans, r_spans = _words(a[i], b[j], out)
            left += [(pa[i], k, t) for k, t in l_spans]
            right += [(pb[j], k, t) for k, t in r_spans]
    left.sort(key=lambda x: x[0])  # stable: order within a paragraph is kept
    right.sort(key=lambda x: x[0])
    out.original, out.copy = _paras(left), _paras(right)
    return out


def _words(old: str, new: str, out: Diff) -> tuple[list[tuple[Kind, str]], list[tuple[Kind, str]]]:
    wa, wb = _WORD.findall(old), _WORD.findall(new)
    if max(len(wa), len(wb)) > PAIR_WORDS:
        out.words_removed += len(wa)
        out.words_added += len(wb)
        return [("del", old)], [("ins", new)]
    left: list[tuple[Kind, str]] = []
    right: list[tuple[Kind, str]] = []
    sm = difflib.SequenceMatcher(None, [w.strip() for w in wa], [w.strip() for w in wb],
                                 autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            left.append(("same", "".join(wa[i1:i2])))
            right.append(("same", "".join(wb[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(wa[i1:i2])))
            out.words_removed += i2 - i1
        if j2 > j1:
            right.append(("ins", "".join(wb[j1:j2])))
            out.words_added += j2 - j1
    return left, right


def _paras(items: list[tuple[int, Kind, str]]) -> list[Para]:
    paras: list[Para] = []
    current = -1
    for p, kind, text in items:
        if p != current:
            paras.append(Para())
            current = p
        if not text.endswith((" ", "\n")):
            text += " "
        paras[-1].add(kind, text)
    return paras
