"""Whether a page is a listing (home, section, tag, author or search page) rather than an
article."""

import re
from typing import Any
from urllib.parse import urlsplit

_LISTING_PATH = re.compile(
    r"/(?:tags?|category|categories|section|sections|topics?|search|author|authors|archive|"
    r"archives|page)(?:/|$)|[?&](?:s|q|query|search|page)=", re.IGNORECASE)



def listing_reason(tree: Any, url: str, signals: dict[str, Any]) -> str | None:
    """Why a page is a home, section, tag or search page rather than an article, or None.

    Structured data that says "article" wins; then the URL's shape; then link density (a page
    whose visible text is mostly link text is a list of links)."""
    if signals.get("article_type"):
        return None
    og_type = (signals.get("og_type") or "").lower()
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        return "home page"
    if _LISTING_PATH.search(parts.path + ("?" + parts.query if parts.query else "")):
        return "section, tag, author or search page (URL)"
    # og:type "website" is common on real article pages: only a short path makes it a listing
    if og_type and og_type not in ("article", "news", "blog", "newsarticle") and \
            len([s for s in parts.path.split("/") if s]) <= 1 and not parts.path.endswith(
                (".html", ".htm", ".php", ".aspx")):
        return f"og:type is {og_type!r} on a top-level path"
    body = tree.find("body")
    if body is None:
        return None
    total = len(" ".join(body.text_content().split()))
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    if total > 200 and linked / total > 0.6:
        return f"mostly links ({linked * 100 // total}% of the text is link text)"
    return None


