"""Pages whose extraction returns their site's template, not their article (issue 12,
fourth pass; tuned seeds 41, 45, 56): a real page serving as a republisher's layout whose
sidebars and headline lists extraction takes for the article when the article is short, so
several pages of that site read the same. Once the site's template is learned, such a page
is signed on what is its own (here nothing: its id), and links to nothing."""

from collections import Counter

import pytest

from dedup.boilerplate import content_lines, line_key, signature_text
from dedup.config import Settings
from dedup.extraction import extract
from dedup.params import PARAMS
from dedup.prepare import draft_article, sign
from dedup.scoring import related, score
from wiretrace_testing.corpus import PAGES
from wiretrace_testing.extraction_score import load_pages
from wiretrace_testing.webgen.web import generate

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")


def test_pages_reading_as_their_template_are_not_linked_copies_still_are() -> None:
    web = generate(41, PAGES)  # a tuned seed: a real page's layout whose extraction fails
    site = [p for p in web.pages if p.host == "infostream24.test"]
    assert site and all(p.layout.startswith("real:") for p in site)
    drafts = [draft_article(extract(p.html, p.url(None)), SETTINGS) for p in site]
    # the site's template as the index learns it: lines that 4 or more of its pages carry
    seen = Counter(k for d in drafts for k in {line_key(ln) for ln in content_lines(d.text)})
    template = {k for k, n in seen.items() if n >= SETTINGS.template_min_pages + 1}
    short = [d for d in drafts if len(d.text.split()) < 100]
    assert len(short) >= 2 and short[0].text == short[1].text  # the template's text, twice
    a, b = (sign(d, PARAMS, template) for d in short[:2])
    assert not related(score(a.sig, b.sig), True, SETTINGS)
    # before, without the template learned, they read as one article
    a0, b0 = (sign(d, PARAMS) for d in short[:2])
    assert related(score(a0.sig, b0.sig), True, SETTINGS)
    # a page of the site with an article of its own keeps it
    long = [d for d in drafts if len(d.text.split()) >= 400]
    assert long and all(len(signature_text(d.text, template).split()) >= 100 for d in long)
