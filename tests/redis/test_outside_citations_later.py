"""An outside citation keeps deciding after the batch that found it: a cluster decided again
later (a new member joins, the citing page is removed or updated) must give the original
ingesting the same set in any order gives, whether or not the later batch reads the citing
page. (Fail on merge 770ab02: a copy sharing no text with the digest, ingested last, was
decided on a read without the digest; removing the digest left its credit deciding.)"""

from dataclasses import replace

import pytest

from dedup.engine import Engine
from tests.redis.test_outside_citations import BACK, DIGEST, ORIG, _html, _items, body

LATE = "https://fourth.example/2024/05/03/council-story"


def _late():
    from dedup.models import ArticleInput
    story = body(3)
    # the second half of the story only: the digest (which takes its first quarter) shares
    # no text with it, so a batch of this page alone does not read the digest
    return ArticleInput(url=LATE, html=_html("Council story", story[len(story) // 2:],
                                             published="2024-05-03T09:00:00+00:00"))


def _original(engine: Engine) -> str | None:
    orig, back = engine.lookup([ORIG, BACK])
    assert orig.cluster == back.cluster
    return (orig.original or {}).get("url") if orig.role != "original" else ORIG


@pytest.mark.parametrize("order", ["late-first", "late-last"])
def test_a_later_member_keeps_the_credit_from_outside(engine: Engine, order: str) -> None:
    items = _items()
    seq = [_late(), *items] if order == "late-first" else [*items, _late()]
    for item in seq:
        engine.ingest([item])
    assert _original(engine) == ORIG


def test_removing_the_citing_page_decides_as_if_it_never_came(engine: Engine,
                                                              settings: object) -> None:
    items = _items()
    for item in items:
        engine.ingest([item])
    assert _original(engine) == ORIG
    assert engine.remove(DIGEST)
    orig, back = engine.lookup([ORIG, BACK])
    said = " ".join([*orig.evidence, *back.evidence])
    assert "outside the cluster" not in said, said
    # the rest alone, as a fresh index decides them: dates (the copy is two days early)
    assert back.role == "original", back.evidence


def test_an_update_that_drops_the_credit_decides_again(engine: Engine) -> None:
    items = _items()
    for item in items:
        engine.ingest([item])
    assert _original(engine) == ORIG
    digest = items[3]
    assert digest.html is not None
    engine.ingest([replace(digest, html=digest.html.split("<p>Sources:")[0]
                           + "</article></body></html>")])
    orig, back = engine.lookup([ORIG, BACK])
    said = " ".join([*orig.evidence, *back.evidence])
    assert "outside the cluster" not in said, said
    assert back.role == "original", back.evidence



@pytest.mark.parametrize("order", ["digest-first", "digest-last"])
def test_a_credit_to_the_original_dates_chose_counts_in_any_order(engine: Engine,
                                                                  order: str) -> None:
    """The dates already choose the original; a digest outside linking it makes it an
    attributed choice (0.9, the evidence said), whether it comes first or last. (On 770ab02
    a digest arriving last did not decide again a cluster whose original it names: 0.2.)"""
    from dedup.models import ArticleInput
    orig, other, _back, digest = _items()
    later = ArticleInput(url=LATE, html=_html("Council story", body(3),
                                              published="2024-05-03T09:00:00+00:00"))
    seq = [other, digest, orig, later] if order == "digest-first" else \
        [other, orig, later, digest]
    for item in seq:
        engine.ingest([item])
    o, c = engine.lookup([ORIG, LATE])
    assert o.role == "original" and c.role == "copy", (o.evidence, c.evidence)
    assert o.confidence == 0.9 and any("outside the cluster" in e for e in o.evidence), \
        (o.confidence, o.evidence)


def test_a_check_weighs_the_credit_from_outside_as_ingest_does(engine: Engine) -> None:
    """A check of a page not indexed answers what ingesting it would: the cluster's original
    stays the page a digest outside credits. (On 770ab02 and c81f7d7 the check's read did
    not read the digest: the backdated copy's date decided.)"""
    for item in _items():
        engine.ingest([item])
    checked = engine.check(_late())
    assert checked.original is not None and checked.original["url"] == ORIG, checked.evidence
