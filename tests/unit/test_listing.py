"""Article or listing by what the page holds, not its URL's shape: short real news pages (an
excerpt of a corpus page, on the generator's tuned layouts without their og:type: many real
pages carry no structured data) under a script URL with a ``page=`` query are articles; a
section page of teaser cards made of the same corpus text is still a listing."""

import random

import pytest

from dedup.errors import InputError
from dedup.extraction import extract
from wiretrace_testing.copy_check import UNDATED
from wiretrace_testing.extraction_score import load_pages
from wiretrace_testing.webgen import copies
from wiretrace_testing.webgen.layouts import LAYOUTS, Parts

pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")

URL = "https://syndic.example/index.php?view=story&no=4417&page=1"
OG_TYPE = "<meta property='og:type' content='article'>"


def _short_pages() -> list[tuple[str, str]]:
    """(layout, html) of the leading quarter to half of each of 40 corpus pages, 60 words or
    more (what can be indexed and matched), on each tuned layout."""
    rng = random.Random(3)
    out = []
    for _, _, body in load_pages(40):
        paras = copies.excerpt(copies.paragraphs(body), rng.uniform(0.25, 0.45))
        if sum(len(p.split()) for p in paras) < 60:
            continue
        for name, render in LAYOUTS.tuned:
            html = render(Parts("A short story", paras, "Syndic", UNDATED, "", "after"))
            out.append((name, html.replace(OG_TYPE, "")))
    return out


def test_short_articles_under_a_paged_script_url_are_articles() -> None:
    skipped = []
    for layout, html in _short_pages():
        try:
            extract(html, URL)
        except InputError as exc:
            skipped.append(f"{layout}: {exc}")
    assert not skipped, skipped


def test_a_section_page_of_teaser_cards_is_still_a_listing() -> None:
    cards = []
    for i, (_, _, body) in enumerate(load_pages(12)):
        summary = copies.paragraphs(body)[0][:120]
        cards.append(f"<div class='card'><h2><a href='/index.php?view=story&no={i}'>"
                     f"Headline {i} of the day</a></h2><p>{summary}</p></div>")
    html = f"<html><body><h1>World</h1>{''.join(cards)}</body></html>"
    with pytest.raises(InputError, match="not an article"):
        extract(html, "https://syndic.example/index.php?view=section&cat=world&page=2")
