"""The syndication benchmark: a local "syndication web" built from the real pages of
../shared/data/article-pages, crawled with the real crawler, every page looked up.

Each original is served under its real host name with its real HTML and date. Republishers,
on templates written for the project, copy them the ways republishers do:

  verbatim   the text in one of three republisher templates: a WordPress content farm
             (navigation, ads, "You May Also Like", "Leave a Reply", footer), a news portal
             ("READ ALSO" links between the paragraphs, ticker, "Most Read", newsletter box,
             cookie banner, legal footer) or an automated aggregator ("auto-generated from a
             syndicated feed" disclaimer); attribution lines of many phrasings or none;
             backdated or undated copies always say where they come from
  silent     for one original in five, the only copy: on the farm, with no date and no
             attribution, crawled before its original (expected: copy; only the farm's
             other pages, which credit other publishers, give it away)
  real-template  a copy on another real site's page (one of the corpus's own pages, its
             article replaced, its identity and dates removed): templates wiretrace has never
             seen, with their real navigation, sidebars and footers (expected: copy)
  light-edit a copy edited lightly (synonyms, words dropped or doubled) on the portal
             (expected: copy)
  canonical  a licensed copy whose cross-domain canonical (or only og:url) names the original
  excerpt    the first 40% of the paragraphs and a "read more" link (expected: partial)
  rewrite    a new headline and intro, a third of the paragraphs dropped, two swapped,
             one added, quotes kept (expected: partial)
  digest     half of this story and a quarter of the next one, undated, crawled before
             both (expected: partial of either story, as it reuses both; the two stories'
             other pages are never drawn into one cluster through it)
  negative   hard negatives: other articles on the farm's and the portal's templates (which
             carry long shared boilerplate), and an article about the same event on another
             site that shares one sentence with the original (expected: no link)

The republishers are crawled before the originals. Results per copy type and overall, a
Markdown report and a PNG plot (precision and recall against the containment and similarity
thresholds) go to bench/out/.

    python -m bench.syndication [N_ORIGINALS]     (make quality; default: every page with
                                                   120 words or more, one per site)
"""

import html
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.localsites import SiteBuilder, free_port, start_server, write_hosts
from dedup.urls import same_publisher, site_of
from tests.crawlsites import (
    Original,
    farm_page,
    load_originals,
    paragraphs,
    serve_original,
    sitemap_xml,
)
from tests.republishers import hub_page, portal_page, typos
from tests.stories import story

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


@dataclass
class Expected:
    url: str  # the served URL
    kind: str  # verbatim | canonical | excerpt | rewrite | negative | original
    role: str | None  # copy | partial | None (no link) | original
    original: str | None  # the original's real URL
    source: str | None = None  # the publisher the "original" itself names as its source
    also: str | None = None  # a second story the page reuses (a digest): linking to it is right


def declared_source(o: Original) -> str | None:
    """The publisher a page names in its own markup as the origin of its text: a rel=canonical,
    og:url, original-source or syndication-source on another publisher's site (an MSN page
    whose canonical is on cnn.com). Read from the HTML with lxml, not with wiretrace's
    extraction: it is a fact of the page. Such a page is a republication, not an original."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(o.html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content",
                  "//meta[@name='original-source']/@content",
                  "//meta[@name='syndication-source']/@content"):
        for value in tree.xpath(xpath):
            host = urlsplit(str(value).strip()).hostname
            if host and not same_publisher(host.lower(), o.host.lower()):
                return site_of(str(value).strip())
    return None


def credits(result: dict[str, Any], source: str) -> bool:
    """Whether wiretrace's answer names ``source`` as where the text comes from."""
    named = (result.get("attributed_to") or "").lower()
    host = site_of(named) if named.startswith(("http://", "https://")) else named
    return bool(host) and same_publisher(host, source)


KINDS = {
    "verbatim": "the full text on a farm, portal or aggregator template, attribution lines "
                "of many phrasings or none (expected: copy)",
    "light-edit": "synonyms, dropped and doubled words (copy)",
    "canonical": "a licensed copy whose canonical or og:url names the original (copy)",
    "real-template": "the text on another real site's page, its article replaced (copy)",
    "silent": "the only copy of a story: no date, no attribution, crawled first (copy)",
    "excerpt": "the first 40% with a \"read more\" link (partial)",
    "rewrite": "new headline and intro, a third dropped, paragraphs swapped and added "
               "(partial)",
    "digest": "half of one story and a quarter of the next, crawled first (partial of either)",
    "negative": "another story on the same template, or about the same event (no link)",
    "original": "the real page itself (original)",
}


