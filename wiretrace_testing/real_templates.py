"""A real page of the corpus as a republisher's template, its article swapped for another."""

import lxml.html

from wiretrace_testing.crawlsites import Original
from wiretrace_testing.webgen.transplant import article_container


def transplant(template: Original, paras: list[str], extra_html: str,
               date: str | None = None) -> str | None:
    """Another real site's page as a republisher's template: the element that holds its
    article (all paragraphs of its human ground truth) emptied and filled with ``paras``,
    its identity and dates (canonical,
    og:url, JSON-LD, date meta, <time>) removed; everything else of the real page stays
    (navigation, sidebars, related links, footers), and ``date`` becomes its date. None when
    its article is not found."""
    try:
        tree = lxml.html.fromstring(template.html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for el in tree.xpath("//link[@rel='canonical'] | //meta[@property='og:url'] | "
                         "//script[@type='application/ld+json'] | //time | "
                         "//meta[contains(@property, 'time') or contains(@name, 'date') or "
                         "contains(@itemprop, 'date') or contains(@property, 'date')]"):
        el.drop_tree()
    # all of the article's container goes (its other paragraphs, captions, in-article
    # links), the page around stays
    parent = article_container(tree, template.body)
    if parent is None:
        return None
    for child in list(parent):
        parent.remove(child)
    parent.text = None
    for text in paras:
        p = lxml.html.Element("p")
        p.text = text
        parent.append(p)
    if extra_html:
        parent.append(lxml.html.fragment_fromstring(extra_html))
    head = tree.find("head")
    if date and head is not None:  # the republisher's own date, as its pages give one
        head.insert(0, lxml.html.Element("meta", property="article:published_time",
                                         content=date))
    return lxml.html.tostring(tree, encoding="unicode")
