"""The syndication web of the syndication benchmark (bench/syndication.py has the full
description): republisher pages built from the real corpus pages, with the expected answer
for each page."""

import html
import random
from collections import defaultdict

from wiretrace_testing.crawlsites import (
    Original,
    farm_page,
    paragraphs,
    serve_original,
    sitemap_xml,
)
from wiretrace_testing.localsites import SiteBuilder
from wiretrace_testing.real_templates import transplant
from wiretrace_testing.republishers import hub_page, portal_page, typos
from wiretrace_testing.stories import story
from wiretrace_testing.syndication_truth import Expected, declared_source
from wiretrace_testing.webgen.copies import excerpt

FARM, AGG, PARTNER, REWRITER, OTHER = ("dailyviralnews.test", "newsbrief-aggregator.test",
                                       "partnerwire.test", "trendingnow.test",
                                       "thecitypost.test")
PORTAL, HUB = "dailyledger.test", "newsnowhub.test"
PHRASINGS = [
    "Source: | This article originally belongs to {site}",
    "This story originally appeared on {site}.",
    "Source: {site}",
    "Republished with permission from {site}.",
    "This article was first published on {site}",
    "(Story courtesy of {site})",
    "",
    "",
]
ABOUT = ("About Daily Viral News: we bring you the stories everyone is talking about, from "
         "world news and politics to technology, money, health and entertainment. Our editors "
         "pick the most shared articles of the day so you never miss what matters, and our "
         "newsletter brings them to your inbox every morning. Follow us on social media, share "
         "the stories you like with your friends and family, and tell us in the comments what "
         "you think. Advertising enquiries, corrections and partnership requests can be sent "
         "through the contact page; we read every message and answer within two working days.")


def _drop_share(paras: list[str], share: float) -> list[str]:
    """Paragraphs with about ``share`` of the words dropped (every third one first)."""
    total = sum(len(p.split()) for p in paras)
    order = [j for j in range(len(paras)) if j % 3 == 2] + \
        [j for j in range(len(paras)) if j % 3 == 1]
    dropped, gone = set(), 0
    for j in order:
        if gone >= share * total:
            break
        dropped.add(j)
        gone += len(paras[j].split())
    kept = [p for j, p in enumerate(paras) if j not in dropped]
    return kept if len(kept) >= 3 else paras[:3]


