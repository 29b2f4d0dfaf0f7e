"""Issue 12's error classes through the engine and a real Redis, on corpus pages: an
aggregator's "Read the full story at X" seen first, a backdating republisher against the
members that name the original, and site priors read without a time-based cache."""

import pytest

from dedup.engine import Engine
from dedup.models import ArticleInput
from wiretrace_testing.extraction_score import load_pages

CNN = "https://www.cnn.com/2024/05/02/business/markets-story/index.html"


def body(i: int) -> str:
    pages = [p for p in load_pages() if len(p[2].split()) >= 150]
    if not pages:
        pytest.skip("the shared corpus is not present")
    return pages[i][2]


def test_aggregator_seen_first_gives_way_to_the_page_it_names(engine: Engine) -> None:
    text = body(1)
    paras = text.split("\n")
    teaser = "".join(f"<p>{p}</p>" for p in paras[:3])
    agg = ("<html><head><title>Markets digest</title></head><body><article><h1>Markets</h1>"
           f"{teaser}<p>Read the full story at CNN Business "
           f"<a href='{CNN}'>cnn.com</a></p></article></body></html>")
    engine.ingest([ArticleInput(url="https://briefs.example/markets/77", html=agg)])
    engine.ingest([ArticleInput(url=CNN, text=text, site_name="CNN")])
    cnn, brief = engine.lookup([CNN, "https://briefs.example/markets/77"])
    assert cnn.role == "original"
    assert brief.role in ("copy", "partial") and brief.original
    assert brief.original["url"] == cnn.url


def test_backdater_known_to_republish_does_not_outvote_named_original(engine: Engine) -> None:
    # the farm republishes other stories first: the index learns it is a republisher
    for i in range(6):
        other = body(10 + i)
        engine.ingest([ArticleInput(url=f"https://src{i}.example/a", text=other,
                                    published="2024-04-01T08:00:00Z")])
        engine.ingest([ArticleInput(url=f"https://farm.example/p/{i}", text=other,
                                    published="2024-04-01T12:00:00Z")])
    text = body(2)
    engine.ingest([ArticleInput(url="https://farm.example/p/story", text=text,
                                published="2024-04-30T09:00:00Z")])
    for i in (1, 2):
        engine.ingest([ArticleInput(
            url=f"https://paper{i}.example/s", published="2024-05-02T12:00:00Z",
            text=text + "\nThis story originally appeared in Metro Herald.")])
    orig = "https://metroherald.example/news/story"
    engine.ingest([ArticleInput(url=orig, text=text, site_name="Metro Herald",
                                published="2024-05-02T09:00:00Z")])
    answers = engine.lookup([orig, "https://farm.example/p/story", "https://paper1.example/s",
                             "https://paper2.example/s"])
    assert answers[0].role == "original"
    assert all(a.original and a.original["url"] == orig for a in answers[1:])


def test_a_sites_prior_follows_its_counters_at_once(engine: Engine) -> None:
    sites = engine.sites
    assert not sites.is_republisher("farm.example")
    engine.client.hset(engine.keys.site("farm.example"),
                       mapping={"articles": 10, "copies": 10, "credited": 0})
    assert sites.is_republisher("farm.example")  # no cache to wait out


def _html(title: str, text: str, credit: str = "", published: str = "") -> str:
    meta = f"<meta property='article:published_time' content='{published}'>" if published else ""
    return (f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
            + f"</article>{credit}</body></html>")


def test_full_text_aggregator_crediting_a_link_is_not_the_original(engine: Engine) -> None:
    """The aggregator carries the whole story, seen first, undated; its credit names the
    publisher ("CNN Business") and links the article on cnn.com, whose page gives no site
    name. (Fails on the rules of b7122c5: a credit block's link was kept only when its
    address spelled the name, and the aggregator stayed the original.)"""
    text = body(4)
    credit = (f"<div class='credit'>Read the full story at CNN Business: "
              f"<a href='{CNN}'>here</a></div>")
    engine.ingest([ArticleInput(url="https://briefs.example/markets/91",
                                html=_html("Markets", text, credit))])
    engine.ingest([ArticleInput(url=CNN, html=_html("Markets", text))])
    cnn, brief = engine.lookup([CNN, "https://briefs.example/markets/91"])
    assert cnn.role == "original", cnn.evidence
    assert brief.original and brief.original["url"] == cnn.url, brief.evidence


