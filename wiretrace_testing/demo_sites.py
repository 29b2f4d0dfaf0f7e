"""The demo's websites: a local publisher, a content farm that republishes its story, an
aggregator that excerpts it, and a partner that republishes it with a cross-domain canonical.

The texts were written for wiretrace (see wiretrace_testing/demo_story.py). Served on loopback by
wiretrace_testing.localsites under their own host names; examples/sources.yaml crawls them.
"""

import html
import json
from pathlib import Path

from wiretrace_testing.demo_story import BOILERPLATE_BOTTOM, OTHER, STORY
from wiretrace_testing.localsites import SiteBuilder

GAZETTE, FARM, DIGEST, PARTNER = ("eastbrook-gazette.test", "dailyviralnews.test",
                                  "coastaldigest.test", "harbourwire.test")
SECOND = [
    "Eastbrook's lifeboat crew rescued two kayakers who were swept past the harbour wall by a "
    "strong ebb tide on Sunday afternoon, the third call-out of its kind since Easter.",
    "The pair, visitors from inland who had hired the boats from a beach kiosk, were found "
    "clinging to a marker buoy about a mile offshore. Both were treated for cold on the quay "
    "and released the same evening without needing hospital care.",
    "Station manager Ruth Okafor urged anyone paddling near the harbour mouth to check the "
    "tide tables, carry a whistle and tell someone ashore when they expect to be back, and "
    "said the kiosk had agreed to put a tide board next to its rental rack.",
]


def _page(base: str, path: str, title: str, paragraphs: list[str], *, site: str,
          published: str | None, head: str = "", top: str = "", bottom: str = "",
          og_url: str | None = None, canonical: str | None = None) -> str:
    url = base + path
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "publisher": {"@type": "Organization", "name": site}}
    if published:
        ld["datePublished"] = published
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {site}</title>
<link rel="canonical" href="{canonical or url}">
<meta property="og:url" content="{og_url or canonical or url}">
<meta property="og:type" content="article"><meta property="og:site_name" content="{site}">
{f'<meta property="article:published_time" content="{published}">' if published else ''}
<script type="application/ld+json">{json.dumps(ld)}</script>{head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/tag/local">Local</a> <a href="/tag/sport">Sport</a>
</nav></header>{top}
<main><article><h1>{html.escape(title)}</h1>
{f'<time datetime="{published}">{published[:10]}</time>' if published else ''}
{body}
</article></main>{bottom}
<footer><p>&copy; 2026 {site}. All rights reserved.</p></footer>
</body></html>"""


def _listing(title: str, links: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{href}">{html.escape(text)}</a></li>'
                      for href, text in links)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:type' content='website'></head><body><h1>{title}</h1>"
            f"<ul>{items}</ul></body></html>")


def _rss(title: str, items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{html.escape(t)}</title><link>{u}</link></item>"
                      for u, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title>{entries}</channel></rss>")


def build(port: int) -> SiteBuilder:
    b = SiteBuilder()
    g = f"http://{GAZETTE}:{port}"
    # -- the original publisher: feed, robots.txt with a disallowed section ---------------
    b.page(GAZETTE, "/robots.txt", "User-agent: *\nDisallow: /drafts/\n", "text/plain")
    b.page(GAZETTE, "/news/ferry-terminal-market", _page(
        g, "/news/ferry-terminal-market",
        "Eastbrook votes to turn ferry terminal into covered market", STORY,
        site="Eastbrook Gazette", published="2026-03-03T18:00:00Z"))
    b.page(GAZETTE, "/nature/eagles-return", _page(
        g, "/nature/eagles-return", "White-tailed eagles nest near Eastbrook", OTHER,
        site="Eastbrook Gazette", published="2026-03-06T10:00:00Z"))
    b.page(GAZETTE, "/drafts/lifeboat", _page(
        g, "/drafts/lifeboat", "Draft: lifeboat rescue", SECOND, site="Eastbrook Gazette",
        published=None))
    b.page(GAZETTE, "/", _listing("Eastbrook Gazette", [
        ("/news/ferry-terminal-market", "Ferry terminal to become a market"),
        ("/nature/eagles-return", "Eagles return"), ("/drafts/lifeboat", "Lifeboat")]))
    b.page(GAZETTE, "/rss.xml", _rss("Eastbrook Gazette", [
        (g + "/news/ferry-terminal-market", "Ferry terminal to become a market"),
        (g + "/nature/eagles-return", "Eagles return"), (g + "/drafts/lifeboat", "Draft")]),
        "application/rss+xml")
    # -- the content farm: verbatim copy in its template, backdated, "Source:" line --------
    f = f"http://{FARM}:{port}"
    b.page(FARM, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    top = ("<aside><p>BREAKING: traffic delays on the coast road</p><p>Trending: Ten cheap "
           "weekend breaks by the sea</p></aside>")
    attribution = ("<p>Source: | This article originally belongs to "
                   f"<a href='{g}/news/ferry-terminal-market'>Eastbrook-gazette.test</a></p>")
    bottom = "<section>" + "".join(f"<p>{html.escape(line)}</p>"
                                   for line in BOILERPLATE_BOTTOM.split("\n")) + "</section>"
    b.page(FARM, "/2026/03/05/ferry-terminal-market/", _page(
        f, "/2026/03/05/ferry-terminal-market/", "Town Turns Old Ferry Terminal Into Market!!",
        [*STORY], site="Daily Viral News", published="2026-03-01T08:00:00Z", top=top,
        bottom=attribution + bottom))
    b.page(FARM, "/", _listing("Daily Viral News", [
        ("/2026/03/05/ferry-terminal-market/", "Town Turns Old Ferry Terminal Into Market!!"),
        ("/tag/local", "More local news")]))
    b.page(FARM, "/tag/local", _listing("Local", [
        ("/2026/03/05/ferry-terminal-market/", "Ferry terminal market")]))
    # -- the aggregator: an excerpt with a "read more" link -------------------------------
    d = f"http://{DIGEST}:{port}"
    b.page(DIGEST, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    more = (f"<p>Read the full story at the <a href='{g}/news/ferry-terminal-market'>Eastbrook "
            "Gazette</a>.</p>")
    b.page(DIGEST, "/briefs/eastbrook-market", _page(
        d, "/briefs/eastbrook-market", "Eastbrook market approved", STORY[:3],
        site="Coastal Digest", published="2026-03-04T09:30:00Z", bottom=more))
    b.page(DIGEST, "/feed.xml", _rss("Coastal Digest", [
        (d + "/briefs/eastbrook-market?utm_source=rss", "Eastbrook market approved")]),
        "application/rss+xml")
    # -- the partner: a licensed copy with a cross-domain canonical, noindex, news sitemap --
    p = f"http://{PARTNER}:{port}"
    b.page(PARTNER, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    b.page(PARTNER, "/syndicated/eastbrook-market-vote", _page(
        p, "/syndicated/eastbrook-market-vote", "Eastbrook approves ferry terminal market",
        STORY, site="Harbour Wire", published="2026-03-04T07:00:00Z",
        canonical=f"{g}/news/ferry-terminal-market",
        head='<meta name="robots" content="noindex, follow">'))
    b.page(PARTNER, "/news-sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{p}/syndicated/eastbrook-market-vote</loc><news:news><news:publication>
<news:name>Harbour Wire</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-03-04T07:00:00Z</news:publication_date>
<news:title>Eastbrook approves ferry terminal market</news:title></news:news></url>
</urlset>""", "application/xml")
    return b


def write(root: str | Path, port: int) -> SiteBuilder:
    b = build(port)
    b.write(root)
    return b
