"""Published times from all structured markup, not only article:published_time and JSON-LD
(issue 12, "dates with their precision"; fourth pass): microdata ``datePublished``, the meta
names news sites use, and a ``<time datetime>`` on the day the page's date says. Before,
these pages' dates were read as days, and copies a few hours later fell to first_seen."""

from datetime import timedelta

import pytest

from dedup.config import Settings
from dedup.dates import dated
from dedup.extraction import extract
from dedup.models import ArticleInput
from dedup.prepare import draft_article
from dedup.provenance import Member, choose_original
from dedup.scoring import PairScore, score
from dedup.signature import signature
from wiretrace_testing.extraction_score import load_pages

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
MARGIN = timedelta(hours=SETTINGS.date_margin_hours)
pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")


def page(host: str) -> tuple[str, str, str]:
    return next(p for p in load_pages() if host in p[0])


@pytest.mark.parametrize("host", ["therepublic.com", "sputniknews.com", "jpost.com",
                                  "mysanantonio.com"])
def test_corpus_pages_give_their_time_of_day(host: str) -> None:
    url, html, _ = page(host)
    published = extract(html, url).published
    d = dated(published, MARGIN)
    assert d is not None and d.precise, published


def test_a_time_element_off_the_pages_day_is_not_taken() -> None:
    url, html, _ = page("therepublic.com")
    # a sidebar story's time, another day, first on the page: not this page's time
    html = html.replace("<body", "<aside><time datetime='2019-10-02T10:00:00Z'>Oct 2</time>"
                        "</aside><body", 1) if "<body" in html else html
    published = extract(html, url).published
    assert published is None or not published.startswith("2019-10-02"), published


def test_a_copy_hours_later_is_told_by_the_time_in_markup() -> None:
    url, html, _ = page("therepublic.com")
    item = extract(html, url)
    orig = draft_article(item, SETTINGS)
    orig.meta.first_seen = "2024-05-10T00:00:02.000Z"
    when = dated(orig.meta.published, MARGIN)
    assert when is not None and when.precise
    later = (when.when + timedelta(hours=3)).isoformat()
    copy = draft_article(ArticleInput(url="https://copier.example/c/1", text=item.text,
                                      published=later), SETTINGS)
    copy.meta.first_seen = "2024-05-10T00:00:01.000Z"  # found first
    members = [Member(d.id, signature(d.text), d.meta) for d in (copy, orig)]

    def pair(a: Member, b: Member) -> PairScore:
        return score(a.sig, b.sig)

    choice = choose_original(members, pair, SETTINGS)
    assert choice.original == orig.id, choice.evidence
