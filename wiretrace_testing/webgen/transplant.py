"""A real page as a republisher's template: the element that holds its article emptied and
filled with the copy, its identity and dates removed, everything else of the real page kept
(navigation, sidebars, related links, footers): layouts wiretrace has never seen."""

import html
from functools import cache

import lxml.html
from lxml import etree

from wiretrace_testing.webgen.layouts import Parts, date_head, date_line
from wiretrace_testing.webgen.pools import RealPage

_IDENTITY = ("//link[@rel='canonical'] | //link[@rel='amphtml'] | //meta[starts-with(@property,"
             " 'og:')] | //meta[starts-with(@name, 'twitter:')] | "
             "//script[@type='application/ld+json'] | //time | //meta[contains(@property, "
             "'time') or contains(@name, 'date') or contains(@itemprop, 'date') or "
             "contains(@property, 'date') or @name='author' or @name='original-source' or "
             "@name='syndication-source']")


def article_container(tree: etree._Element, body: str) -> etree._Element | None:
    """The lowest element holding every paragraph (of 40 characters or more) of ``body``,
    the page's own article; None when there are fewer than two or only <body> holds them."""
    body = " ".join(body.split())
    ours = [el for el in tree.iter("p")
            if len(t := " ".join(el.text_content().split())) >= 40 and t in body]
    if len(ours) < 2:
        return None
    chains = [list(el.iterancestors()) for el in ours]
    common = [a for a in chains[0] if all(a in c for c in chains[1:])]
    if not common or common[0].tag in ("body", "html"):
        return None
    return common[0]


@cache
def usable(page: RealPage) -> bool:
    """Whether the page's article container can be found (it can serve as a template)."""
    try:
        tree = lxml.html.fromstring(page.html)
    except (ValueError, etree.ParserError):
        return False
    return article_container(tree, page.body) is not None


def render(page: RealPage, p: Parts) -> str:
    """The copy described by ``p`` on ``page``'s template."""
    tree = lxml.html.fromstring(page.html)
    for el in tree.xpath(_IDENTITY):
        el.drop_tree()
    parent = article_container(tree, page.body)
    if parent is None:
        raise ValueError(f"{page.url} has no article container; check usable() first")
    for child in list(parent):
        parent.remove(child)
    parent.text = None
    blocks = [f"<h1>{html.escape(p.title)}</h1>"]
    byline = date_line(p) + (f" | {p.attribution}" if p.placement == "byline" and
                             p.attribution else "")
    if byline:
        blocks.append(f"<div class='byline'>{byline}</div>")
    if p.placement == "before" and p.attribution:
        blocks.append(f"<p><em>{p.attribution}</em></p>")
    blocks += [f"<p>{html.escape(t)}</p>" for t in p.paragraphs]
    if p.placement in ("after", "footer-note") and p.attribution:
        blocks.append(f"<p><small>{p.attribution}</small></p>")
    for b in blocks:
        parent.append(lxml.html.fragment_fromstring(b))
    head = tree.find("head")
    if head is None:
        head = lxml.html.Element("head")
        tree.insert(0, head)
    for t in head.findall("title"):
        t.text = f"{p.title} | {p.publisher}"
    extra = date_head(p) + p.head_extra + (
        f"<meta property='og:site_name' content='{html.escape(p.publisher, quote=True)}'>")
    for el in reversed(lxml.html.fragments_fromstring(extra)):
        head.insert(0, el)
    return lxml.html.tostring(tree, encoding="unicode", doctype="<!doctype html>")
