"""Issue 12, seventh pass (part A): a copy of a real page's article is a copy, whatever the
original's extraction carries around the article.

A real page's extraction holds more than its article: a standfirst, "About Ascom", related
headlines, a caption block. A copier takes the article (webgen builds copies from the pages'
human-checked bodies); against the original's extracted text the copy then reproduces
0.57-0.84 of the words in place, and the passages rule answered it partial. The article
itself, from the first line the copy reproduces to the last, it keeps whole."""

import pytest

from dedup.scoring import full_copy
from wiretrace_testing.copy_check import SETTINGS, UNDATED, compare, extracted
from wiretrace_testing.extraction_score import load_pages
from wiretrace_testing.webgen import copies
from wiretrace_testing.webgen.layouts import LAYOUTS, Parts

pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")


def test_the_article_put_on_a_copier_s_layout_is_a_copy_of_the_page() -> None:
    """Each real page's body on a written layout, extracted, against the page's extraction:
    where containment leaves the role to the texts and no passage is left out, it is a copy
    (before this pass, 7 of them were partials: cbssports.com, ascom.com, inexhibit.com)."""
    checked, partials = 0, []
    for url, html, body in load_pages():
        ref = extracted(html, url)
        if ref is None:
            continue
        for name, layout in LAYOUTS.tuned:
            page = layout(Parts("A copied story", copies.paragraphs(body), "Copier", UNDATED,
                                "", "after"))
            text = extracted(page, "https://copier.example/a/1")
            if text is None:
                continue
            s, found = compare(ref, text)
            if found is None or found.left_out > 0:
                continue
            checked += 1
            if not full_copy(s, SETTINGS, found):
                partials.append((url, name, round(s.b_in_a, 3), found))
    assert checked >= 10
    assert not partials, partials
