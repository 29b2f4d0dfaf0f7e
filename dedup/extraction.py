"""From HTML to an article: trafilatura for text and metadata, plus provenance signals.

No Scrapy here: the crawler calls :func:`extract` in its worker processes, and the engine calls
it for ``html`` inputs.
"""

import contextlib
import json
import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
)
from trafilatura.utils import load_html

from dedup.attribution import CUE_HINTS, attribution_lines, named_sources, wire_bylines
from dedup.errors import InputError
from dedup.models import ArticleInput

logger = logging.getLogger(__name__)

MAX_HTML_CHARS = 5_000_000
_BLOCKS = ("p", "div", "span", "em", "small", "strong", "i", "b", "footer", "li", "figcaption",
           "section", "aside", "cite")


def _first(tree: Any, xpath: str) -> str | None:
    for v in tree.xpath(xpath):
        v = str(v).strip()
        if v:
            return v
    return None


def _jsonld(tree: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph members included; broken blocks skipped."""
    out: list[dict[str, Any]] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                out.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
            elif isinstance(item, list):
                stack.extend(item)
    return out


def _urls_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(v) for k in ("url", "@id", "sameAs") if isinstance(v := value.get(k), str)]
    if isinstance(value, list):
        return [u for v in value for u in _urls_of(v)]
    return []


def _signals(tree: Any) -> dict[str, Any]:
    sig: dict[str, Any] = {
        "canonical_url": _first(tree, "//link[translate(@rel,'CANONICAL','canonical')"
                                      "='canonical']/@href"),
        "og_url": _first(tree, "//meta[@property='og:url']/@content"),
        "site_name": _first(tree, "//meta[@property='og:site_name']/@content"),
        "og_type": _first(tree, "//meta[@property='og:type']/@content"),
        "article_type": None,
        "original_source": [v.strip() for v in tree.xpath(
            "//meta[@name='original-source']/@content|//link[@rel='original-source']/@href")
            if v.strip()],
        "syndication_source": [v.strip() for v in tree.xpath(
            "//meta[@name='syndication-source']/@content|//link[@rel='syndication-source']"
            "/@href") if v.strip()],
        "is_based_on": [v.strip() for v in tree.xpath(
            "//*[@itemprop='isBasedOn' or @itemprop='isBasedOnUrl']/@href|"
            "//*[@itemprop='isBasedOn' or @itemprop='isBasedOnUrl']/@content") if v.strip()],
    }
    sig["published"] = _first(tree, "//meta[@property='article:published_time']/@content")
    sig["modified"] = _first(tree, "//meta[@property='article:modified_time']/@content")
    robots = " ".join(tree.xpath("//meta[translate(@name,'ROBOTS','robots')='robots' or "
                                 "@name='googlebot']/@content")).lower()
    sig["noindex"] = "noindex" in robots
    for obj in _jsonld(tree):
        types = obj.get("@type")
        for t in types if isinstance(types, list) else [types]:
            if isinstance(t, str) and t.lower() in _ARTICLE_TYPES:
                sig["article_type"] = t
        for key in ("isBasedOn", "isBasedOnUrl"):
            sig["is_based_on"] += _urls_of(obj.get(key))
        if sig["article_type"] or types:
            for key, field in (("datePublished", "published"), ("dateModified", "modified")):
                if isinstance(obj.get(key), str) and not sig[field]:
                    sig[field] = obj[key]
        pub = obj.get("publisher")
        if not sig["site_name"] and isinstance(pub, dict) and isinstance(pub.get("name"), str):
            sig["site_name"] = pub["name"]
    return sig


def _page_attribution(tree: Any) -> tuple[list[str], list[str]]:
    """Attribution lines anywhere on the page (they often sit outside the main text) and the
    links inside the elements that hold them."""
    lines: list[str] = []
    links: list[str] = []
    for el in tree.iter(*_BLOCKS):
        text = " ".join(el.text_content().split())
        if not 8 <= len(text) <= 240:
            continue
        lowered = text.lower()
        if not any(h in lowered for h in CUE_HINTS):
            continue  # most blocks: no cue, no need to scan them
        found = attribution_lines(text)
        if found:
            lines += found
            names = {n.lower() for line in found for n in named_sources(line)}
            for href in el.xpath(".//a/@href"):
                if href.startswith(("http://", "https://")) and (
                        not names or any(n in href.lower() for n in names)):
                    links.append(href)
    return list(dict.fromkeys(lines)), list(dict.fromkeys(links))


_LISTING_PATH = re.compile(
    r"/(?:tags?|category|categories|section|sections|topics?|search|author|authors|archive|"
    r"archives|page)(?:/|$)|[?&](?:s|q|query|search|page)=", re.IGNORECASE)
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenews", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
                  "scholarlyarticle", "liveblogposting", "techarticle", "socialmediaposting"}


def _timestamp(value: str | None) -> str | None:
    """An ISO 8601 timestamp as the page gives it, or None when it is not one."""
    if not value:
        return None
    v = value.strip()
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    return v


def _metadata(tree: Any, url: str, need_date: bool,
              ) -> tuple[str | None, str | None, str | None, str | None]:
    """Title, author, site name and (when ``need_date``) htmldate's date (see
    :func:`_found_date`), read with
    trafilatura's metadata functions, without the categories, tags and licence that its
    full metadata pass also reads (a third of its time, unused here)."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a handle, not a name
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader on broken data
        meta = extract_meta_json(tree, meta)
    title = meta.title or extract_title(tree)
    author = meta.author or extract_author(tree)
    site = meta.sitename or extract_sitename(tree)
    if site:
        site = site.lstrip("@")
        if site and "." not in site and not site[0].isupper():
            site = site.title()
    else:  # the host, as trafilatura names a site without a name
        host = (urlsplit(url).hostname or "").lower()
        site = host.removeprefix("www.") or None
    date = _found_date(find_date(tree, url=url, extensive_search=True, original_date=True)
                       ) if need_date else None

    def clean(v: str | None) -> str | None:
        return " ".join(v.split())[:1000] or None if v else None

    return clean(title), clean(author), clean(site), date


