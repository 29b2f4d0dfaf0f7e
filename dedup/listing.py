"""Whether a page is a listing (home, section, tag, author or search page) rather than an
article.

What the page holds decides before what its URL looks like: structured data that says
"article", or a body of running text (several long paragraphs, or paragraphs side by side in
one container), make a page an article whatever its URL (``news_view.html?idx=8576&page=1``
is an article on many real sites), and so does a feed or a news sitemap listing the page (the
site's own list of its articles; a plain sitemap lists sections and tags too, so it says
nothing)."""

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
# A block of running text: this many paragraphs (or <br>-separated runs) of at least
# _PIECE_CHARS, side by side in one container, mostly not link text, this long together. An
# excerpt or a brief has one even when its paragraphs are short; a section page's summaries
# sit one per card, so it has none. Chosen on tuned seeds 0-59 (every page has one; the
# shortest excerpt holds 404 chars) and the 91 real pages (90 have one; excerpts of them of
# 60 words or more on the tuned layouts all have one).
_BLOCK_PIECES = 2
_BLOCK_CHARS = 300
_PIECE_CHARS = 20


def _running(text: str | None) -> int:
    """The length of a run of text, 0 when it is too short to be a paragraph."""
    n = len(" ".join((text or "").split()))
    return n if n >= _PIECE_CHARS else 0


def text_block(tree: Any) -> bool:
    """Whether one element holds a block of running text (:data:`_BLOCK_CHARS`)."""
    for el in tree.iter("*"):
        if el.tag in ("script", "style"):
            continue
        pieces, chars = 0, 0
        for part in [el.text, *(c.tail for c in el)]:
            if n := _running(part):
                pieces, chars = pieces + 1, chars + n
        for p in el.iterchildren("p"):
            n = _running(p.text_content())
            linked = sum(len(" ".join(a.text_content().split())) for a in p.iter("a"))
            if n and linked < 0.3 * n:
                pieces, chars = pieces + 1, chars + n
        if pieces >= _BLOCK_PIECES and chars >= _BLOCK_CHARS:
            return True
    return False


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
    "article" win, then a body of running text (:func:`article_body`, :func:`text_block`);
    only a page with none of them is judged by its URL's shape; then link density (a page
    whose visible text is mostly link text is a list of links)."""
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
    if running < _PARAGRAPHS and body is not None and text_block(body):
        running = _PARAGRAPHS
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
