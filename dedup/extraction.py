"""From HTML to an article: trafilatura for text and metadata, plus provenance signals.

No Scrapy here: the crawler calls :func:`extract` in its worker processes, and the engine calls
it for ``html`` inputs.
"""

import logging
import re
from dataclasses import dataclass, replace
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import Document, Extractor
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from dedup.attribution import attribution_lines, wire_bylines
from dedup.errors import InputError
from dedup.listing import listing_reason
from dedup.markup import page_attribution, page_signals
from dedup.models import ArticleInput
from dedup.pagemeta import page_metadata, timestamp

logger = logging.getLogger(__name__)

MAX_HTML_CHARS = 5_000_000


# control characters other than whitespace, and the replacement character
_NOT_TEXT = dict.fromkeys([*(c for c in range(32) if chr(c) not in "\t\n\r\f"), 0xFFFD])


def _looks_binary(html: str) -> bool:
    """Control characters (other than whitespace) in the first 4 KiB: binary, not a page."""
    head = html[:4096]
    bad = len(head) - len(head.translate(_NOT_TEXT))
    return bad > max(8, len(head) // 50)


@dataclass(frozen=True)
class TextOptions:
    """How trafilatura reads an article's text. ``fast`` skips its readability and jusText
    fallbacks (a third of the time); with ``fallback_below_words`` > 0, a fast result of
    fewer words is read again with them."""

    fast: bool = True
    fallback_below_words: int = 0


# Chosen by 5-fold cross-validation on the 91 real pages (bench/extraction_cv.py).
TEXT_OPTIONS = TextOptions(fast=True)


def _text(tree: Any, url: str, options: TextOptions) -> Any:
    """trafilatura's text of the page (a ``Document``, or None). The tree is read here for
    the last time: trafilatura may change it (see :func:`_text_of`)."""
    if options.fast and options.fallback_below_words:
        # the tree may be read again: bare_extraction reads a copy of it
        doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False,
                                          include_comments=False, fast=True)
        if isinstance(doc, Document) and \
                len((doc.text or "").split()) >= options.fallback_below_words:
            return doc
        return _text_of(tree, url, fast=False)
    return _text_of(tree, url, fast=options.fast)


def _text_of(tree: Any, url: str, fast: bool) -> Document | None:
    """``bare_extraction(tree, url=url, with_metadata=False, include_comments=False,
    fast=fast)`` without its copy of the tree (a deep copy of the page, 0.5 ms of the ~20 of
    an extraction): what it does with these options once the tree is loaded, on the tree
    itself, which trafilatura's cleaning then changes. Held equal to bare_extraction on the
    real pages by tests/unit/test_extraction.py; with the default configuration (no tree
    size limit) and no deduplication or language filter, the rest of it does nothing."""
    options = Extractor(output_format="python", fast=fast, comments=False, url=url)
    try:
        body, text, _, comments = trafilatura_sequence(tree, options, url)
    except (TypeError, ValueError):
        return None
    if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
        return None
    doc = Document()
    doc.text = doc.raw_text = xmltotxt(body, options.formatting)
    doc.body = body
    return doc


def extract(html: str | bytes, url: str, base: ArticleInput | None = None,
            options: TextOptions = TEXT_OPTIONS, listed: bool = False) -> ArticleInput:
    """Text, metadata and provenance signals of a page.

    Fields already set on ``base`` win over what the page says; ``options`` say how the
    text is read; ``listed``: a feed or a news sitemap listed the page, so it is an article
    whatever its URL looks like.

    Raises:
        InputError: the page is empty, not HTML, too large, or has no extractable text.
    """
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if len(html) > MAX_HTML_CHARS:
        raise InputError(f"page has {len(html)} characters, more than {MAX_HTML_CHARS}",
                         "too_large")
    if not html.strip():
        raise InputError("page is empty", "empty")
    if _looks_binary(html):
        raise InputError("page is binary, not HTML", "binary")
    # parsed once, the way trafilatura parses (its parser options change what it extracts)
    try:
        tree = load_html(html)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"page does not parse as HTML: {exc}", "unparseable") from None
    if tree is None:
        raise InputError("page does not parse as HTML", "unparseable")
    signals = page_signals(tree)
    listing = listing_reason(tree, url, signals, listed)
    if listing:
        raise InputError(f"not an article: {listing}", "not_article")
    page_lines, links = page_attribution(tree)
    stated, shown = signals["stated_time"], signals["shown_time"]
    published = timestamp(signals["published"]) or timestamp(stated)
    title, author, site_name, found = page_metadata(tree, url, need_date=published is None)
    if not published and found and (t := timestamp(shown)) and t[:10] == found[:10]:
        # a <time datetime> with a time, on the day the page's date says: that day, to the
        # minute (its precision counts when copies follow within hours)
        found = t
    # metadata is read above, without what trafilatura adds that is not used here
    doc = _text(tree, url, options)
    if not isinstance(doc, Document) or not (doc.text or "").strip():
        raise InputError("no article text could be extracted from the page", "no_text")
    text = re.sub(r"\n{3,}", "\n\n", doc.text or "")
    attribution = list(dict.fromkeys([*attribution_lines(text), *page_lines]))
    out = ArticleInput(
        # a full timestamp from the page's structured data beats htmldate's date
        url=url, text=text, title=title, author=author,
        published=published or found,
        modified=timestamp(signals["modified"]),
        site_name=signals["site_name"] or site_name, language=doc.language,
        canonical_url=signals["canonical_url"], og_url=signals["og_url"],
        original_source=signals["original_source"],
        syndication_source=signals["syndication_source"],
        is_based_on=list(dict.fromkeys(signals["is_based_on"])), attribution=attribution,
        wire=wire_bylines(text), source_links=links, noindex=signals["noindex"],
    )
    if base is None:
        return out
    given = {k: getattr(base, k) for k in ArticleInput.field_names()
             if k not in ("html", "text") and getattr(base, k) not in (None, [], False)}
    return replace(out, **given)