def build(originals: list[Original], port: int, seed: int = 11,
          ) -> tuple[SiteBuilder, list[Expected], list[str]]:
    rng = random.Random(seed)
    b = SiteBuilder()
    truth: list[Expected] = []
    rep: dict[str, list[str]] = defaultdict(list)

    def serve(host: str, path: str, page: str, exp: Expected) -> None:
        b.page(host, path, page)
        rep[host].append(path)
        truth.append(exp)

    for i, o in enumerate(originals):
        src = declared_source(o)
        truth.append(Expected(serve_original(b, o, port), "original",
                              "republished" if src else "original", o.url, src))
        paras = paragraphs(o.body)
        site = o.host.removeprefix("www.").capitalize()
        # a story that one farm copies silently, and nobody else: no date, no attribution,
        # crawled before its original; only what wiretrace knows of the farm (its other pages
        # credit other publishers) tells the copy from the original (expected: copy)
        if i % 5 == 4:
            page = farm_page(f"Must read: story {i}", paras, None,
                             f"<div class='about'><p>{ABOUT}</p></div>")
            serve(FARM, f"/2021/{i:03d}/must-read/", page,
                  Expected(f"http://{FARM}:{port}/2021/{i:03d}/must-read/", "silent", "copy",
                           o.url, src))
            continue
        # verbatim, in the farm's template
        phrase = PHRASINGS[i % len(PHRASINGS)]
        if phrase:
            date = rng.choice(["2001-01-01T00:00:00Z", None, "2021-01-01T00:00:00Z"])
        else:
            date = "2021-01-01T00:00:00Z"
        attribution = f"<p>{html.escape(phrase.format(site=site))}</p>" if phrase else ""
        if i % 4 == 1:
            attribution += f"<p><a href='{html.escape(o.url)}'>Original article</a></p>"
        title = f"You won't believe this: story {i}"
        if i % 3 == 0:  # the WordPress farm
            host, path = FARM, f"/{2019 + i % 3}/{i:03d}/story/"
            page = farm_page(title, paras, date,
                             attribution + f"<div class='about'><p>{ABOUT}</p></div>")
        elif i % 3 == 1:  # the news portal, "READ ALSO" links between the paragraphs
            host, path = PORTAL, f"/world/{i}/{i * 7919 % 100000}.html"
            page = portal_page(title, paras, date, attribution)
        else:  # the automated aggregator
            host, path = HUB, f"/story/{i:04d}"
            page = hub_page(title, paras, date, attribution)
        serve(host, path, page,
              Expected(f"http://{host}:{port}{path}", "verbatim", "copy", o.url, src))
        # a copy on another real site's page, a template wiretrace has never seen: that
        # page's own article replaced by this one, its identity and dates removed
        if i % 4 == 2:
            tpl = originals[(i + 7) % len(originals)]
            line = PHRASINGS[(i // 4) % len(PHRASINGS)].format(site=site)
            # dated after the original, as a republisher's page is; one that names its
            # source may also be undated
            page = transplant(tpl, paras, f"<p>{html.escape(line)}</p>" if line else "",
                              None if line and i % 8 < 4 else "2021-02-02T00:00:00Z")
            if page:
                host = "copy-of-" + tpl.host.removeprefix("www.").replace(".", "-") + ".test"
                serve(host, f"/stories/{i}.html", page,
                      Expected(f"http://{host}:{port}/stories/{i}.html", "real-template",
                               "copy", o.url, src))
        # a lightly edited copy: synonyms, dropped and doubled words (expected: copy)
        if i % 4 == 3:
            edited = [typos(p, seed=i * 100 + k) for k, p in enumerate(paras)]
            line = f"<p>{html.escape(PHRASINGS[(i + 3) % 6].format(site=site))}</p>"
            page = portal_page(f"Edited: {i}", edited, "2021-02-01T00:00:00Z", line)
            serve(PORTAL, f"/edited/{i}.html", page,
                  Expected(f"http://{PORTAL}:{port}/edited/{i}.html", "light-edit", "copy",
                           o.url, src))
        # a licensed copy naming the original in its canonical (or og:url only)
        if i % 3 == 0:
            tag = "link rel='canonical' href" if i % 2 == 0 else "meta property='og:url' content"
            page = farm_page(f"Licensed: {i}", paras, "2000-01-01T00:00:00Z", "").replace(
                "<head>", f"<head><{tag}='{html.escape(o.url)}'>").replace(
                "Daily Viral News", "Partner Wire")
            serve(PARTNER, f"/licensed/{i}.html", page,
                  Expected(f"http://{PARTNER}:{port}/licensed/{i}.html", "canonical", "copy",
                           o.url, src))
        # an excerpt with a "read more" link: the first paragraphs, about 40% of the words
        if i % 2 == 0 and len(paras) >= 4:
            more = f"<p>Read more at <a href='{html.escape(o.url)}'>{html.escape(site)}</a></p>"
            page = farm_page(f"In brief: {i}", excerpt(paras, 0.4), "2021-01-02T00:00:00Z",
                             more)
            serve(AGG, f"/brief/{i}", page.replace("Daily Viral News", "Newsbrief"),
                  Expected(f"http://{AGG}:{port}/brief/{i}", "excerpt", "partial", o.url,
                           src))
        # a partial rewrite
        if i % 2 == 1 and len(paras) >= 6:
            kept = _drop_share(paras, 0.4)
            kept[1], kept[2] = kept[2], kept[1]
            intro = story(5000 + i, paragraphs=1)
            extra = story(6000 + i, paragraphs=1)
            body = [intro, *kept[:len(kept) // 2], extra, *kept[len(kept) // 2:]]
            page = farm_page(f"What we know so far: {i}", body, "2021-01-03T00:00:00Z", "")
            serve(REWRITER, f"/news/{i}-what-we-know", page.replace("Daily Viral News",
                                                                   "Trending Now"),
                  Expected(f"http://{REWRITER}:{port}/news/{i}-what-we-know", "rewrite",
                           "partial", o.url, src))
        # a digest quoting this story and the next one, crawled with the republishers:
        # a partial of this story (it quotes more of it); the other story's copies must not
        # be drawn into this story's cluster through it
        if i % 6 == 1:
            nxt = paragraphs(originals[(i + 1) % len(originals)].body)
            body = excerpt(paras, 0.5) + excerpt(nxt, 0.25)
            page = farm_page(f"Morning digest {i}", body, None, "")
            serve(AGG, f"/digest/{i}", page.replace("Daily Viral News", "Newsbrief"),
                  Expected(f"http://{AGG}:{port}/digest/{i}", "digest", "partial", o.url, src,
                           originals[(i + 1) % len(originals)].url))
        # hard negatives: another story on the farm's template; the same event elsewhere
        if i % 3 == 2:
            other = story(7000 + i, paragraphs=6).split("\n\n")
            page = farm_page(f"Also trending: {i}", other, "2021-01-04T00:00:00Z",
                             f"<div class='about'><p>{ABOUT}</p></div>")
            serve(FARM, f"/2021/{i:03d}/other/", page,
                  Expected(f"http://{FARM}:{port}/2021/{i:03d}/other/", "negative", None,
                           None))
            quote = max(paras, key=len).split(". ")[0] + "."
            event = story(8000 + i, paragraphs=6).split("\n\n")
            event.insert(2, quote)
            page = farm_page(f"City reacts: {i}", event, "2021-01-05T00:00:00Z", "").replace(
                "Daily Viral News", "The City Post")
            serve(OTHER, f"/local/{i}", page,
                  Expected(f"http://{OTHER}:{port}/local/{i}", "negative", None, None))
            # another story on the portal's template: same menus, ticker, "READ ALSO"
            # headlines, sidebar, newsletter and footer as the portal's copies
            other = story(9000 + i, paragraphs=7).split("\n\n")
            page = portal_page(f"Portal story {i}", other, "2021-01-06T00:00:00Z", "")
            serve(PORTAL, f"/local/{i}/own.html", page,
                  Expected(f"http://{PORTAL}:{port}/local/{i}/own.html", "negative", None,
                           None))
    for host, paths in rep.items():
        b.page(host, "/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
        b.page(host, "/sitemap.xml", sitemap_xml([f"http://{host}:{port}{p}" for p in paths]),
               "application/xml")
    return b, truth, sorted(rep)