def test_backdater_loses_to_the_article_read_more_lines_link(engine: Engine) -> None:
    """A republisher dates its unattributed copy two days early and is crawled first; two
    other copies end "Read more at <a>Metro Herald</a>" linking the original, which comes
    last. (Fails on the rules of b7122c5: "read more at" was no credit and the link text
    is not its address, so the backdated date won for every member.)"""
    text = body(5)
    orig = "https://metroherald.example/news/2024/05/02/story"
    engine.ingest([ArticleInput(url="https://farm.example/p/story", html=_html(
        "Story", text, published="2024-04-30T09:00:00+00:00"))])
    for i in (1, 2):
        engine.ingest([ArticleInput(url=f"https://paper{i}.example/s", html=_html(
            "Story", text, f"<p class='more'>Read more at <a href='{orig}'>Metro Herald</a></p>",
            "2024-05-02T12:00:00+00:00"))])
    engine.ingest([ArticleInput(url=orig, html=_html("Story", text,
                                                     published="2024-05-02T09:00:00+00:00"))])
    answers = engine.lookup([orig, "https://farm.example/p/story", "https://paper1.example/s",
                             "https://paper2.example/s"])
    assert answers[0].role == "original", answers[0].evidence
    assert all(a.original and a.original["url"] == orig for a in answers[1:]), \
        [(a.url, a.original, a.evidence) for a in answers[1:]]


@pytest.mark.parametrize("order", ["one-by-one", "one-batch", "unattributed-first"])
def test_a_site_dated_before_credited_originals_does_not_lead_on_its_date(
        engine: Engine, order: str) -> None:
    """A republisher dates its copies two days before their originals. In two stories other
    copies credit the original, which wins there; in a third nobody credits anyone and the
    republisher's early timestamp led every other date. Its dates before credited originals
    make its date a republisher's: the third story's original is the page that published
    first among the others, whether the index learned that before (one article at a time),
    in the same batch, the third story decided first, or after, the third story written
    whole in earlier batches. (Fails on the rules of main 51cdcaf: dates decided for the
    backdater; unattributed-first fails on aae4ce8: a cluster written before the site was
    known stayed as written.)"""
    text = body(22)
    orig = "https://paper2.example/news/2"
    items = [ArticleInput(url="https://early.example/a/2", text=text,
                          published="2024-04-30T07:00:00Z"),
             ArticleInput(url="https://farm.example/p/2", text=text,
                          published="2024-05-02T15:00:00Z"),
             ArticleInput(url=orig, text=text, published="2024-05-02T09:00:00Z")]
    for i in (0, 1):
        text = body(20 + i)
        items[:0] = [
            ArticleInput(url=f"https://paper{i}.example/news/{i}", text=text,
                         published="2024-05-02T09:00:00Z"),
            ArticleInput(url=f"https://early.example/a/{i}", text=text,
                         published="2024-04-30T07:00:00Z"),
            ArticleInput(url=f"https://wire{i}.example/s/{i}", published="2024-05-02T11:00:00Z",
                         text=text + f"\nThis article originally appeared on paper{i}.example.")]
    if order == "one-batch":  # the unattributed story first: decided before the site is known
        engine.ingest(items[-3:] + items[:-3])
    elif order == "unattributed-first":  # written whole before the site is known
        for item in items[-3:] + items[:-3]:
            engine.ingest([item])
    else:
        for item in items:
            engine.ingest([item])
    answers = engine.lookup([orig, "https://early.example/a/2", "https://farm.example/p/2"])
    assert answers[0].role == "original", answers[0].evidence
    assert all(a.original and a.original["url"] == orig for a in answers[1:]), \
        [(a.url, a.original, a.evidence) for a in answers[1:]]


def test_an_undated_copy_found_first_does_not_lead_a_timed_original(engine: Engine) -> None:
    """A farm's undated copy is found before the original, which gives its time to the
    minute. No page credits another and no date surely orders them: the page that says when
    it appeared leads the one that says nothing, whatever the order pages were found in.
    (Fails on the rules of aae4ce8: first_seen decided for the copy.)"""
    text = body(6)
    orig = "https://paper.example/news/2024/05/02/story"
    engine.ingest([ArticleInput(url="https://farm.example/p/story", text=text)])
    engine.ingest([ArticleInput(url=orig, text=text, published="2024-05-02T09:00:00Z")])
    original, copy = engine.lookup([orig, "https://farm.example/p/story"])
    assert original.role == "original", original.evidence
    assert copy.original and copy.original["url"] == orig, copy.evidence
