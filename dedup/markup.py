"""Provenance signals a page's markup carries: canonical and og:url, original-source and
syndication-source, JSON-LD (``isBasedOn``, publisher, article type), attribution blocks and
the links in them. Read with lxml from the tree extraction parsed once."""

import json
from typing import Any

from lxml import etree

from dedup.attribution import CUE_HINTS, attribution_lines

_BLOCKS = ("p", "div", "span", "em", "small", "strong", "i", "b", "footer", "li", "figcaption",
           "section", "aside", "cite")
# schema.org types that make a page an article whatever its URL looks like
ARTICLE_TYPES = {"article", "newsarticle", "reportagenews", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
                  "scholarlyarticle", "liveblogposting", "techarticle", "socialmediaposting"}


_META_PROPERTIES = {"og:url": "og_url", "og:site_name": "site_name", "og:type": "og_type",
                    "article:published_time": "published",
                    "article:modified_time": "modified"}


def _jsonld(scripts: list[str]) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page's scripts, @graph members included; broken blocks
    skipped."""
    out: list[dict[str, Any]] = []
    for script in scripts:
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


# Other structured markup for the published time (schema.org microdata, the meta names news
# sites use): read when the properties above give none, and kept only with a time of day
# (a day alone is htmldate's to find).
_DATE_NAMES = {"pubdate", "publishdate", "publish-date", "publish_date", "publication_date",
               "date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
               "article.published", "parsely-pub-date", "sailthru.date", "datepublished",
               "og:published_time", "article:published_time"}
_ITEMPROP_DATE = etree.XPath("//*[@itemprop='datePublished']/@datetime|"
                             "//*[@itemprop='datePublished' and not(self::meta)]/@content")
_TIME_ELEMENTS = etree.XPath("//time[@datetime]/@datetime")


def _with_time(value: str | None) -> bool:
    return value is not None and len(value.strip()) > 10 and ":" in value


def marked_up_times(tree: Any) -> tuple[str | None, str | None]:
    """A published timestamp from microdata or a news meta name (None without a time of
    day), and the first ``<time datetime>`` with one: the latter is only a candidate (a
    sidebar's story has times too), for the caller to check against the page's date."""
    stated = next((v.strip() for v in _ITEMPROP_DATE(tree) if _with_time(v)), None)
    if stated is None:
        for el in tree.iter("meta"):
            key = (el.get("itemprop") or el.get("name") or el.get("property") or "").lower()
            content = el.get("content")
            if (key in _DATE_NAMES or el.get("itemprop") == "datePublished") and \
                    _with_time(content):
                stated = content.strip() if content else None
                break
    shown = next((v.strip() for v in _TIME_ELEMENTS(tree) if _with_time(v)), None)
    return stated, shown


# page_signals reads meta, link and JSON-LD script elements in one walk (each XPath with //
# walks the whole tree again), and isBasedOn microdata (rare) with XPath
_IS_BASED_ON = etree.XPath("//*[@itemprop='isBasedOn' or @itemprop='isBasedOnUrl']")
_BASED_ON_URLS = etree.XPath("//*[@itemprop='isBasedOn' or @itemprop='isBasedOnUrl']/@href|"
                             "//*[@itemprop='isBasedOn' or @itemprop='isBasedOnUrl']/@content")
_CANONICAL = str.maketrans("CANOIL", "canoil")  # XPath translate(@rel,'CANONICAL',...)
_ROBOTS = str.maketrans("ROBTS", "robts")


def _stripped(values: list[str | None]) -> list[str]:
    return [v.strip() for v in values if v is not None and v.strip()]


def page_signals(tree: Any) -> dict[str, Any]:
    """Canonical and og:url, original- and syndication-source, isBasedOn, dates, robots and
    JSON-LD's article type, dates and publisher, read in one pass over the page."""
    first: dict[str, str | None] = dict.fromkeys(
        ("canonical_url", "og_url", "site_name", "og_type", "published", "modified"))
    original: list[str | None] = []
    syndication: list[str | None] = []
    robots: list[str] = []
    scripts = []
    for el in tree.iter("meta", "link", "script"):
        tag = el.tag
        if tag == "meta":
            prop, name, content = el.get("property"), el.get("name"), el.get("content")
            field = _META_PROPERTIES.get(prop) if prop else None
            if field and not first[field] and content is not None and content.strip():
                first[field] = content.strip()
            if name == "original-source":
                original.append(content)
            elif name == "syndication-source":
                syndication.append(content)
            if name is not None and content is not None and (
                    name.translate(_ROBOTS) == "robots" or name == "googlebot"):
                robots.append(content)
        elif tag == "link":
            rel, href = el.get("rel"), el.get("href")
            if rel is not None and not first["canonical_url"] and href is not None and \
                    href.strip() and rel.translate(_CANONICAL) == "canonical":
                first["canonical_url"] = href.strip()
            if rel == "original-source":
                original.append(href)
            elif rel == "syndication-source":
                syndication.append(href)
        elif el.get("type") == "application/ld+json":
            scripts += el.xpath("text()")
    sig: dict[str, Any] = {
        "canonical_url": first["canonical_url"], "og_url": first["og_url"],
        "site_name": first["site_name"], "og_type": first["og_type"], "article_type": None,
        "original_source": _stripped(original), "syndication_source": _stripped(syndication),
        # in the order XPath gives attribute nodes
        "is_based_on": _stripped(_BASED_ON_URLS(tree)) if _IS_BASED_ON(tree) else [],
        "published": first["published"], "modified": first["modified"],
        "noindex": "noindex" in " ".join(robots).lower(),
    }
    for obj in _jsonld(scripts):
        types = obj.get("@type")
        for t in types if isinstance(types, list) else [types]:
            if isinstance(t, str) and t.lower() in ARTICLE_TYPES:
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


def page_attribution(tree: Any) -> tuple[list[str], list[str]]:
    """Attribution lines anywhere on the page (they often sit outside the main text) and the
    links inside the elements that hold them.

    A block's text is read only when no block inside it is already over 240 characters
    (then neither is it): blocks are read innermost first, so the page's large containers,
    whose text is most of the page, are not read at all."""
    found: list[tuple[list[str], list[str]]] = []
    long: set[Any] = set()  # elements that hold a block of more than 240 characters
    for el in reversed(list(tree.iter(*_BLOCKS))):  # a block after every block inside it
        if el in long:
            continue
        text = " ".join(el.text_content().split())
        if len(text) > 240:
            parent = el.getparent()
            while parent is not None and parent not in long:
                long.add(parent)
                parent = parent.getparent()
            continue
        if len(text) < 8:
            continue
        lowered = text.lower()
        if not any(h in lowered for h in CUE_HINTS):
            continue  # most blocks: no cue, no need to scan them
        if lines := attribution_lines(text):
            # an attribution block's links are what it credits ("Sources: <a>X</a>, <a>Y</a>";
            # "Read the full story at CNN Business" linking to cnn.com); links to the page's
            # own site are left out where claims are read
            found.append((lines, [h for h in el.xpath(".//a/@href")
                                  if h.startswith(("http://", "https://"))]))
    found.reverse()  # document order
    return (list(dict.fromkeys(ln for lines, _ in found for ln in lines)),
            list(dict.fromkeys(h for _, links in found for h in links)))
