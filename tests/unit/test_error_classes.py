"""The four classes of wrong answers of issue 12, each rebuilt on a page of the shared corpus
(its real text and HTML): hours-apart dates, an aggregator or backdater taken for the
original, a real article URL taken for a listing. Timing: tests/redis/test_site_priors.py."""

import pytest

from dedup.config import Settings
from dedup.extraction import extract
from dedup.models import ArticleInput, ArticleMeta
from dedup.prepare import draft_article
from dedup.provenance import Member, choose_original
from dedup.scoring import PairScore, score
from dedup.signature import signature
from wiretrace_testing.extraction_score import load_pages

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")


def page(i: int) -> tuple[str, str, str]:
    """(url, html, body) of a corpus page with a body long enough to index."""
    pages = [p for p in load_pages() if len(p[2].split()) >= 150]
    return pages[i]


def member(item: ArticleInput, first_seen: str) -> Member:
    draft = draft_article(item, SETTINGS)
    draft.meta.first_seen = first_seen
    return Member(draft.id, signature(draft.text), draft.meta)


def pair(a: Member, b: Member) -> PairScore:
    return score(a.sig, b.sig)


def test_hours_apart_with_full_timestamps_decide_not_first_seen() -> None:
    url, _, body = page(0)
    orig = member(ArticleInput(url=url, text=body, published="2024-05-02T08:00:00Z"),
                  "2024-05-02T20:00:00.000Z")
    copy = member(ArticleInput(url="https://copydesk.example/news/1", text=body,
                               published="2024-05-02T11:30:00Z"), "2024-05-02T19:00:00.000Z")
    choice = choose_original([copy, orig], pair, SETTINGS)
    assert choice.original == orig.id
    assert choice.evidence[0].startswith("published: 2024-05-02T08:00:00Z")


def test_aggregator_read_the_full_story_at_is_not_the_original() -> None:
    _, _, body = page(1)
    teaser = "\n".join(body.split("\n")[:3])
    agg_html = ("<html><head><title>Digest</title></head><body><article>"
                + "".join(f"<p>{p}</p>" for p in teaser.split("\n"))
                + "<p>Read the full story at CNN Business <a href='https://www.cnn.com/"
                  "2024/05/02/business/story/index.html'>here</a></p></article></body></html>")
    agg = member(extract(agg_html, "https://aggregator.example/brief/77"),
                 "2024-05-02T10:00:00.000Z")
    cnn = member(ArticleInput(url="https://www.cnn.com/2024/05/02/business/story/index.html",
                              text=body, site_name="CNN"), "2024-05-02T12:00:00.000Z")
    choice = choose_original([agg, cnn], pair, SETTINGS)
    assert choice.original == cnn.id, choice.evidence


def test_backdating_republisher_does_not_outvote_attributed_members() -> None:
    _, _, body = page(2)
    orig = member(ArticleInput(url="https://metroherald.example/news/2024/story", text=body,
                               site_name="Metro Herald", published="2024-05-02T09:00:00Z"),
                  "2024-05-03T00:00:00.000Z")
    backdater = member(ArticleInput(url="https://farm.example/p/1", text=body,
                                    published="2024-04-30T09:00:00Z"),
                       "2024-05-01T00:00:00.000Z")
    attributed = [member(ArticleInput(
        url=f"https://paper{i}.example/s/1", text=body + "\nThis story originally appeared "
        "in Metro Herald.", published="2024-05-02T12:00:00Z"), f"2024-05-0{i}T00:00:00.000Z")
        for i in (1, 2)]
    members = [backdater, *attributed, orig]
    choice = choose_original(members, pair, SETTINGS, {"farm.example"})
    assert choice.original == orig.id
    assert choice.confidence >= 0.9


def test_a_real_article_under_a_script_url_with_a_query_is_not_a_listing() -> None:
    _, html, body = page(3)
    got = extract(html, "https://news.example.kr/news/news_view.html?idx=8576&page=1&sc=2")
    assert len(got.text or "") > 0.5 * len(body)


def test_a_tag_page_is_still_a_listing() -> None:
    links = "".join(f"<li><a href='/a/{i}'>Headline number {i} of the day</a></li>"
                    for i in range(40))
    from dedup.errors import InputError
    with pytest.raises(InputError, match="not an article"):
        extract(f"<html><body><ul>{links}</ul></body></html>", "https://x.example/tag/politics")


def test_meta_is_a_pure_input() -> None:
    """choose_original reads nothing but its arguments: the same members twice, same answer."""
    url, _, body = page(0)
    a = Member("a" * 16, signature(body), ArticleMeta(url=url, site="x.example"))
    b = Member("b" * 16, signature(body), ArticleMeta(url="https://y.example/1",
                                                     site="y.example"))
    first = choose_original([a, b], pair, SETTINGS, {"x.example"})
    assert choose_original([b, a], pair, SETTINGS, {"x.example"}).original == first.original
