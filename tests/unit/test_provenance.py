"""choose_original and assign_roles: pure decisions over members, no Redis."""

from typing import Any

from dedup.config import Settings
from dedup.models import ArticleMeta
from dedup.ordering import CONF_DATES
from dedup.provenance import Member, assign_roles, choose_original
from dedup.scoring import PairScore, score
from dedup.signature import signature
from wiretrace_testing.stories import excerpt, story, wrapped_copy

SETTINGS = Settings(redis_url="redis://unused.invalid:1")


def member(mid: str, url: str, text: str, **meta: Any) -> Member:
    site = url.split("/")[2]
    fields = {"first_seen": "2024-01-01T00:00:00.000Z", **meta}
    return Member(mid, signature(text), ArticleMeta(url=url, site=site, **fields))


def pair(a: Member, b: Member) -> PairScore:
    return score(a.sig, b.sig)


TEXT = story(1)


def test_an_attribution_names_the_original_whatever_the_dates() -> None:
    orig = member("a" * 16, "https://origin.example/s", TEXT,
                  published="2024-03-02T00:00:00Z", site_name="Origin")
    copy = member("b" * 16, "https://farm.example/s", wrapped_copy(TEXT),
                  published="2024-03-01T00:00:00Z",  # backdated
                  attribution=["This article originally appeared on origin.example"])
    choice = choose_original([copy, orig], pair, SETTINGS)
    assert choice.original == orig.id and choice.confidence == 0.93
    assert choice.attributed_to == {copy.id: "origin.example"}
    verdicts = assign_roles([copy, orig], choice, pair, SETTINGS)
    assert verdicts[orig.id].role == "original"
    assert verdicts[copy.id].role == "copy" and verdicts[copy.id].original == orig.id
    assert (verdicts[copy.id].containment or 0) > 0.9


def test_an_exact_canonical_is_the_strongest_evidence() -> None:
    orig = member("a" * 16, "https://origin.example/s", TEXT)
    copy = member("b" * 16, "https://farm.example/s", wrapped_copy(TEXT),
                  canonical_url="https://origin.example/s")
    choice = choose_original([orig, copy], pair, SETTINGS)
    assert choice.original == orig.id and choice.confidence == 0.97


def seen_second_and_first(second_text: str, second_published: str, first_text: str,
                          first_published: str) -> tuple[Member, Member]:
    """Two members on two sites: the first seen one day after the second."""
    return (member("a" * 16, "https://one.example/s", second_text, published=second_published,
                   first_seen="2024-04-02T00:00:00.000Z"),
            member("b" * 16, "https://two.example/s", first_text, published=first_published,
                   first_seen="2024-04-01T00:00:00.000Z"))


def test_without_claims_the_earlier_date_beyond_the_margin_wins() -> None:
    early, late = seen_second_and_first(TEXT, "2024-03-01T00:00:00Z", wrapped_copy(TEXT),
                                        "2024-03-05T00:00:00Z")
    choice = choose_original([late, early], pair, SETTINGS)
    # midnight dates count as days; dates alone are a guess (see dedup.ordering.CONF_DATES)
    assert choice.original == early.id and choice.confidence == CONF_DATES
    assert choice.evidence[0].startswith("published: 2024-03-01")


def test_dates_within_the_margin_leave_it_to_first_seen_and_structure() -> None:
    full, short = seen_second_and_first(TEXT, "2024-03-01T00:00:00Z", excerpt(TEXT),
                                        "2024-03-01T12:00:00Z")
    choice = choose_original([short, full], pair, SETTINGS)
    # seen first, but an excerpt of the other: not its source
    assert choice.original == full.id
    assert "structure: the others are excerpts of it" in choice.evidence
    roles = assign_roles([short, full], choice, pair, SETTINGS)
    assert roles[short.id].role == "partial" and roles[full.id].role == "original"


def test_a_republisher_is_not_taken_for_the_original_without_evidence() -> None:
    farm = member("a" * 16, "https://farm.example/s", TEXT, first_seen="2024-04-01T00:00:00.000Z")
    paper = member("b" * 16, "https://paper.example/s", TEXT,
                   first_seen="2024-04-02T00:00:00.000Z")
    choice = choose_original([farm, paper], pair, SETTINGS, {"farm.example"})
    assert choice.original == paper.id
    assert choice.evidence[0].startswith("prior: farm.example")


def test_every_member_naming_an_unindexed_source_leaves_no_original() -> None:
    a = member("a" * 16, "https://one.example/s", TEXT,
               canonical_url="https://elsewhere.example/original")
    b = member("b" * 16, "https://two.example/s", wrapped_copy(TEXT),
               canonical_url="https://elsewhere.example/original")
    choice = choose_original([a, b], pair, SETTINGS)
    assert choice.original is None
    verdicts = assign_roles([a, b], choice, pair, SETTINGS)
    assert {v.role for v in verdicts.values()} == {"copy"}
    assert all(v.attributed_to == "https://elsewhere.example/original"
               for v in verdicts.values())


def test_one_member_is_unique() -> None:
    only = member("a" * 16, "https://one.example/s", TEXT)
    choice = choose_original([only], pair, SETTINGS)
    assert assign_roles([only], choice, pair, SETTINGS)[only.id].role == "unique"


def test_a_credit_from_outside_the_cluster_outweighs_a_backdated_date() -> None:
    """No member names another; a digest elsewhere in the index takes part of the text and
    links the original's page: that credit decides, not the copy's earlier date. A member
    that names another source itself is not chosen so; without the credit, dates decide."""
    orig = member("a" * 16, "https://origin.example/s", TEXT,
                  published="2024-03-02T09:00:00Z")
    back = member("b" * 16, "https://farm.example/s", wrapped_copy(TEXT),
                  published="2024-02-28T09:00:00Z")  # a republisher's, two days early
    credit = [("digest.example", "link: https://origin.example/s")]
    assert choose_original([back, orig], pair, SETTINGS).original == back.id
    choice = choose_original([back, orig], pair, SETTINGS, cited={orig.id: credit})
    assert choice.original == orig.id and choice.confidence == 0.9, choice.evidence
    assert choice.evidence == ["link: https://origin.example/s (from digest.example, "
                               "outside the cluster)"]
    crediting = member("a" * 16, "https://origin.example/s", TEXT,
                       published="2024-03-02T09:00:00Z",
                       attribution=["This article originally appeared on other.example"])
    assert choose_original([back, crediting], pair, SETTINGS,
                           cited={crediting.id: credit}).original != crediting.id