def _excerpt(paras: list[str], share: float) -> list[str]:
    """The leading part of the text that holds ``share`` of its distinct 4-word runs (what a
    "40% excerpt" means: it reproduces 40% of the text, also of a text that repeats itself),
    paragraph breaks kept; the last paragraph is cut."""
    words = [(i, w) for i, p in enumerate(paras) for w in p.split()]
    norm = [w.lower() for _, w in words]
    runs = {tuple(norm[k:k + 4]) for k in range(len(norm) - 3)}
    seen: set[tuple[str, ...]] = set()
    cut = len(words)
    for k in range(len(norm) - 3):
        seen.add(tuple(norm[k:k + 4]))
        if len(seen) >= share * len(runs):
            cut = k + 4
            break
    out: dict[int, list[str]] = {}
    for i, w in words[:cut]:
        out.setdefault(i, []).append(w)
    parts = [" ".join(ws) for ws in out.values()]
    return [*parts[:-1], parts[-1] + " ..."] if cut < len(words) else parts


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


def transplant(template: Original, paras: list[str], extra_html: str,
               date: str | None = None) -> str | None:
    """Another real site's page as a republisher's template: the element that holds its
    article (all paragraphs of its human ground truth) emptied and filled with ``paras``,
    its identity and dates (canonical,
    og:url, JSON-LD, date meta, <time>) removed; everything else of the real page stays
    (navigation, sidebars, related links, footers), and ``date`` becomes its date. None when
    its article is not found."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(template.html)
    except (ValueError, lxml.etree.ParserError):
        return None
    for el in tree.xpath("//link[@rel='canonical'] | //meta[@property='og:url'] | "
                         "//script[@type='application/ld+json'] | //time | "
                         "//meta[contains(@property, 'time') or contains(@name, 'date') or "
                         "contains(@itemprop, 'date') or contains(@property, 'date')]"):
        el.drop_tree()
    body = " ".join(template.body.split())
    ours = [el for el in tree.iter("p")
            if len(t := " ".join(el.text_content().split())) >= 40 and t in body]
    if len(ours) < 2:
        return None
    # the article's container: the lowest element holding all of its paragraphs; all of it
    # goes (the article's other paragraphs, captions, in-article links), the page around stays
    chains = [list(el.iterancestors()) for el in ours]
    common = [a for a in chains[0] if all(a in c for c in chains[1:])]
    if not common or common[0].tag in ("body", "html"):
        return None
    parent = common[0]
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
            page = farm_page(f"In brief: {i}", _excerpt(paras, 0.4), "2021-01-02T00:00:00Z",
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
            body = _excerpt(paras, 0.5) + _excerpt(nxt, 0.25)
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


def sources(originals: list[Original], republishers: list[str], port: int) -> dict[str, Any]:
    common = {"allow_private_addresses": True, "settings": {
        "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8}}
    hosts = sorted({o.host for o in originals})
    return {"sources": [
        {"name": "republishers", "sitemaps": [f"http://{h}:{port}/sitemap.xml"
                                              for h in republishers], **common},
        {"name": "originals", "sitemaps": [f"http://{h}:{port}/sitemap.xml" for h in hosts],
         "allowed_domains": hosts, **common},
    ]}


def crawl_and_look_up(originals: list[Original], workdir: Path,
                      redis_url: str | None = None) -> tuple[list[Expected], list[dict], float]:
    port = free_port()
    b, truth, republishers = build(originals, port)
    b.write(workdir / "sites")
    write_hosts(workdir / "hosts", b.hosts())
    (workdir / "sources.yaml").write_text(json.dumps(sources(originals, republishers, port)))
    server = start_server(workdir / "sites", port)
    env = {**os.environ, "WIRETRACE_HOSTS_FILE": str(workdir / "hosts"),
           "WIRETRACE_NAMESPACE": f"syndbench-{port}",
           "WIRETRACE_DATA_DIR": str(workdir / "data")}
    if redis_url:
        env["REDIS_URL"] = redis_url
    exe = str(Path(sys.executable).with_name("wiretrace"))
    t = time.perf_counter()
    try:
        for name in ("republishers", "originals"):  # copies are crawled first
            subprocess.run([exe, "crawl", "--sources", str(workdir / "sources.yaml"), name],
                           env=env, check=True, capture_output=True, text=True)
    finally:
        server.stop()
    elapsed = time.perf_counter() - t
    out = subprocess.run([exe, "lookup", "--json", *[e.url for e in truth]], env=env,
                         check=True, capture_output=True, text=True)
    results = [json.loads(line) for line in out.stdout.splitlines()]
    return truth, results, elapsed


def evaluate(truth: list[Expected], results: list[dict]) -> dict[str, Any]:
    """Per copy type and overall: copy and partial precision and recall, right original,
    false links."""
    canon = {}  # real URL of an original -> the URL wiretrace names it by
    story = {}  # the URL wiretrace names a page by -> the story it tells (its original)
    for e, r in zip(truth, results, strict=True):
        if e.kind == "original":
            canon[e.original] = r["url"]
        story[r["url"]] = e.original
    per: dict[str, Counter[str]] = defaultdict(Counter)
    predicted: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    false_links, misses = [], []
    for e, r in zip(truth, results, strict=True):
        role = r.get("role")
        orig = (r.get("original") or {}).get("url")
        c = per[e.kind]
        c["pages"] += 1
        if role in ("copy", "partial") and e.role != "republished":
            predicted[role] += 1
        if e.role in ("copy", "partial"):
            # the page copied, or, when that page declares itself a republication, "original
            # not indexed" with its declared source named
            right = (orig is not None and orig in (canon.get(e.original or ""),
                                                   canon.get(e.also or ""))) or bool(
                e.source and orig is None and credits(r, e.source))
            c["linked"] += role in ("copy", "partial")
            c["right_original"] += right
            c["role_ok"] += role == e.role and right
            if role == e.role and right:
                correct[role] += 1
            if orig is not None and story.get(orig) not in (e.original, e.also):
                false_links.append((e.url, orig))  # linked to another story
            if not (role == e.role and right):
                misses.append((e.kind, e.url, role, orig, r.get("containment")))
        elif e.role is None:
            if role in ("copy", "partial", "original"):
                false_links.append((e.url, orig or "(as an original)"))
                c["false_link"] += 1
        elif e.role == "original":
            c["role_ok"] += role == "original"
        elif e.role == "republished":  # a copy of its declared source, which is not indexed
            # right: attributed to its declared source, as a copy with no indexed original,
            # or as the original of the copies that name it
            ok = credits(r, e.source or "") and (
                role == "original" or (role in ("copy", "partial") and orig is None))
            c["role_ok"] += ok
            if not ok and role in ("copy", "partial"):
                predicted[role] += 1
            if not ok:
                misses.append((e.kind, e.url, role, orig, r.get("containment")))
    expected = Counter(e.role for e in truth if e.role in ("copy", "partial"))
    linked = [e for e in truth if e.role in ("copy", "partial")]
    return {
        "per_type": {k: dict(v) for k, v in per.items()},
        "copy_recall": correct["copy"] / max(1, expected["copy"]),
        "copy_precision": correct["copy"] / max(1, predicted["copy"]),
        "partial_recall": correct["partial"] / max(1, expected["partial"]),
        "partial_precision": correct["partial"] / max(1, predicted["partial"]),
        "right_original": sum(per[k]["right_original"] for k in per) / max(1, len(linked)),
        "false_links": false_links,
        "misses": misses,
        "republished": [(e.original, e.source) for e in truth if e.role == "republished"],
    }


def plot(truth: list[Expected], results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = [(e, r) for e, r in zip(truth, results, strict=True) if e.kind != "original"]
    ts = [i / 50 for i in range(51)]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, title in ((axes[0], "containment", "containment threshold"),
                           (axes[1], "similarity", "similarity (Jaccard) threshold")):
        # a page counts as "copy" (or as linked at all) when its score reaches the threshold
        for want, style in (("copy", "-"), ("linked", "--")):
            def wanted(e: Expected, want: str = want) -> bool:
                return e.role == "copy" if want == "copy" else e.role in ("copy", "partial")

            total = [e for e, _ in pairs if wanted(e)]
            prec, rec = [], []
            for t in ts:
                hit = [e for e, r in pairs if (r.get(key) or 0) >= t]
                good = [e for e in hit if wanted(e)]
                prec.append(len(good) / len(hit) if hit else 1.0)
                rec.append(len(good) / len(total) if total else 0.0)
            label = "copy" if want == "copy" else "copy or partial (linked)"
            ax.plot(ts, prec, style, label=f"{label}: precision")
            ax.plot(ts, rec, style, label=f"{label}: recall")
        ax.set_xlabel(title)
        ax.set_ylim(0, 1.05)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("wiretrace on the syndication web: precision and recall against thresholds")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def report(ev: dict[str, Any], n: int, pages: int, elapsed: float) -> str:
    lines = ["# Syndication benchmark\n", f"{n} real originals, {pages} pages, crawled with "
             f"`wiretrace crawl` (republishers first) in {elapsed:.1f} s.\n",
             "| metric | value | target |", "|---|---|---|"]
    targets = {"copy_recall": 0.98, "copy_precision": 0.99, "partial_recall": 0.95,
               "right_original": 0.97}
    for k in ("copy_recall", "copy_precision", "partial_recall", "partial_precision",
              "right_original"):
        t = targets.get(k)
        mark = "" if t is None else (" met" if ev[k] >= t else " **missed**")
        lines.append(f"| {k.replace('_', ' ')} | {ev[k]:.3f} | {t or '-'}{mark} |")
    lines.append(f"| false links between different articles | {len(ev['false_links'])} | 0 |")
    if ev.get("republished"):
        lines += ["", "Pages of the corpus that declare in their markup (a canonical or "
                  "original-source on another publisher's site) that they republish another "
                  "publisher's story are not originals: for them and their copies the right "
                  "answer is \"original not indexed\", with the declared source named "
                  "(`attributed_to`); where a copy names such a page, that page may be the "
                  "original of its copies, still attributed to its declared source:", ""]
        lines += [f"- {url} names {src}" for url, src in ev["republished"]]
    lines += ["", "| copy type | pages | linked | right original | right role and original |"
              " false links |", "|---|---|---|---|---|---|"]
    for kind, c in sorted(ev["per_type"].items()):
        lines.append(f"| {kind} | {c.get('pages', 0)} | {c.get('linked', '-')} | "
                     f"{c.get('right_original', '-')} | {c.get('role_ok', 0)} | "
                     f"{c.get('false_link', 0)} |")
    lines += ["", "Copy types (module docstring of bench/syndication.py for the details):", ""]
    lines += [f"- **{k}**: {v}" for k, v in KINDS.items()]
    if ev["misses"]:
        lines += ["", "## Misses", "", "| type | page | role | original | containment |",
                  "|---|---|---|---|---|"]
        for kind, url, role, orig, cont in ev["misses"]:
            lines.append(f"| {kind} | {url} | {role} | {orig} | {cont} |")
        kinds = Counter((m[0], m[2] if m[3] or m[2] == "original"
                         else f"{m[2]} (no original)") for m in ev["misses"])
        why = {
            ("verbatim", "partial"): "full copies (built from each page's human ground truth) "
            "read as partial where trafilatura extracts much more of the original page than "
            "that ground truth (related stories, captions, comments): containment is "
            "measured against the original's extracted text",
            ("excerpt", "copy"): "an excerpt of 40% of the words that holds most of the "
            "original's distinct 4-word shingles, because the original repeats itself "
            "(recipes, lists), reads as a copy",
            ("rewrite", "copy"): "a rewrite that kept the long paragraphs reads as a copy",
            ("light-edit", "partial"): "the edits touch more than a quarter of the "
            "original's 4-word shingles",
            ("verbatim", "copy (no original)"): "the copy is linked to no original: the page "
            "copied names a source outside the index, or the copy names one",
            ("verbatim", "original"): "the copy is taken for the original: it says nothing "
            "of where it comes from and its date, if any, is not later than the original's",
            ("silent", "original"): "the silent copy, seen first, is taken for the original: "
            "when the original arrived, the farm was not (yet) known to republish (below "
            "WIRETRACE_REPUBLISHER_SHARE of its articles were copies or credited another "
            "publication, as the farm also runs stories of its own)",
            ("excerpt", "partial (no original)"): "the excerpt is linked to no original (see "
            "above)",
            ("excerpt", "partial"): "the excerpt is linked to the wrong original of its "
            "cluster",
        }
        lines += ["", "Why:"] + [f"- {kind} as {role} ({n}): {why.get((kind, role), 'see above')}"
                                 for (kind, role), n in sorted(kinds.items(),
                                                               key=lambda x: str(x))]
    if ev["false_links"]:
        lines += ["", "## False links", ""] + [f"- {a} -> {b}" for a, b in ev["false_links"]]
    lines += ["", "![precision and recall against thresholds](syndication.png)", ""]
    return "\n".join(lines)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000  # every usable page
    originals = load_originals_for_bench(n)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wt-synd-") as tmp:
        truth, results, elapsed = crawl_and_look_up(originals, Path(tmp),
                                                    os.environ.get("REDIS_URL"))
    (out / "syndication.json").write_text(json.dumps(
        [{"expected": vars(e), "got": r} for e, r in zip(truth, results, strict=True)],
        indent=1))
    ev = evaluate(truth, results)
    (out / "syndication.md").write_text(report(ev, len(originals), len(truth), elapsed))
    plot(truth, results, out / "syndication.png")
    print((out / "syndication.md").read_text())


def load_originals_for_bench(n: int) -> list[Original]:
    from bench.corpus import PAGES

    return load_originals(PAGES, n, min_words=120)


if __name__ == "__main__":
    main()
