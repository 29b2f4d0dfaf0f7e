"""Error classes diagnosed on tuned seeds (0-29) after issue 12's first rules, rebuilt on
pages of the shared corpus: a paragraph quoted inside a page of its own is no partial copy;
a member that a date surely follows is not chosen by first_seen when dates leave a tie."""

import pytest

from dedup.config import Settings
from dedup.models import ArticleInput
from dedup.prepare import draft_article
from dedup.provenance import Member, choose_original
from dedup.scoring import PairScore, related, score
from dedup.signature import signature
from wiretrace_testing.extraction_score import load_pages

SETTINGS = Settings(redis_url="redis://unused.invalid:1")
pytestmark = pytest.mark.skipif(not load_pages(1), reason="the shared corpus is not present")


def paragraphs(i: int) -> list[str]:
    pages = [p for p in load_pages() if len(p[2].split()) >= 300]
    return [p for p in pages[i][2].split("\n") if len(p.split()) >= 12]


def member(url: str, text: str, published: str | None, first_seen: str) -> Member:
    draft = draft_article(ArticleInput(url=url, text=text, published=published), SETTINGS)
    draft.meta.first_seen = first_seen
    return Member(draft.id, signature(draft.text), draft.meta)


def pair(a: Member, b: Member) -> PairScore:
    return score(a.sig, b.sig)


def test_a_page_quoting_one_paragraph_is_not_related_an_excerpt_is() -> None:
    story = paragraphs(1)[:4]  # a short news item
    own = "\n".join(p for k in (8, 9) for p in paragraphs(k))  # the page's own story
    original = signature("\n".join(story))
    quoting = signature(own[: len(own) // 2] + "\n" + story[1] + "\n" + own[len(own) // 2:])
    excerpt = signature("\n".join(story[:2]))
    s = score(quoting, original)
    assert s.b_in_a >= SETTINGS.partial_containment  # enough of the item for a partial...
    assert not related(s, False, SETTINGS)  # ...but a quote inside a story of its own
    assert related(score(excerpt, original), False, SETTINGS)


def test_dates_rule_out_a_later_member_even_when_they_leave_a_tie() -> None:
    story = paragraphs(4)
    text = "\n".join(story)
    rewrite = "\n".join(["Readers asked us about this one.", *story[::2]])
    orig = member("https://origin.example/news/1", text, "2024-05-02T09:00:40Z",
                  "2024-05-10T00:00:02.000Z")
    # a day-only copy of the same day: dates cannot tell it from the original
    same_day = member("https://daily.example/n/1", text, "2024-05-02",
                      "2024-05-10T00:00:03.000Z")
    # a rewrite found first, dated eight days later: never the original
    late = member("https://rewriter.example/s/1", rewrite, "2024-05-10T21:00:40Z",
                  "2024-05-10T00:00:01.000Z")
    choice = choose_original([late, same_day, orig], pair, SETTINGS)
    assert choice.original != late.id, choice.evidence
