"""Republisher page layouts written for the generator, three per half, each with the
boilerplate, navigation and related-story blocks its kind of site repeats on every page.

tuned:    farm (WordPress: "You May Also Like", "Leave a Reply"), portal (cookie banner,
          ticker, "READ ALSO" between paragraphs, "Most Read", newsletter, legal footer),
          hub (an automated aggregator with an "auto-generated from a feed" disclaimer)
held out: magazine (hero, author bio, "Related Articles" teasers, follow box, sitemap
          footer), legacy (a table layout: left column of links, "Print | Email", a hit
          counter), app (breadcrumbs, app banner, "Recommended for you", tag cloud)
"""

import html
import json
from collections.abc import Callable
from dataclasses import dataclass

from wiretrace_testing.webgen.dates import CopyDate, iso, visible
from wiretrace_testing.webgen.pools import Pool

HEADLINES: Pool[str] = Pool(
    tuned=(
        "Council approves new budget after a marathon late night session at city hall",
        "Scientists say the heatwave could return before the end of the month",
        "Local bakery wins national award for the third year in a row",
        "Transport strike called off after last minute talks with the unions",
        "Five things we learned from the weekend's championship final",
        "Home prices keep climbing even as mortgage rates reach a ten year high",
        "Police appeal for witnesses after a crash on the ring road",
        "Streaming giant raises its prices again: here is what changes for you",
    ),
    held_out=(
        "Farmers warn of a poor harvest after the wettest spring on record",
        "The quiet comeback of the neighbourhood video rental shop",
        "Regional airline adds three new routes for the summer season",
        "What the new recycling rules mean for your household bins",
        "Museum returns ancient artefacts after a decade long campaign",
        "Startup promises batteries that charge in five minutes, experts are sceptical",
        "Ten hiking trails that are at their best in the autumn",
        "Teachers vote on a new pay offer as exams approach",
    ),
)


@dataclass(frozen=True)
class Parts:
    """What goes on a copy's page, whatever its layout."""

    title: str
    paragraphs: list[str]  # plain text
    publisher: str
    date: CopyDate
    attribution: str  # HTML (a line, maybe with a link), or ""
    placement: str  # before | after | byline | footer-note
    head_extra: str = ""  # licensed copies: canonical, og:url, original-source
    seed: int = 0


def date_head(p: Parts) -> str:
    d = p.date
    if d.shown is None:
        return ""
    value = iso(d.shown, d.zone)
    if d.placement == "meta-published":
        return f'<meta property="article:published_time" content="{value}">'
    if d.placement in ("jsonld", "jsonld-graph"):
        art = {"@type": "NewsArticle", "headline": p.title, "datePublished": value,
               "publisher": {"@type": "Organization", "name": p.publisher}}
        data = ({"@context": "https://schema.org", **art} if d.placement == "jsonld" else
                {"@context": "https://schema.org", "@graph": [
                    {"@type": "WebPage", "name": p.title}, art]})
        return f'<script type="application/ld+json">{json.dumps(data)}</script>'
    if d.placement == "itemprop":
        return f'<meta itemprop="datePublished" content="{value}">'
    return ""


def date_line(p: Parts) -> str:
    """The date as the reader sees it, in the byline."""
    d = p.date
    if d.shown is None:
        return ""
    text = html.escape(visible(d.shown, d.zone, d.fmt))
    if d.placement == "time-element":
        return f'<time datetime="{iso(d.shown, d.zone)}">{text}</time>'
    return f"<span class='date'>{text}</span>"


def _body(p: Parts, between: Callable[[int], str] | None = None) -> str:
    out = []
    if p.placement == "before" and p.attribution:
        out.append(f"<p><em>{p.attribution}</em></p>")
    for k, text in enumerate(p.paragraphs):
        out.append(f"<p>{html.escape(text)}</p>")
        if between and k < len(p.paragraphs) - 1:
            out.append(between(k))
    if p.placement == "after" and p.attribution:
        out.append(f"<p>{p.attribution}</p>")
    return "".join(out)


