"""Issue 12, sixth pass: a copy edited word by word against a partial that leaves out whole
paragraphs, on texts of the shared corpus (dedup.passages, the role rule in dedup.scoring).
MinHash containment reads both as copies; what the page leaves out tells them apart."""

import random

import pytest

from dedup.config import Settings
from dedup.models import ArticleInput
from dedup.ordering import Choice
from dedup.passages import PASSAGE_WORDS, shape
from dedup.prepare import draft_article
from dedup.provenance import Member, assign_roles
from dedup.scoring import LEFT_OUT, OWN_PARAGRAPH, PairScore, in_shape_band, score
from dedup.signature import signature
from wiretrace_testing.extraction_score import load_pages

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")
SWAPS = {"said": "stated", "says": "states", "people": "individuals", "about": "around",
         "but": "however", "also": "as well", "will": "would", "more": "further",
         "new": "fresh", "after": "following", "before": "prior to", "many": "numerous"}


def stories() -> list[list[str]]:
    """The paragraphs of prose of real pages' bodies (headings, captions and list items
    left out), where there are at least eight."""
    out = []
    for _, _, body in load_pages():
        paras = [p.strip() for p in body.split("\n") if len(p.split()) >= PASSAGE_WORDS]
        if len(paras) >= 8 and len(set(paras)) == len(paras):
            out.append(paras)
    return out


def light_edit(paras: list[str], rng: random.Random) -> list[str]:
    """Scattered word edits: common words swapped, one word in fifty dropped."""
    out = []
    for p in paras:
        words = []
        for w in p.split():
            r = rng.random()
            if r < 0.02:
                continue
            words.append(SWAPS.get(w, w) if r < 0.6 else w)
        out.append(" ".join(words))
    return out


def dropped(paras: list[str], share: float) -> list[str]:
    """Interior paragraphs of prose left out, every third from the second on, then the ones
    between, until ``share`` of the words is gone: a rewrite that keeps the rest word for
    word."""
    total = sum(len(p.split()) for p in paras)
    gone, out = 0, set()
    for i in [*range(2, len(paras) - 1, 3), *range(3, len(paras) - 1, 3)]:
        if gone >= share * total:
            break
        out.add(i)
        gone += len(paras[i].split())
    return [p for i, p in enumerate(paras) if i not in out]


def member(url: str, paras: list[str]) -> Member:
    draft = draft_article(ArticleInput(url=url, text="\n".join(paras)), SETTINGS)
    return Member(draft.id, signature(draft.text), draft.meta)


def pair(a: Member, b: Member) -> PairScore:
    return score(a.sig, b.sig)


def test_scattered_edits_leave_no_passage_out_dropped_paragraphs_do() -> None:
    rng = random.Random(12)
    found = stories()
    assert len(found) >= 10
    for paras in found:
        text = "\n".join(paras)
        edited = shape(text, "\n".join(light_edit(paras, rng)))
        partial = shape(text, "\n".join(dropped(paras, 0.15)))
        assert edited is not None and partial is not None
        assert edited.left_out == 0.0
        assert partial.left_out >= LEFT_OUT


def test_a_rewrite_that_keeps_most_of_the_text_is_a_partial_a_light_edit_a_copy() -> None:
    """The decision: MinHash containment puts the rewrite above the copy bar (a copy by
    containment alone); the shape of what it leaves out makes it a partial."""
    checked = 0
    for k, paras in enumerate(stories()):
        orig = member(f"https://origin.example/{k}", paras)
        rew = member(f"https://rewrites.example/{k}", ["Readers asked us about this one.",
                                                      *dropped(paras, 0.15)])
        edit = member(f"https://edits.example/{k}", light_edit(paras, random.Random(k)))
        s = pair(rew, orig)
        if not (s.b_in_a >= SETTINGS.copy_containment and in_shape_band(s.b_in_a)):
            continue
        checked += 1
        members, choice = [orig, rew, edit], Choice(orig.id, 0.97, ["test"])
        without = assign_roles(members, choice, pair, SETTINGS)
        assert without[rew.id].role == "copy"  # containment alone: the class of misses
        shapes = {m.id: found for m in (rew, edit)
                  if (found := shape("\n".join(paras), "\n".join(  # the stored texts
                      ["Readers asked us about this one.", *dropped(paras, 0.15)]
                      if m is rew else light_edit(paras, random.Random(k)))))}
        verdicts = assign_roles(members, choice, pair, SETTINGS, shapes)
        assert verdicts[rew.id].role == "partial"
        assert verdicts[rew.id].left_out == shapes[rew.id].left_out
        assert any(e.startswith("passages: ") for e in verdicts[rew.id].evidence)
        assert verdicts[edit.id].role == "copy"
    assert checked >= 5


def test_a_real_page_and_its_own_article_body_are_the_same_text() -> None:
    """The 91 real pages: each page's extraction (its furniture included: related links,
    captions, newsletter lines) against its article body, both ways, is no partial."""
    from dedup.extraction import extract

    pages = load_pages()
    assert len(pages) == 91
    for url, html, body in pages:
        text = extract(html, url).text or ""
        for ref, page in ((text, body), (body, text)):
            found = shape(ref, page)
            assert found is None or found.left_out < LEFT_OUT, url
            assert found is None or found.added < OWN_PARAGRAPH, url


def test_a_paragraph_of_its_own_inside_the_article_makes_a_rewrite() -> None:
    """Issue 12, ninth pass: a light edit that leaves nothing out but writes a paragraph of its
    own (another story's prose) between paragraphs it reproduces is a partial; the same edit
    with a "READ ALSO" link there is a copy."""
    found = stories()
    long = [(i, p) for i, ps in enumerate(found) for p in ps if len(p.split()) >= 50]
    checked = 0
    for k, paras in enumerate(found):
        own = next(p for i, p in long[k:] + long if i != k)
        edited = light_edit(paras, random.Random(k))
        mid = len(edited) // 2
        texts = {"rewrite": [*edited[:mid], own, *edited[mid:]],
                 "insert": [*edited[:mid], "READ ALSO: Council approves new budget after a "
                            "marathon late night session at city hall", *edited[mid:]]}
        orig = member(f"https://origin.example/{k}", paras)
        pages = {name: member(f"https://{name}.example/{k}", t) for name, t in texts.items()}
        if not all(in_shape_band(pair(m, orig).b_in_a) for m in pages.values()):
            continue
        checked += 1
        shapes = {pages[name].id: s for name, t in texts.items()
                  if (s := shape("\n".join(paras), "\n".join(t)))}
        verdicts = assign_roles([orig, *pages.values()], Choice(orig.id, 0.97, ["test"]), pair,
                                SETTINGS, shapes)
        assert verdicts[pages["rewrite"].id].role == "partial", k
        assert (verdicts[pages["rewrite"].id].added or 0) >= OWN_PARAGRAPH
        assert verdicts[pages["insert"].id].role == "copy", k
    assert checked >= 5
