"""A local "syndication web" for crawl tests and benchmarks: real pages from
../shared/data/article-pages as originals under their real host names, and copies of them on
republisher templates written for the project."""

import gzip
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from wiretrace_testing.localsites import SiteBuilder

FARM, AGG, PARTNER = "dailyviralnews.test", "newsbrief-aggregator.test", "partnerwire.test"


@dataclass
class Original:
    url: str  # the real URL (canonical)
    host: str
    path: str
    html: bytes
    body: str  # human ground truth of the article body


@dataclass
class Web:
    builder: SiteBuilder
    port: int
    originals: list[Original]
    copies: dict[str, str] = field(default_factory=dict)  # served copy URL -> original URL
    partials: dict[str, str] = field(default_factory=dict)
    listings: list[str] = field(default_factory=list)


def load_originals(pages: Path, n: int, min_words: int = 150) -> list[Original]:
    gt = json.loads((pages / "ground-truth.json").read_text())
    out, hosts = [], set()
    for key in sorted(gt):
        v = gt[key]
        parts = urlsplit(v["url"])
        host = (parts.hostname or "").lower()
        if len(v["articleBody"].split()) < min_words or host in hosts:
            continue
        hosts.add(host)
        path = parts.path + ("?" + parts.query if parts.query else "")
        out.append(Original(v["url"], host, path or "/",
                            gzip.decompress((pages / "html" / f"{key}.html.gz").read_bytes()),
                            v["articleBody"]))
        if len(out) == n:
            break
    return out


def sitemap_xml(urls: list[str]) -> str:
    return ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls) + "</urlset>")


def serve_original(b: SiteBuilder, o: Original, port: int) -> str:
    """An original on its own site: robots.txt, the page, a sitemap. Returns its served URL."""
    url = f"http://{o.host}:{port}{o.path}"
    b.page(o.host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    b.page(o.host, o.path, o.html)
    b.page(o.host, "/sitemap.xml", sitemap_xml([url]), "application/xml")
    return url


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def farm_page(title: str, paragraphs: list[str], date: str | None, attribution: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    related = "".join(f"<li><a href='/2019/related-{i}'>You will not believe story {i}</a></li>"
                      for i in range(6))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
{meta}<meta property="og:type" content="article"></head><body>
<header><nav><a href="/">Home</a> <a href="/tag/world">World</a> <a href="/tag/tech">Tech</a>
<a href="/tag/money">Money</a></nav><div class="ad">ADVERTISEMENT</div></header>
<div class="content"><h1>{html.escape(title)}</h1><div class="entry">{body}</div>
{attribution}</div>
<aside><h3>You May Also Like</h3><ul>{related}</ul></aside>
<section id="comments"><h3>Leave a Reply</h3><p>Your email address will not be published.
Required fields are marked *</p><form><textarea name="comment"></textarea></form></section>
<footer><p>Copyright 2019 Daily Viral News. Powered by WordPress.</p></footer></body></html>"""


def build_web(pages: Path, port: int, n: int = 10) -> Web:
    originals = load_originals(pages, n)
    b = SiteBuilder()
    web = Web(b, port, originals)
    phrasings = [
        "Source: | This article originally belongs to {site}",
        "This story originally appeared on {site}.",
        "Source: {site}",
        "",  # no attribution at all
    ]
    farm_links, agg_items, partner_urls = [], [], []
    for i, o in enumerate(originals):
        serve_original(b, o, port)
        paras = paragraphs(o.body)
        site = o.host.removeprefix("www.").capitalize()
        phrase = phrasings[i % len(phrasings)]
        # Every copy carries one signal at least: backdated or undated copies say where they
        # come from; a copy that names no source is dated after its original. (A copy with
        # neither, crawled first, is indistinguishable from an original.)
        if phrase:
            date = "2015-01-01T00:00:00Z" if i % 3 == 0 else (
                None if i % 2 else "2020-06-01T00:00:00Z")
        else:
            date = "2020-06-01T00:00:00Z"
        attribution = f"<p>{html.escape(phrase.format(site=site))}</p>" if phrase else ""
        path = f"/2019/{i:02d}/copy-{i}/"
        b.page(FARM, path, farm_page(f"WOW: story {i}", paras, date, attribution))
        web.copies[f"http://{FARM}:{port}{path}"] = o.url
        farm_links.append(path)
        if i % 2 == 0:  # an excerpt with a "read more" link
            k = max(2, round(len(paras) * 0.4))
            apath = f"/brief/{i}"
            more = f"<p>Read more at <a href='{o.url}'>{html.escape(site)}</a></p>"
            b.page(AGG, apath, farm_page(f"Brief {i}", paras[:k], "2020-06-02T00:00:00Z",
                                         more).replace("Daily Viral News", "Newsbrief"))
            web.partials[f"http://{AGG}:{port}{apath}"] = o.url
            agg_items.append(apath)
        if i % 3 == 1:  # a licensed copy with a cross-domain canonical
            ppath = f"/licensed/{i}.html"
            page = farm_page(f"Licensed {i}", paras, "2014-01-01T00:00:00Z", "").replace(
                "<head>", f"<head><link rel='canonical' href='{html.escape(o.url)}'>")
            b.page(PARTNER, ppath, page)
            web.copies[f"http://{PARTNER}:{port}{ppath}"] = o.url
            partner_urls.append(ppath)
    for host in (FARM, AGG, PARTNER):
        b.page(host, "/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    links = "".join(f"<li><a href='{p}'>Story {p}</a></li>" for p in farm_links)
    b.page(FARM, "/", f"<html><body><h1>Daily Viral News</h1><ul>{links}"
           "<li><a href='/private/secret'>secret</a></li></ul></body></html>")
    b.page(FARM, "/private/secret", "<html><body>never fetched</body></html>")
    b.page(FARM, "/tag/world", f"<html><body><ul>{links}</ul></body></html>")
    web.listings += [f"http://{FARM}:{port}/", f"http://{FARM}:{port}/tag/world"]
    b.page(AGG, "/rss.xml", "<?xml version='1.0'?><rss version='2.0'><channel><title>B</title>"
           + "".join(f"<item><title>b</title><link>http://{AGG}:{port}{p}</link></item>"
                     for p in agg_items) + "</channel></rss>", "application/rss+xml")
    b.page(PARTNER, "/sitemap_index.xml", "<?xml version='1.0'?><sitemapindex xmlns="
           "'http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap><loc>"
           f"http://{PARTNER}:{port}/news.xml</loc></sitemap></sitemapindex>", "application/xml")
    b.page(PARTNER, "/news.xml", "<?xml version='1.0'?><urlset xmlns="
           "'http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
               f"<url><loc>http://{PARTNER}:{port}{p}</loc></url>" for p in partner_urls)
           + "</urlset>", "application/xml")
    return web


def sources_yaml(web: Web, extra: str = "") -> str:
    p = web.port
    hosts = [o.host for o in web.originals]
    return f"""
defaults: {{allow_private_addresses: true, refresh: 1d,
            settings: {{AUTOTHROTTLE_ENABLED: false, DOWNLOAD_DELAY: 0}}}}
sources:
  - name: farm
    start_urls: ["http://{FARM}:{p}/"]
    follow: {{max_depth: 2}}
  - name: aggregator
    feeds: ["http://{AGG}:{p}/rss.xml"]
  - name: partner
    sitemaps: ["http://{PARTNER}:{p}/sitemap_index.xml"]
  - name: originals
    sitemaps: {json.dumps([f"http://{h}:{p}/sitemap.xml" for h in hosts])}
    allowed_domains: {json.dumps(hosts)}
{extra}"""