def _found_date(value: str | None) -> str | None:
    """A date htmldate found in the page, less its guess from a copyright line: with nothing
    better it reads "Copyright 2019" as 2019-01-01, which would make a farm's undated copy
    look older than its original."""
    if not value or re.fullmatch(r"\d{4}-01-01", value.strip()):
        return None
    return value


def _looks_binary(html: str) -> bool:
    """Control characters (other than whitespace) in the first 4 KiB: binary, not a page."""
    head = html[:4096]
    bad = sum(1 for c in head if ord(c) < 32 and c not in "\t\n\r\f") + head.count("\ufffd")
    return bad > max(8, len(head) // 50)


def _listing_reason(tree: Any, url: str, signals: dict[str, Any]) -> str | None:
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
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False,
                                      include_comments=False, fast=options.fast)
    short = not isinstance(doc, trafilatura.settings.Document) or \
        len((doc.text or "").split()) < options.fallback_below_words
    if options.fast and short and options.fallback_below_words:
        doc = trafilatura.bare_extraction(tree, url=url, with_metadata=False,
                                          include_comments=False, fast=False)
    return doc


def extract(html: str | bytes, url: str, base: ArticleInput | None = None,
            options: TextOptions = TEXT_OPTIONS) -> ArticleInput:
    """Text, metadata and provenance signals of a page.

    Fields already set on ``base`` win over what the page says; ``options`` say how the
    text is read.

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
    signals = _signals(tree)
    listing = _listing_reason(tree, url, signals)
    if listing:
        raise InputError(f"not an article: {listing}", "not_article")
    page_lines, links = _page_attribution(tree)
    published = _timestamp(signals["published"])
    title, author, site_name, found = _metadata(tree, url, need_date=published is None)
    # metadata is read above, without what trafilatura adds that is not used here
    doc = _text(tree, url, options)
    if not isinstance(doc, trafilatura.settings.Document) or not (doc.text or "").strip():
        raise InputError("no article text could be extracted from the page", "no_text")
    text = re.sub(r"\n{3,}", "\n\n", doc.text or "")
    attribution = list(dict.fromkeys([*attribution_lines(text), *page_lines]))
    out = ArticleInput(
        # a full timestamp from the page's structured data beats htmldate's date
        url=url, text=text, title=title, author=author,
        published=published or found,
        modified=_timestamp(signals["modified"]),
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
