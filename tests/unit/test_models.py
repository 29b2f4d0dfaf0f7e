"""Signals: one list of provenance fields for what goes in and what is stored."""

from dataclasses import fields

from dedup.models import SIGNAL_FIELDS, ArticleInput, ArticleMeta, Draft, Prepared, Signals
from dedup.signature import signature

FULL = ArticleMeta(
    url="https://paper.example/a", site="paper.example", title="T", published="2024-01-02Z",
    modified="2024-01-03Z", site_name="Paper", author="A. Writer", language="en",
    canonical_url="https://paper.example/a", og_url="https://paper.example/a?og",
    original_source=["https://origin.example/x"], syndication_source=["Origin"],
    is_based_on=["https://origin.example/y"], attribution=["Source: origin.example"],
    wire=["AP"], source_links=["https://origin.example/z"], noindex=True,
    first_seen="2024-01-04T00:00:00.000Z")


def test_every_signal_is_stored_and_read_back() -> None:
    assert {f.name for f in fields(Signals)} == set(SIGNAL_FIELDS)
    assert all(getattr(FULL, name) not in (None, [], False) for name in SIGNAL_FIELDS)
    assert ArticleMeta.from_json(FULL.to_json()) == FULL


def test_signals_go_from_a_stored_article_to_an_input_and_back() -> None:
    item = ArticleInput.of(FULL.signals(), url=FULL.url, text="t", site=FULL.site)
    assert item.signals() == FULL.signals()
    again = ArticleMeta.of(item.signals(), url=FULL.url, site=FULL.site,
                           first_seen=FULL.first_seen)
    assert again == FULL
    item.attribution.append("another line")  # lists are copies
    assert FULL.attribution == ["Source: origin.example"]


def test_articles_stored_by_earlier_versions_still_read() -> None:
    old = (b'{"url":"https://paper.example/a","site":"paper.example","title":"T",'
           b'"published":"2024-01-02Z","attribution":["Source: origin.example"],'
           b'"noindex":true,"first_seen":"2024-01-04T00:00:00.000Z","retired_field":1}')
    meta = ArticleMeta.from_json(old)
    assert meta.title == "T" and meta.noindex and meta.attribution == ["Source: origin.example"]
    assert ArticleMeta.from_json(meta.to_json()) == meta


def test_empty_signals_are_left_out_of_the_stored_json() -> None:
    meta = ArticleMeta(url="https://a.example/1", site="a.example")
    assert meta.to_json() == b'{"url":"https://a.example/1","site":"a.example"}'


def test_a_prepared_article_is_its_draft_signed() -> None:
    draft = Draft("0" * 16, FULL, "some text", [], b"z", b"k" * 8)
    sig = signature("some text")
    prepared = Prepared.signed(draft, sig, b"bands")
    assert prepared.meta is FULL and prepared.line_keys == b"k" * 8 and prepared.sig is sig
