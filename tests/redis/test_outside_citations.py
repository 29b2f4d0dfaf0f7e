"""A page outside a cluster that credits one of its members by URL: a digest of two stories
(half of one, a quarter of the other, as webgen's) joins one of them, yet names by link the
original of the other, where a republisher's unattributed copy, dated two days early, is
the only other member. (Fails on the rules of main 593316e where the digest joins the other
story: the backdated date decided, the credit outside the cluster was not read.)"""

import pytest

from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.extraction_score import load_pages

ORIG = "https://metropaper.example/news/2024/05/02/council-story"
OTHER = "https://otherdaily.example/2024/05/02/weather-story"
BACK = "https://early.example/a/council-story"
DIGEST = "https://briefs.example/morning/12"


def body(i: int) -> list[str]:
    pages = [p for p in load_pages() if len(p[2].split()) >= 300]
    if not pages:
        pytest.skip("the shared corpus is not present")
    return [p for p in pages[i][2].split("\n") if len(p.split()) >= 12]


def _html(title: str, paras: list[str], credit: str = "", published: str = "") -> str:
    meta = f"<meta property='article:published_time' content='{published}'>" if published else ""
    return (f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paras) + f"{credit}</article></body></html>")


def _items() -> list[ArticleInput]:
    story, other = body(3), body(7)
    # half of the other story and a quarter of this one: it joins the other
    digest = other[:len(other) // 2] + story[:max(2, len(story) // 4)]
    credit = (f"<p>Sources: <a href='{OTHER}'>Other Daily</a> "
              f"<a href='{ORIG}'>Metro Paper</a></p>")
    return [
        ArticleInput(url=ORIG, html=_html("Council story", story,
                                          published="2024-05-02T09:00:00+00:00")),
        ArticleInput(url=OTHER, html=_html("Weather story", other,
                                           published="2024-05-02T07:00:00+00:00")),
        # a republisher's copy, dated two days before the original, crediting nobody
        ArticleInput(url=BACK, html=_html("Council story", story,
                                          published="2024-04-30T09:00:00+00:00")),
        ArticleInput(url=DIGEST, html=_html("Morning briefing", digest, credit,
                                            "2024-05-02T12:00:00+00:00")),
    ]


@pytest.mark.parametrize("order", ["digest-first", "digest-last", "one-batch",
                                   "one-batch-digest-last"])
def test_a_digest_crediting_the_original_outvotes_a_backdated_copy(
        engine: Engine, order: str) -> None:
    items = _items()
    if order == "digest-first":
        for item in [items[3], *items[:3]]:
            engine.ingest([item])
    elif order == "digest-last":
        for item in items:
            engine.ingest([item])
    elif order == "one-batch":
        engine.ingest([items[3], *items[:3]])
    else:
        engine.ingest(items)
    # the digest joins either story, as the order has it: inside this one's cluster its
    # credit decides as any member's; outside, as the credit of a page that took its text
    orig, back, digest = engine.lookup([ORIG, BACK, DIGEST])
    assert digest.role == "partial", digest.evidence
    assert orig.role == "original", orig.evidence
    assert back.role == "copy" and back.original and back.original["url"] == ORIG, \
        back.evidence
    assert orig.confidence is not None and orig.confidence >= 0.9, orig.evidence
