"""Re-scoring candidate pairs on stored signatures: similarity and containment."""

from dataclasses import dataclass

from dedup.config import Settings
from dedup.passages import Shape
from dedup.signature import Signature, jaccard


@dataclass(frozen=True, slots=True)
class PairScore:
    """How much two texts share, estimated from their signatures and shingle counts."""

    similarity: float  # estimated Jaccard
    shared: float  # estimated number of shared shingles
    a_in_b: float  # share of a's shingles found in b
    b_in_a: float  # share of b's shingles found in a


def score(a: Signature, b: Signature) -> PairScore:
    """Jaccard from the signatures; intersection and containment from it and the set sizes.

    |A∩B| = J·|A∪B| and |A∪B| = |A| + |B| - |A∩B| give |A∩B| = J(|A|+|B|)/(1+J).
    """
    j = jaccard(a, b)
    shared = j * (a.size + b.size) / (1.0 + j)
    return PairScore(
        similarity=j,
        shared=shared,
        a_in_b=min(1.0, shared / a.size) if a.size else 0.0,
        b_in_a=min(1.0, shared / b.size) if b.size else 0.0,
    )


# Below this estimated Jaccard the estimate rests on a handful of equal hash values out of
# 128 and containment computed from it is noise for texts of very different lengths.
MIN_SIMILARITY = 0.06
# A page of which less than this share is found in the other, and which reproduces less than
# QUOTED_MOST of it, quotes a passage (a story on the same event citing a paragraph, two
# sites' shared boilerplate): it is not a partial copy. An excerpt or a digest is mostly
# the text it takes; a rewrite keeps a third or more.
QUOTE_SHARE = 0.1
QUOTED_MOST = 0.35
# A page of which less than QUOTED_LITTLE is found in a short page, and that shares fewer
# shingles than QUOTE_SHINGLES with it (a sentence or two, about 65 words), quotes it too,
# though that is QUOTED_MOST of the short page or more: a story quoting one sentence of a
# brief is not a copy of it. The share is an estimate (128 values: about +-0.03 here), hence
# a bar above QUOTE_SHARE. Tuned seeds 0-59 (bench/quote_pairs.py, no crawl; main's rules in
# bench/out/g2c-quote-pairs-0-59.txt): of the 21 pairs of a page quoting a sentence with an
# original, one holds 0.45 of a short original in 56 shingles (0.14 of the quoting page):
# related under the first rule alone, a false link whenever LSH makes them candidates; of the
# 507 excerpt, digest and rewrite pairs, none is under this rule (those sharing under 64
# shingles and under 0.15 of one side hold at most 0.25 of the other).
QUOTED_LITTLE = 0.15
QUOTE_SHINGLES = 64


def related(s: PairScore, same_site: bool, settings: Settings) -> bool:
    """Whether two texts share enough to be one story (copy, excerpt or rewrite)."""
    if s.similarity < MIN_SIMILARITY or s.shared < settings.min_shared_shingles:
        return False
    if same_site and s.similarity < settings.same_site_min_similarity:
        # Two articles of one site share its template (related links, subscribe boxes);
        # only a near-verbatim repeat on the same site counts.
        return False
    least, most = sorted((s.a_in_b, s.b_in_a))
    if least < QUOTE_SHARE and most < QUOTED_MOST:
        return False  # a quoted passage: each page is mostly text the other lacks
    if least < QUOTED_LITTLE and s.shared < QUOTE_SHINGLES and most >= QUOTED_MOST:
        return False  # a sentence or two of a short page quoted in a story of its own
    return most >= settings.partial_containment


def is_excerpt_of(s: PairScore) -> bool:
    """True when a (first of the pair) looks like an excerpt of b: a is nearly all inside b
    while b is far from all inside a. A copy wrapped in boilerplate is not an excerpt."""
    return s.a_in_b >= 0.85 and s.b_in_a < 0.6


# A partial copy that adds text of its own (a rewrite: a new intro, a paragraph of its own)
# is not all inside its original, as an excerpt is; it still holds much less of the original
# than the original holds of it. Chosen on tuned seeds 10-59 (bench/miss_classes.py): of
# 176 rewrites, 85 pass (13 with the excerpt bar alone), 5 the wrong way round; of 528 full
# copies, 3 originals pass as partials of their copy.
PARTIAL_IN = 0.6
PARTIAL_GAP = 0.1
# Two texts each holding at least this share of the other are the same text (a copy, a
# light edit), either of which could be the other's original.
SAME_TEXT = 0.65


