"""Extraction on pages written here: dates that are not dates, signals of origin."""

import pytest
import trafilatura
from lxml import etree
from trafilatura.settings import Document
from trafilatura.utils import load_html

from dedup.extraction import TextOptions, _text_of, extract
from dedup.prepare import iso_utc
from wiretrace_testing.crawlsites import farm_page
from wiretrace_testing.extraction_score import load_pages
from wiretrace_testing.stories import story


def test_a_copyright_year_is_not_a_publication_date() -> None:
    # no date in the markup; htmldate would read "Copyright 2019" as 2019-01-01
    page = farm_page("A story", story(1).split("\n\n"), None, "")
    assert "Copyright 2019" in page
    assert extract(page, "https://farm.example/a").published is None
    dated = farm_page("A story", story(1).split("\n\n"), "2024-05-02T10:00:00Z", "")
    assert extract(dated, "https://farm.example/a").published == "2024-05-02T10:00:00Z"


def test_impossible_dates_are_no_dates() -> None:
    assert iso_utc("0001-01-01T00:00:00Z") is None  # a template default
    assert iso_utc("2999-03-01") is None
    assert iso_utc("2019-11-19T08:16:00-05:00") == "2019-11-19T13:16:00Z"
    assert iso_utc("2019-11-19") == "2019-11-19T00:00:00"


@pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")
@pytest.mark.parametrize("fast", [True, False])
def test_text_read_on_the_tree_itself_is_bare_extractions(fast: bool) -> None:
    # _text_of does what bare_extraction does once the tree is loaded, without its copy of
    # the tree: held equal on the real pages (the slow reading, with its fallbacks, on some)
    pages = load_pages() if fast else load_pages()[::9]
    for url, html, _ in pages:
        want = trafilatura.bare_extraction(load_html(html), url=url, with_metadata=False,
                                           include_comments=False, fast=fast)
        got = _text_of(load_html(html), url, fast=fast)
        assert isinstance(want, Document) and isinstance(got, Document), url
        assert got.text == want.text and got.raw_text == want.raw_text, url
        assert etree.tostring(got.body) == etree.tostring(want.body), url
        assert got.language == want.language, url
    # a page with no text: None, as bare_extraction gives
    empty = "<html><body><div></div></body></html>"
    assert trafilatura.bare_extraction(load_html(empty), fast=fast) is None
    assert _text_of(load_html(empty), "https://a.example/", fast=fast) is None


def test_the_fallback_reads_the_page_again_slowly() -> None:
    page = farm_page("A story", story(1).split("\n\n"), None, "")
    words = len(extract(page, "https://farm.example/a").text.split())
    # fewer words than asked for: read again without fast (the same text on this page)
    again = extract(page, "https://farm.example/a",
                    options=TextOptions(fast=True, fallback_below_words=words + 1))
    assert again.text == extract(page, "https://farm.example/a",
                                 options=TextOptions(fast=False)).text