def _byline(p: Parts, who: str) -> str:
    src = f" | {p.attribution}" if p.placement == "byline" and p.attribution else ""
    return f"<div class='byline'>{who} {date_line(p)}{src}</div>"


def _note(p: Parts) -> str:
    if p.placement == "footer-note" and p.attribution:
        return f"<p class='note'><small>{p.attribution}</small></p>"
    return ""


def _head(p: Parts) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
            f"{html.escape(p.title)} | {html.escape(p.publisher)}</title>"
            f"{date_head(p)}{p.head_extra}<meta property='og:type' content='article'></head>")


def _links(heads: tuple[str, ...], prefix: str, k: int = 6) -> str:
    return "".join(f"<li><a href='{prefix}{i}'>{html.escape(h)}</a></li>"
                   for i, h in enumerate(heads[:k]))


def farm(p: Parts) -> str:
    heads = HEADLINES.half(p.seed)
    name = html.escape(p.publisher)
    return f"""{_head(p)}<body>
<header><nav><a href="/">Home</a> <a href="/tag/world">World</a> <a href="/tag/tech">Tech</a>
<a href="/tag/money">Money</a></nav><div class="ad">ADVERTISEMENT</div></header>
<div class="content"><h1>{html.escape(p.title)}</h1>{_byline(p, "Posted by admin")}
<div class="entry">{_body(p)}</div>{_note(p)}</div>
<aside><h3>You May Also Like</h3><ul>{_links(heads, "/related/")}</ul></aside>
<section id="comments"><h3>Leave a Reply</h3><p>Your email address will not be published.
Required fields are marked *</p><form><textarea name="comment"></textarea></form></section>
<footer><p>Copyright {name}. Powered by WordPress.</p></footer></body></html>"""


def portal(p: Parts) -> str:
    heads = HEADLINES.half(p.seed)
    name = html.escape(p.publisher)

    def read_also(k: int) -> str:
        if k % 3 != 2:
            return ""
        return (f"<p><strong>READ ALSO:</strong> <a href='/news/{k}'>"
                f"{html.escape(heads[k // 3 % len(heads)])}</a></p>")

    return f"""{_head(p)}<body>
<div class="cookie-banner"><p>We use cookies and similar technologies to improve your
experience, measure our audience and show you personalised advertising. By continuing to
browse this site you agree to our use of cookies.</p><button>Accept all</button></div>
<header><div class="logo">{name}</div><nav><ul><li><a href="/news">News</a></li>
<li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<div class="ticker">Breaking: {html.escape(heads[0])}</div></header>
<main><article><h1>{html.escape(p.title)}</h1>{_byline(p, "By Staff Reporter")}
<div class="article-body">{_body(p, read_also)}</div>{_note(p)}
<div class="share">Share on Facebook Share on Twitter WhatsApp Email</div></article>
<aside><h3>Most Read</h3><ol>{_links(heads, "/most-read/", 8)}</ol>
<div class="newsletter"><h4>Newsletter</h4><p>Get the best of {name} in your inbox every
morning. Sign up now for our free newsletter and never miss a story that matters.</p>
</div></aside></main>
<footer><p>{name}. All material on this site is protected by copyright and may not be
reproduced, distributed, transmitted, cached or otherwise used without the prior written
permission of the publisher.</p></footer></body></html>"""


def hub(p: Parts) -> str:
    heads = HEADLINES.half(p.seed)
    name = html.escape(p.publisher)
    return f"""{_head(p)}<body>
<div class="top"><a href="/">{name}</a> <a href="/latest">Latest</a> <a href="/trending">
Trending</a></div>
<div class="story"><h1>{html.escape(p.title)}</h1>{_byline(p, "")}
<div class="story-body">{_body(p)}</div>{_note(p)}
<p class="disclaimer"><em>(This story has not been edited by {name} staff and is
auto-generated from a syndicated feed.)</em></p></div>
<div class="more"><h3>More stories</h3><ul>{_links(heads, "/story/", 5)}</ul></div>
<div class="foot">&copy; {name}. About | Contact | Privacy</div></body></html>"""


