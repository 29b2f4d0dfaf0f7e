"""Whether a page is a listing (home, section, tag, author or search page) rather than an
article.

What the page holds decides before what its URL looks like: structured data that says
"article", or a body of several long paragraphs of running text, make a page an article
whatever its URL (``news_view.html?idx=8576&page=1`` is an article on many real sites), and
so does a feed or a news sitemap listing the page (the site's own list of its articles; a
plain sitemap lists sections and tags too, so it says nothing)."""

import re
from typing import Any
from urllib.parse import urlsplit

_LISTING_PATH = re.compile(
    r"/(?:tags?|category|categories|section|sections|topics?|search|author|authors|archive|"
    r"archives|page)(?:/|$)|[?&](?:s|q|query|search|page)=", re.IGNORECASE)
_ARTICLE_OG = ("article", "news", "blog", "newsarticle")
# A paragraph of running text: this long, and mostly not link text.
_PARAGRAPH_CHARS = 150
_PARAGRAPHS = 3


def article_body(tree: Any) -> int:
    """How many paragraphs of running text (long, mostly not links) the page holds."""
    n = 0
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        if len(text) < _PARAGRAPH_CHARS:
            continue
        linked = sum(len(" ".join(a.text_content().split())) for a in p.iter("a"))
        if linked < 0.3 * len(text):
            n += 1
            if n >= _PARAGRAPHS:
                break
    return n


def listing_reason(tree: Any, url: str, signals: dict[str, Any],
                   listed: bool = False) -> str | None:
    """Why a page is a home, section, tag or search page rather than an article, or None.

    A feed or a news sitemap that lists the page (``listed``) and structured data that says
    "article" win, then a body of running text; only a page with none of them is judged by
    its URL's shape; then link density (a page whose visible text is mostly link text is a
    list of links)."""
    if listed or signals.get("article_type"):
        return None
    og_type = (signals.get("og_type") or "").lower()
    if og_type in _ARTICLE_OG:
        return None
    parts = urlsplit(url)
    body = tree.find("body")
    running = article_body(body) if body is not None else 0
    if parts.path in ("", "/") and not parts.query and running < _PARAGRAPHS:
        return "home page"
    if running < _PARAGRAPHS and _LISTING_PATH.search(
            parts.path + ("?" + parts.query if parts.query else "")):
        return "section, tag, author or search page (URL)"
    # og:type "website" is common on real article pages: only a short path makes it a listing
    if og_type and running < _PARAGRAPHS and \
            len([s for s in parts.path.split("/") if s]) <= 1 and not parts.path.endswith(
                (".html", ".htm", ".php", ".aspx")):
        return f"og:type is {og_type!r} on a top-level path"
    if body is None:
        return None
    total = len(" ".join(body.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    if total > 200 and linked / total > 0.6:
        return f"mostly links ({linked * 100 // total}% of the text is link text)"
    return None
