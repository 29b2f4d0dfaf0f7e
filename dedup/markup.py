"""Provenance signals a page's markup carries: canonical and og:url, original-source and
syndication-source, JSON-LD (``isBasedOn``, publisher, article type), attribution blocks and
the links in them. Read with lxml from the tree extraction parsed once."""

import json
from typing import Any

from lxml import etree

from dedup.attribution import CUE_HINT_RE, attribution_lines

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
# Every microdata property and every <time datetime>, in one walk of the tree (an XPath per
# property walked it once each: a third of page_signals' time); a few a page, in document
# order, each element's attributes in their order
_ITEMPROPS_AND_TIMES = etree.XPath("//@itemprop|//time/@datetime")
_BASED_ON = ("isBasedOn", "isBasedOnUrl")
_CANONICAL = str.maketrans("CANOIL", "canoil")  # XPath translate(@rel,'CANONICAL',...)
_ROBOTS = str.maketrans("ROBTS", "robts")


def _with_time(value: str | None) -> bool:
    return value is not None and len(value.strip()) > 10 and ":" in value


def _microdata(tree: Any) -> tuple[list[str | None], str | None, str | None]:
    """The URLs of isBasedOn microdata (``href`` and ``content``), the first microdata
    datePublished with a time of day (``datetime``, or ``content`` off a meta element), and
    the first ``<time datetime>`` with one."""
    based_on: list[str | None] = []
    stated = shown = None
    for value in _ITEMPROPS_AND_TIMES(tree):
        if value.attrname == "datetime":  # of a <time>
            if shown is None and _with_time(value):
                shown = value.strip()
            continue
        el = value.getparent()
        if value in _BASED_ON:
            based_on += [v for k, v in el.items() if k in ("href", "content")]
        elif value == "datePublished" and stated is None:
            # a meta element's content is read with the meta names (page_signals)
            keys = ("datetime",) if el.tag == "meta" else ("datetime", "content")
            stated = next((v.strip() for k, v in el.items() if k in keys and _with_time(v)),
                          None)
    return based_on, stated, shown


def _stripped(values: list[str | None]) -> list[str]:
    return [v.strip() for v in values if v is not None and v.strip()]


def page_signals(tree: Any) -> dict[str, Any]:
    """Canonical and og:url, original- and syndication-source, isBasedOn, dates, robots and
    JSON-LD's article type, dates and publisher, read in one pass over the page's meta, link
    and script elements and one over its microdata.

    Also the published time other markup states (``stated_time``: microdata, else a news
    meta name; None without a time of day) and the first ``<time datetime>`` with a time
    (``shown_time``): the latter only a candidate (a sidebar's story has times too), for the
    caller to check against the page's date."""
    first: dict[str, str | None] = dict.fromkeys(
        ("canonical_url", "og_url", "site_name", "og_type", "published", "modified"))
    original: list[str | None] = []
    syndication: list[str | None] = []
    robots: list[str] = []
    scripts = []
    meta_time = None
    for el in tree.iter("meta", "link", "script"):
        tag = el.tag
        if tag == "meta":
            prop, name, content = el.get("property"), el.get("name"), el.get("content")
            field = _META_PROPERTIES.get(prop) if prop else None
            if field and not first[field] and content is not None and content.strip():
                first[field] = content.strip()
            if meta_time is None and _with_time(content):
                itemprop = el.get("itemprop")
                if itemprop == "datePublished" or \
                        (itemprop or name or prop or "").lower() in _DATE_NAMES:
                    meta_time = content.strip() if content else None
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
    based_on, stated, shown = _microdata(tree)
    sig: dict[str, Any] = {
        "canonical_url": first["canonical_url"], "og_url": first["og_url"],
        "site_name": first["site_name"], "og_type": first["og_type"], "article_type": None,
        "original_source": _stripped(original), "syndication_source": _stripped(syndication),
        "is_based_on": _stripped(based_on),
        "published": first["published"], "modified": first["modified"],
        "noindex": "noindex" in " ".join(robots).lower(),
        "stated_time": stated or meta_time, "shown_time": shown,
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
    whose text is most of the page, are not read at all; a text that held no attribution is
    not scanned again when an element around it has the same text (a third of the blocks)."""
    found: list[tuple[list[str], list[str]]] = []
    long: set[Any] = set()  # elements that hold a block of more than 240 characters
    plain: set[str] = set()  # texts read already, without an attribution line
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
        if len(text) < 8 or text in plain:
            continue
        # most blocks: no cue, no need to scan them
        lines = attribution_lines(text) if CUE_HINT_RE.search(text.lower()) else []
        if not lines:
            plain.add(text)
            continue
        # an attribution block's links are what it credits ("Sources: <a>X</a>, <a>Y</a>";
        # "Read the full story at CNN Business" linking to cnn.com); links to the page's own
        # site are left out where claims are read
        found.append((lines, [h for h in el.xpath(".//a/@href")
                              if h.startswith(("http://", "https://"))]))
    found.reverse()  # document order
    return (list(dict.fromkeys(ln for lines, _ in found for ln in lines)),
            list(dict.fromkeys(h for _, links in found for h in links)))