def magazine(p: Parts) -> str:
    heads = HEADLINES.half(p.seed)
    name = html.escape(p.publisher)
    teasers = "".join(
        f"<div class='teaser'><a href='/features/{i}'><h4>{html.escape(h)}</h4></a>"
        f"<p>{html.escape(h.split(':')[0])}, and what comes next.</p></div>"
        for i, h in enumerate(heads[:4]))
    return f"""{_head(p)}<body>
<header class="masthead"><a class="brand" href="/">{name}</a><nav><a href="/culture">Culture
</a> <a href="/ideas">Ideas</a> <a href="/science">Science</a> <a href="/subscribe">Subscribe
</a></nav></header>
<div class="hero"><img src="/img/hero.jpg" alt=""><p class="credit">Photograph: agency</p></div>
<article class="feature"><h1 class="headline">{html.escape(p.title)}</h1>
{_byline(p, "Words by the editors")}<section class="prose">{_body(p)}</section>{_note(p)}
<div class="author-bio"><p>The editors of {name} write about ideas, culture and the
people behind the news. Send tips and corrections through our contact page.</p></div>
</article>
<section class="related"><h3>Related Articles</h3>{teasers}</section>
<div class="follow"><p>Follow {name} for more stories like this one.</p></div>
<footer><ul><li>About us</li><li>Careers</li><li>Advertise</li><li>Privacy</li><li>Terms
</li><li>Sitemap</li></ul><p>&copy; {name} Media.</p></footer></body></html>"""


def legacy(p: Parts) -> str:
    heads = HEADLINES.half(p.seed)
    name = html.escape(p.publisher)
    left = "".join(f"<a href='/section/{i}'>{html.escape(h[:28])}</a><br>"
                   for i, h in enumerate(heads))
    return f"""{_head(p)}<body bgcolor="#ffffff">
<table width="100%"><tr><td colspan="2"><font size="5"><b>{name}</b></font> -
<a href="/">Front page</a> | <a href="/archive.asp">Archive</a></td></tr>
<tr><td width="180" valign="top" class="leftcol">{left}</td>
<td valign="top"><h2>{html.escape(p.title)}</h2>{_byline(p, "")}
<div id="articletext">{_body(p)}</div>{_note(p)}
<p class="tools"><a href="#">Print</a> | <a href="#">Email to a friend</a> |
<a href="#">Comments (0)</a></p></td></tr>
<tr><td colspan="2"><small>This page has been viewed 1024 times. {name} is not responsible
for the content of external sites. All rights reserved.</small></td></tr></table>
</body></html>"""


def app(p: Parts) -> str:
    heads = HEADLINES.half(p.seed)
    name = html.escape(p.publisher)
    recs = "".join(f"<li class='card'><a href='/r/{i}'>{html.escape(h)}</a>"
                   f"<span>{3 + i} min read</span></li>" for i, h in enumerate(heads[2:7]))
    return f"""{_head(p)}<body>
<div class="app-banner">Get the {name} app: faster, offline, no ads. <a href="/app">Install
</a></div>
<header><a href="/">{name}</a><form class="search"><input name="q" placeholder="Search">
</form></header>
<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li>Story</li></ol>
<div class="post"><h1>{html.escape(p.title)}</h1>{_byline(p, "Newsdesk")}
<div class="post-content">{_body(p)}</div>{_note(p)}</div>
<div class="sharebar">Share: X Facebook LinkedIn Copy link</div>
<section class="recommended"><h3>Recommended for you</h3><ul>{recs}</ul></section>
<div class="tags">Trending: Economy Elections Climate Tech Health Travel</div>
<footer>{name} &middot; Terms &middot; Privacy &middot; Cookie settings</footer></body></html>"""


LAYOUTS: Pool[tuple[str, Callable[[Parts], str]]] = Pool(
    tuned=(("farm", farm), ("portal", portal), ("hub", hub)),
    held_out=(("magazine", magazine), ("legacy", legacy), ("app", app)),
)
