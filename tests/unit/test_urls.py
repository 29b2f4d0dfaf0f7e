import pytest

from dedup.errors import InputError
from dedup.publishers import identity_url, site_host
from dedup.urls import normalize_url


@pytest.mark.parametrize(("raw", "norm"), [
    ("HTTPS://WWW.Example.COM:443/a?utm_source=x&b=2&a=1#frag", "https://www.example.com/a?a=1&b=2"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/x/amp/", "http://example.com:8080/x"),
    ("https://example.com/story?fbclid=abc&id=7", "https://example.com/story?id=7"),
])
def test_normalize(raw: str, norm: str) -> None:
    assert normalize_url(raw) == norm


@pytest.mark.parametrize("bad", ["", "ftp://example.com/x", "javascript:alert(1)", "http://",
                                 "http://[::1"])
def test_bad_urls_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError):
        normalize_url(bad)


def test_same_site_canonical_is_identity_cross_domain_is_not() -> None:
    assert identity_url("https://amp.news.example/s/amp", "https://www.news.example/s") == \
        "https://www.news.example/s"
    assert identity_url("https://copy.example/x", "https://orig.example/y") == \
        "https://copy.example/x"
    assert site_host("https://www.news.example/a") == "news.example"
