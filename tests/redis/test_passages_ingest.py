"""Issue 12, sixth pass, against a real Redis: where containment does not decide, ingest
compares the texts (the original's read back from Redis in a later batch) and keeps what it
measured in the verdict; a check answers as the ingest does."""

import re

import pytest

from dedup.engine import Engine
from dedup.models import ArticleInput
from dedup.params import PARAMS
from dedup.prepare import prepare_article
from dedup.scoring import score
from wiretrace_testing.stories import light_edit, story

pytestmark = pytest.mark.cluster  # each test runs on one Redis and on a cluster

ORIG = "https://origin.example/news/long-story"
REWRITE = "https://rewrites.example/what-we-know"
EDIT = "https://farm.example/2024/long-story"


def _rewrite(text: str) -> str:
    """A new intro, two paragraphs in the middle left out, the rest word for word."""
    paras = text.split("\n\n")
    return "\n\n".join(["Readers have asked us about this one, so here is what we know.",
                        *(p for i, p in enumerate(paras) if i not in (3, 6))])


def test_a_rewrite_above_the_copy_bar_is_a_partial_a_light_edit_a_copy(engine: Engine) -> None:
    text = story(41, paragraphs=10)
    rew = ArticleInput(url=REWRITE, text=_rewrite(text), published="2024-05-02T10:00:00Z")
    s = score(prepare_article(rew, engine.settings, PARAMS).sig,
              prepare_article(ArticleInput(url=ORIG, text=text), engine.settings, PARAMS).sig)
    assert s.b_in_a >= engine.settings.copy_containment  # a copy by containment alone
    engine.ingest([ArticleInput(url=ORIG, text=text, published="2024-05-01T10:00:00Z")])
    checked = engine.check(rew)  # the original's text read back from Redis
    engine.ingest([rew, ArticleInput(url=EDIT, text=light_edit(text, seed=4),
                                     published="2024-05-02T11:00:00Z")])
    o, r, e = engine.lookup([ORIG, REWRITE, EDIT])
    assert (o.role, r.role, e.role) == ("original", "partial", "copy")
    assert checked.role == "partial"
    shares = [int(m.group(1)) for ev in r.evidence if (m := re.match(r"passages: (\d+)%", ev))]
    assert shares and shares[0] >= 10, r.evidence  # two paragraphs of ten: about a fifth


def _own_paragraph(text: str, own: str) -> str:
    """Every paragraph lightly edited, and a paragraph of the republisher's own in the middle:
    a rewrite that leaves nothing out."""
    paras = light_edit(text, seed=7).split("\n\n")
    return "\n\n".join([*paras[:4], own, *paras[4:]])


def test_a_page_adding_a_paragraph_of_its_own_inside_the_article_is_a_partial(
        engine: Engine) -> None:
    """Issue 12, ninth pass: nothing left out, most words in place, but a paragraph of its own
    (another story's, ~60 words) between paragraphs it reproduces: a rewrite. A copy with a
    short insert there (a "READ ALSO" link) stays a copy."""
    text = story(43, paragraphs=10)
    own = story(44, paragraphs=1)
    rew = ArticleInput(url=REWRITE, text=_own_paragraph(text, own),
                       published="2024-05-02T10:00:00Z")
    ins = ArticleInput(url=EDIT, text=_own_paragraph(
        text, "READ ALSO: Council approves new budget after a marathon late night session"),
        published="2024-05-02T11:00:00Z")
    engine.ingest([ArticleInput(url=ORIG, text=text, published="2024-05-01T10:00:00Z")])
    checked = engine.check(rew)
    engine.ingest([rew, ins])
    o, r, e = engine.lookup([ORIG, REWRITE, EDIT])
    assert (o.role, r.role, e.role) == ("original", "partial", "copy")
    assert checked.role == "partial"
    assert r.containment is not None and r.containment < 0.97  # the texts decide
    assert any("its longest line of its own inside the article" in ev for ev in r.evidence), \
        r.evidence
