"""Republisher site templates written for the project, each wrapping a copied text the way a
kind of republisher does. Shared by the syndication benchmark and the tests.

- ``portal_page``: a news portal. A cookie banner, a long category menu, a breaking-news
  ticker, a figure with a caption, "READ ALSO" links injected between the paragraphs, tags, a
  share bar, a "Most Read" sidebar and a newsletter box that every page of the site repeats,
  JSON-LD with the date, a long legal footer.
- ``hub_page``: an automated aggregator: a small header, the story in a ``story-body`` div with
  a ``<time>`` date, the "auto-generated from a syndicated feed" disclaimer such sites print,
  a "More stories" list.

(``tests.crawlsites.farm_page`` is the third: a WordPress content farm with "You May Also Like"
and a "Leave a Reply" form.)
"""

import html
import json

HEADLINES = [
    "Council approves new budget after a marathon late night session at city hall",
    "Scientists say the heatwave could return before the end of the month",
    "Local bakery wins national award for the third year in a row",
    "Transport strike called off after last minute talks with the unions",
    "Five things we learned from the weekend's championship final",
    "Home prices keep climbing even as mortgage rates reach a ten year high",
    "Police appeal for witnesses after a crash on the ring road",
    "Streaming giant raises its prices again: here is what changes for you",
    "Hospital waiting lists fall for the first time since the pandemic",
    "Why everyone is suddenly talking about this tiny coastal village",
    "Celebrity chef opens a restaurant in a converted railway station",
    "The best free things to do with children during the school holidays",
]
CATEGORIES = ["Home", "News", "World", "Politics", "Business", "Markets", "Tech", "Science",
              "Health", "Sport", "Culture", "Travel", "Opinion", "Video"]


def _escape_all(paragraphs: list[str]) -> list[str]:
    return [html.escape(p) for p in paragraphs]


def portal_page(title: str, paragraphs: list[str], date: str | None, attribution: str,
                site_name: str = "The Daily Ledger") -> str:
    """A news portal's article page (see the module docstring)."""
    body = []
    for k, p in enumerate(_escape_all(paragraphs)):
        body.append(f"<p>{p}</p>")
        if k % 3 == 2 and k < len(paragraphs) - 1:
            h = HEADLINES[(k // 3) % len(HEADLINES)]
            body.append(f"<p><strong>READ ALSO:</strong> <a href='/news/{k}'>{h}</a></p>")
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "author": {"@type": "Organization", "name": site_name},
          "publisher": {"@type": "Organization", "name": site_name}}
    if date:
        ld["datePublished"] = date
    most_read = "".join(f"<li><a href='/most-read/{k}'>{h}</a></li>"
                        for k, h in enumerate(HEADLINES[:8]))
    ticker = " &bull; ".join(HEADLINES[8:11])
    menu = "".join(f"<li><a href='/{c.lower()}'>{c}</a></li>" for c in CATEGORIES)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site_name)}</title>
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>
<div class="cookie-banner"><p>We use cookies and similar technologies to improve your
experience, measure our audience and show you personalised advertising. By continuing to
browse this site you agree to our use of cookies as described in our cookie policy.</p>
<button>Accept all</button></div>
<header><div class="logo">{html.escape(site_name)}</div><nav><ul>{menu}</ul></nav>
<div class="ticker">Breaking: {ticker}</div></header>
<main><article><h1>{html.escape(title)}</h1>
<div class="byline">By Staff Reporter</div>
<figure><img src="/img/lead.jpg" alt=""><figcaption>File photo. (Image: Shutterstock)
</figcaption></figure>
<div class="article-body">{''.join(body)}</div>
{attribution}
<div class="tags">Tags: World, Politics, Trending</div>
<div class="share">Share on Facebook Share on Twitter WhatsApp Email</div>
</article>
<aside><h3>Most Read</h3><ol>{most_read}</ol>
<div class="newsletter"><h4>Newsletter</h4><p>Get the best of {html.escape(site_name)} in your
inbox every morning. Sign up now for our free newsletter and never miss a story that
matters to you.</p><form><input name="email"><button>Sign up</button></form></div></aside>
</main>
<footer><p>{html.escape(site_name)} is part of Ledger Media Group. All material on this site is
protected by copyright and may not be reproduced, distributed, transmitted, cached or
otherwise used without the prior written permission of the publisher. Terms of use, privacy
notice, cookie policy, complaints procedure and contact details are linked below.</p>
</footer></body></html>"""


def hub_page(title: str, paragraphs: list[str], date: str | None, attribution: str,
             site_name: str = "NewsNow Hub") -> str:
    """An automated aggregator's story page (see the module docstring)."""
    body = "".join(f"<p>{p}</p>" for p in _escape_all(paragraphs))
    when = f"<time datetime='{date}'>{date[:10]}</time>" if date else ""
    more = "".join(f"<li><a href='/story/{k}'>{h}</a></li>"
                   for k, h in enumerate(HEADLINES[3:8]))
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{html.escape(title)}</title></head><body>
<div class="top"><a href="/">{html.escape(site_name)}</a> <a href="/latest">Latest</a>
<a href="/trending">Trending</a></div>
<div class="story"><h1>{html.escape(title)}</h1><div class="meta">{when}</div>
<div class="story-body">{body}</div>{attribution}
<p class="disclaimer"><em>(This story has not been edited by {html.escape(site_name)} staff
and is auto-generated from a syndicated feed. Only the headline and picture may have been
reworked by our staff; the rest of the content is auto-generated.)</em></p></div>
<div class="more"><h3>More stories</h3><ul>{more}</ul></div>
<div class="foot">&copy; {html.escape(site_name)}. About | Contact | Privacy</div>
</body></html>"""


def typos(text: str, seed: int, rate: float = 0.02) -> str:
    """Light copy-editing: a few words swapped for synonyms, dropped or doubled, British
    spellings; what a republisher's editor or a spinner does to a text it keeps."""
    import random

    rng = random.Random(seed)
    swaps = {"said": "stated", "says": "states", "people": "individuals", "about": "around",
             "big": "large", "also": "as well", "color": "colour", "center": "centre",
             "percent": "per cent", "but": "however", "start": "begin", "help": "assist"}
    out = []
    for w in text.split(" "):
        r = rng.random()
        if w.lower() in swaps and r < 0.5:
            out.append(swaps[w.lower()])
        elif r < rate / 2:
            continue  # dropped
        elif r < rate:
            out += [w, w]  # doubled
        else:
            out.append(w)
    return " ".join(out)