def is_partial_of(s: PairScore) -> bool:
    """True when a (first of the pair) took part of b's text: an excerpt, or a rewrite that
    keeps most of what it has from b but holds much less of b than b holds of it."""
    return is_excerpt_of(s) or (s.a_in_b >= PARTIAL_IN and s.b_in_a < PARTIAL_IN
                                and s.a_in_b - s.b_in_a >= PARTIAL_GAP)


def same_text(s: PairScore) -> bool:
    """Whether each text holds most of the other (full copies of one another)."""
    return min(s.a_in_b, s.b_in_a) >= SAME_TEXT


# Where MinHash containment does not tell a copy edited throughout from a partial that keeps
# most paragraphs (generated rewrites keep 75-95% of the original, light edits 0.65-0.90),
# the texts decide (dedup.passages), measured only for a page whose containment of its
# reference falls in this band: above it a page is a copy whatever the texts say, below it
# (excerpts, digests, quotes) a partial.
SHAPE_BAND = (0.65, 0.97)
# A page that leaves out interior paragraphs holding this share of the original's words is a
# partial. Chosen on tuned seeds 0-59 (the pages' extraction, no crawl) and the 91 real
# pages: none of the 410 full copies in the band leaves out an interior paragraph of 15 words
# or more; of the 14 rewrites above the copy bar, 8 leave out 0.107-0.144 of the original
# (the others 0-0.086: they dropped only short paragraphs, the first or last, or none); and
# where a real page's own extraction lost embedded tweets of its article body (nj.com 0.092,
# thehill.com 0.065 of the 91), the body is still a copy of the page, and the page of it.
LEFT_OUT = 0.1
# Below the containment bar, a page that reproduces this share of the original's words in
# place and leaves out no passage is a copy with scattered edits (tuned light edits under the
# bar: 0.85-0.90 in place; rewrites there that dropped only short paragraphs: 0.78-0.82).
IN_PLACE = 0.85
# A page that leaves out no passage of the article and reproduces this share of the words in
# place from the first line of the original it reproduces to the last is a copy, whatever
# the original carries before and after (a standfirst, "About <company>", related headlines,
# a caption block: text the copier took no more than the reader sees as the article; it
# also lowers containment). Chosen on the 91 real pages, each one's article body put on the
# tuned layouts verbatim and lightly edited (bench/copy_shapes.py, bench/out/g2a-*): such
# copies keep 0.87-1.0 in the article while the originals' furniture takes their in-place
# share down to 0.57-0.84; tuned seeds 0-59: of the rewrites in the band that leave out no
# passage, those under the copy bar keep 0.83-0.89.
IN_ARTICLE = 0.9
# A page that adds, between lines it reproduces, a line of its own of this many words (half
# of them or more not in the original) wrote a paragraph into the text: a rewrite, a partial,
# however much of the original it keeps. A copier adds furniture around the article and
# short inserts inside it ("READ ALSO" links, captions, embedded posts): on the 91 real pages
# the longest such line, the page's article body against its own extraction, is 30 words
# (nj.com's embedded posts); tuned seeds 0-49 (each page's extraction, no crawl): full
# copies at most 31 words (the same posts), every one of the 186 rewrites 60 or more (the
# paragraph it adds). Chosen on those seeds alone; 50-99 checked once after.
OWN_PARAGRAPH = 40


def in_shape_band(containment: float) -> bool:
    """Whether a page's role needs the texts' shape (:data:`SHAPE_BAND`)."""
    return SHAPE_BAND[0] <= containment < SHAPE_BAND[1]


def full_copy(s: PairScore, settings: Settings, shape: Shape | None = None) -> bool:
    """Whether a (first of the pair) reproduces the whole of b: a copy, not a partial.

    Containment of b decides, unless the page is in :data:`SHAPE_BAND` and its ``shape``
    against b is known: then a page that leaves out whole paragraphs is a partial, and one
    that keeps nearly every word of b, or of b's article, in place with no passage left out
    is a copy, unless it adds a paragraph of its own inside the article (a rewrite)."""
    containment = s.b_in_a
    full = containment >= settings.copy_containment or (
        containment >= settings.copy_subset_containment and s.a_in_b >= 0.95)
    if shape is None or not in_shape_band(containment):
        return full
    if shape.left_out >= LEFT_OUT or shape.added >= OWN_PARAGRAPH:
        return False
    return full or shape.in_place >= IN_PLACE or (
        shape.left_out == 0 and shape.in_article >= IN_ARTICLE)
