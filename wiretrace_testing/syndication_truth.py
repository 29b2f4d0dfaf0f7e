"""What the syndication benchmark expects of each page, and the copy types it builds."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from dedup.publishers import same_publisher, site_host
from wiretrace_testing.crawlsites import Original


@dataclass
class Expected:
    url: str  # the served URL
    kind: str  # verbatim | canonical | excerpt | rewrite | negative | original
    role: str | None  # copy | partial | None (no link) | original
    original: str | None  # the original's real URL
    source: str | None = None  # the publisher the "original" itself names as its source
    also: str | None = None  # a second story the page reuses (a digest): linking to it is right


def declared_source(o: Original) -> str | None:
    """The publisher a page names in its own markup as the origin of its text: a rel=canonical,
    og:url, original-source or syndication-source on another publisher's site (an MSN page
    whose canonical is on cnn.com). Read from the HTML with lxml, not with wiretrace's
    extraction: it is a fact of the page. Such a page is a republication, not an original."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(o.html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content",
                  "//meta[@name='original-source']/@content",
                  "//meta[@name='syndication-source']/@content"):
        for value in tree.xpath(xpath):
            host = urlsplit(str(value).strip()).hostname
            if host and not same_publisher(host.lower(), o.host.lower()):
                return site_host(str(value).strip())
    return None


KINDS = {
    "verbatim": "the full text on a farm, portal or aggregator template, attribution lines "
                "of many phrasings or none (expected: copy)",
    "light-edit": "synonyms, dropped and doubled words (copy)",
    "canonical": "a licensed copy whose canonical or og:url names the original (copy)",
    "real-template": "the text on another real site's page, its article replaced (copy)",
    "silent": "the only copy of a story: no date, no attribution, crawled first (copy)",
    "excerpt": "the first 40% with a \"read more\" link (partial)",
    "rewrite": "new headline and intro, a third dropped, paragraphs swapped and added "
               "(partial)",
    "digest": "half of one story and a quarter of the next, crawled first (partial of either)",
    "negative": "another story on the same template, or about the same event (no link)",
    "original": "the real page itself (original)",
}
