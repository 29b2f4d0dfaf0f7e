"""Credits written in words the rules were not written for (issue 12, fourth pass).

The cue list was written with the tuned half's eight phrasings in view and read few others
(a perturbation check, ``WEBGEN_PERTURB=1`` on tuned seeds, and a list of common credit lines
written for it: see the README, "Benchmarks you can't tune to"). Each case is built on pages
of the shared corpus: a backdated copy that credits the original in one of these phrasings is
not the original, whatever its date says."""

import pytest

from dedup.attribution import attribution_lines, named_sources
from dedup.claims import claims_of, credits_another_site
from dedup.config import Settings
from dedup.models import ArticleInput
from dedup.prepare import draft_article
from dedup.provenance import Member, choose_original
from dedup.publishers import names_site
from dedup.scoring import PairScore, score
from dedup.signature import signature
from wiretrace_testing.extraction_score import load_pages

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")

# credit lines as sites write them, none of them among the tuned half's phrasings
PHRASINGS = (
    "The post {title} appeared first on {name}.",
    "This story appeared first on {name}.",
    "This article appeared in {name}.",
    "Reproduced with permission from {name}.",
    "Reposted from {name}",
    "Adapted from an article by {name}.",
    "This article is republished from {name} under a Creative Commons license.",
    "Published in partnership with {name}.",
    "This story is published via a content partnership with {name}.",
    "This report first ran in {name}.",
    "Originally from {name}",
    "Distributed by {name}.",
    "Read the original at {name}.",
    "See the original story at {domain}",
    "Sourced from {name}",
    "Content from {name}, used with permission.",
    "Courtesy: {name}",
    "Via {name}",
)


def paragraphs(i: int) -> list[str]:
    pages = [p for p in load_pages() if len(p[2].split()) >= 300]
    return [p for p in pages[i][2].split("\n") if len(p.split()) >= 12]


def member(url: str, text: str, published: str | None, first_seen: str,
           site_name: str | None = None) -> Member:
    draft = draft_article(ArticleInput(url=url, text=text, published=published,
                                       site_name=site_name), SETTINGS)
    draft.meta.first_seen = first_seen
    return Member(draft.id, signature(draft.text), draft.meta)


def pair(a: Member, b: Member) -> PairScore:
    return score(a.sig, b.sig)


@pytest.mark.parametrize("phrasing", PHRASINGS)
def test_a_credit_in_other_words_names_the_source(phrasing: str) -> None:
    line = phrasing.format(title="Storm hits the coast", name="Harbor Gazette",
                           domain="harborgazette.example")
    assert attribution_lines(f"A paragraph of the story itself.\n{line}") == [line]
    (name,) = named_sources(line)
    assert names_site(name, "harborgazette.example", "Harbor Gazette"), name


@pytest.mark.parametrize("phrasing", PHRASINGS)
def test_a_backdated_copy_crediting_the_original_in_other_words_is_no_original(
        phrasing: str) -> None:
    text = "\n".join(paragraphs(3))
    orig = member("https://harborgazette.example/news/2024/05/02/story", text,
                  "2024-05-02T09:00:00Z", "2024-05-10T00:00:02.000Z", "Harbor Gazette")
    line = phrasing.format(title="The story", name="Harbor Gazette",
                           domain="harborgazette.example")
    # a copy dated two days earlier, found first: only its credit says where it is from
    copy = member("https://early.example/a/9", text + "\n" + line, "2024-04-30T08:00:00Z",
                  "2024-05-10T00:00:01.000Z")
    choice = choose_original([copy, orig], pair, SETTINGS)
    assert choice.original == orig.id, (line, choice.evidence)
    assert choice.confidence >= 0.9


def test_words_around_a_name_are_not_the_name() -> None:
    for name in ("the Harbor Gazette website", "Harbor Gazette’s", "our partners at the "
                 "Harbor Gazette", "Harbor Gazette newspaper"):
        assert names_site(name, "harborgazette.example", None), name
    assert not names_site("Harbor", "harborgazette.example", None)
    assert not names_site("Other Paper", "harborgazette.example", "Harbor Gazette")


def test_a_via_line_or_an_adapted_from_its_source_rules_no_page_out() -> None:
    text = "\n".join(paragraphs(5))
    for line in ("Via SyndiGate.info", "This article has been adapted from its original "
                 "source.", "Courtesy: NASA", "Courtesy of John Smith"):
        meta = draft_article(ArticleInput(url="https://www.albawaba.example/news/1",
                                          text=f"{text}\n{line}"), SETTINGS).meta
        assert not credits_another_site(meta), (line, claims_of(meta))
    # a credit that says where the text is from still does
    meta = draft_article(ArticleInput(url="https://www.albawaba.example/news/1",
                                      text=f"{text}\nReposted from syndigate.info"),
                         SETTINGS).meta
    assert credits_another_site(meta)


def test_a_digest_credit_block_is_read() -> None:
    # "Sources: <a>A</a> <a>B</a>": a digest's credits (its links are read with the block)
    line = "Sources: Fox Business The Guardian"
    assert attribution_lines(f"Two stories in one page.\n{line}") == [line]


def test_a_sites_read_more_on_itself_by_clicking_here_credits_no_one() -> None:
    # Fox Business pages end "READ MORE ON FOX BUSINESS BY CLICKING HERE": the name is the
    # site's own (tuned seed 73: the original taken for a page crediting another site)
    from dedup.extraction import extract

    url, html, _ = next(p for p in load_pages() if "foxbusiness.com/markets/home-depot" in p[0])
    meta = draft_article(extract(html, url), SETTINGS).meta
    assert meta.attribution and not credits_another_site(meta), claims_of(meta)
