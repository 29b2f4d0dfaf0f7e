"""Provenance signals a page's markup carries: canonical and og:url, original-source and
syndication-source, JSON-LD (``isBasedOn``, publisher, article type), attribution blocks and
the links in them. Read with lxml from the tree extraction parsed once."""

import json
from typing import Any

from dedup.attribution import CUE_HINTS, attribution_lines

_BLOCKS = ("p", "div", "span", "em", "small", "strong", "i", "b", "footer", "li", "figcaption",
           "section", "aside", "cite")
# schema.org types that make a page an article whatever its URL looks like
ARTICLE_TYPES = {"article", "newsarticle", "reportagenews", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
                  "scholarlyarticle", "liveblogposting", "techarticle", "socialmediaposting"}


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


def page_signals(tree: Any) -> dict[str, Any]:
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
            # an attribution block's links are what it credits ("Sources: <a>X</a>, <a>Y</a>";
            # "Read the full story at CNN Business" linking to cnn.com); links to the page's
            # own site are left out where claims are read
            links += [h for h in el.xpath(".//a/@href") if h.startswith(("http://", "https://"))]
    return list(dict.fromkeys(lines)), list(dict.fromkeys(links))


