"""dedup.publishers: the one module that says which sites and publishers URLs and names mean."""

import pytest

from dedup.errors import InputError
from dedup.publishers import (
    names_site,
    publisher_label,
    same_publisher,
    site_host,
    site_of,
    url_identity,
)
from dedup.urls import article_id, normalize_url


@pytest.mark.parametrize(("a", "b"), [
    ("https://www.example.com/a/b/", "http://example.com/a/b"),
    ("https://example.com/a?b=2&a=1&utm_source=feed", "https://example.com/a/?a=1&b=2"),
    ("https://example.com:443/a#comments", "HTTPS://EXAMPLE.COM/a"),
    ("https://example.com/news/story/amp/", "https://example.com/news/story"),
    ("https://example.com/caf\u00e9", "https://example.com/caf%C3%A9"),
])
def test_url_identity_folds_the_ways_of_writing_one_page(a: str, b: str) -> None:
    assert url_identity(a) == url_identity(b)


@pytest.mark.parametrize(("a", "b"), [
    ("https://example.com/a", "https://example.com/b"),
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://news.example.com/a", "https://example.com/a"),  # a subdomain is another host
    ("https://example.com:8080/a", "https://example.com/a"),
])
def test_url_identity_keeps_pages_apart(a: str, b: str) -> None:
    assert url_identity(a) != url_identity(b)


def test_url_identity_form_and_errors() -> None:
    assert url_identity("HTTP://WWW.Example.com:80/a/b/?b=2&a=1#top") == "example.com/a/b?a=1&b=2"
    assert url_identity("https://example.com/") == "example.com"
    with pytest.raises(InputError):
        url_identity("ftp://example.com/file")


def test_article_ids_stay_those_of_the_normalised_url() -> None:
    # existing indexes store these ids: they are not folded like url_identity
    assert article_id(normalize_url("https://www.example.com/a/")) == \
        article_id("https://www.example.com/a/")
    assert article_id(normalize_url("http://example.com/a")) != \
        article_id(normalize_url("https://example.com/a"))


@pytest.mark.parametrize(("url", "site"), [
    ("https://www.bbc.co.uk/news/x", "bbc.com"),  # multi-part suffix, then an edition
    ("https://news.telegraph.co.uk/a", "telegraph.co.uk"),
    ("https://www.abc.net.au/news/a", "abc.net.au"),
    ("https://edition.cnn.com/2024/a", "cnn.com"),
    ("https://www.businessinsider.de/a", "businessinsider.com"),
    ("https://businessinsider.com/b", "businessinsider.com"),
    ("https://www.theguardian.com/a", "theguardian.com"),
    ("http://www.guardian.co.uk/a", "theguardian.com"),
    ("https://someone.blogspot.com/2024/a", "someone.blogspot.com"),  # private suffix
    ("http://news.origin.example/a", "origin.example"),  # no public suffix: last two labels
    ("http://127.0.0.1:8080/a", "127.0.0.1"),
    ("http://localhost/a", "localhost"),
    ("news.bbc.co.uk", "bbc.com"),  # a bare host
])
def test_site_of_is_the_registrable_domain_with_editions_folded(url: str, site: str) -> None:
    assert site_of(url) == site


def test_site_host_is_what_articles_are_stored_under() -> None:
    assert site_host("https://www.news.example/a") == "news.example"
    assert site_host("https://News.BBC.co.uk/a") == "news.bbc.co.uk"


def test_publishers_and_their_editions() -> None:
    assert publisher_label("news.telegraph.co.uk") == "telegraph"
    assert same_publisher("businessinsider.de", "businessinsider.com")
    assert same_publisher("news.telegraph.co.uk", "telegraph.com")
    assert same_publisher("bbc.co.uk", "bbc.com")  # a known edition: the name is too short
    assert not same_publisher("abc.net.au", "abc.com")  # short names collide: not trusted
    assert not same_publisher("abc.net.au", "abcnews.go.com")
    assert not same_publisher("one.blogspot.com", "two.blogspot.com")


def test_names_site_knows_domains_names_and_wires() -> None:
    assert names_site("https://www.aljazeera.com/x", "aljazeera.com", None)
    assert names_site("The Telegraph", "telegraph.co.uk", None)
    assert names_site("The Guardian", "theguardian.com", "The Guardian")
    assert names_site("Al Jazeera News", "aljazeera.com", "Al Jazeera")
    assert names_site("Associated Press", "apnews.com", None)
    assert names_site("AP", "apnews.com", None)
    assert not names_site("Reuters", "apnews.com", None)
    assert not names_site("nbcnews.com", "farm.example", None)
