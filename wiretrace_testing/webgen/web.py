"""A syndication web from a seed: real originals, republisher sites copying them, hard
negatives, crawl phases, and what each page is.

    web = generate(7, PAGES)          # seeds 0-99: tuned halves; 100+: held-out halves
    web.pages[0].role, web.phases

The same seed gives the same web, byte for byte.
"""

import html
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

from wiretrace_testing.webgen import copies, transplant
from wiretrace_testing.webgen.dates import PageDate, copy_date, original_date
from wiretrace_testing.webgen.layouts import Parts
from wiretrace_testing.webgen.pools import (
    PUBLISHERS,
    READ_MORE,
    RealPage,
    perturbed,
    real_pages,
)
from wiretrace_testing.webgen.sites import PROFILES, Site, make_site


@dataclass
class Page:
    host: str
    path: str
    html: bytes
    kind: str  # "original", a copy kind (copies.KINDS) or "negative"
    role: str | None  # original | copy | partial | None (linked to nothing)
    stories: tuple[str, ...] = ()  # the originals' keys whose text it carries
    behaviour: str | None = None  # a copy's date behaviour (dates.BEHAVIOURS)
    date: PageDate | None = None  # the date the page shows (a day in its URL included)
    names: tuple[str, ...] = ()  # the originals (keys) it names: a credit, link or canonical
    site: str = ""  # the republisher's profile, or "original"
    layout: str = ""
    phase: int = 0

    def url(self, port: int | None) -> str:
        return f"http://{self.host}{f':{port}' if port else ''}{self.path}"


@dataclass
class Web:
    seed: int
    pages: list[Page]
    phases: int
    originals: dict[str, Page] = field(default_factory=dict)  # story key -> its original


def _title(page: RealPage) -> str:
    tree = lxml.html.fromstring(page.html)
    for xp in ("//meta[@property='og:title']/@content", "//title/text()", "//h1//text()"):
        for v in tree.xpath(xp):
            if str(v).strip():
                return " ".join(str(v).split())[:140]
    return page.body.split(".")[0][:100]


def _site_name(page: RealPage) -> str:
    tree = lxml.html.fromstring(page.html)
    for v in tree.xpath("//meta[@property='og:site_name']/@content"):
        if str(v).strip():
            return " ".join(str(v).split())
    return page.host.removeprefix("www.")


def _declares_other_source(page: RealPage) -> bool:
    """A corpus page that says in its markup that it republishes another site's story (a
    canonical or og:url elsewhere): not an original."""
    tree = lxml.html.fromstring(page.html)
    for v in tree.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
                        " | //meta[@name='original-source']/@content"):
        host = (urlsplit(str(v).strip()).hostname or "").lower()
        if host and host.removeprefix("www.") not in page.host and \
                page.host.removeprefix("www.") not in host:
            return True
    return False


def _stray_date(page_html: str) -> PageDate | None:
    """A date a page shows that its republisher did not give it: a real template's own
    date text left around the article (it is on the page, so it is the page's date)."""
    from htmldate import find_date

    day = find_date(page_html, extensive_search=True, original_date=True)
    if day and not day.endswith("-01-01"):  # a copyright year is not a date
        return PageDate(datetime.fromisoformat(day).replace(tzinfo=UTC), "day")
    return None


def _usable_original(page: RealPage) -> bool:
    return page.words >= 120 and not _declares_other_source(page)


def generate(seed: int, pages_dir: Path, n_originals: int = 6, n_sites: int = 6) -> Web:
    rng = random.Random(seed)
    half = real_pages(pages_dir).half(seed)
    by_host: dict[str, RealPage] = {}
    for p in half:
        if _usable_original(p):
            by_host.setdefault(p.host, p)
    chosen = rng.sample(sorted(by_host), min(n_originals, len(by_host)))
    originals = [by_host[h] for h in chosen]
    templates = [p for p in half if p.host not in chosen and transplant.usable(p)]
    texts = [p.body for p in half if p.host not in chosen]
    publishers = rng.sample(PUBLISHERS.half(seed), n_sites)
    profiles = [*PROFILES, *rng.choices(list(PROFILES), k=max(0, n_sites - len(PROFILES)))]
    sites = [make_site(pr, pub, seed, rng, templates)
             for pr, pub in zip(profiles, publishers, strict=False)]

    # crawl phases: republishers first, originals first, or each site at random
    order = rng.choice(["republishers-first", "originals-first", "mixed"])
    phase_of: dict[str, int] = {}
    for s in sites:
        phase_of[s.host] = {"republishers-first": 0, "originals-first": 2}.get(
            order, rng.randrange(3))
    for o in originals:
        phase_of[o.host] = {"republishers-first": 2, "originals-first": 0}.get(
            order, rng.randrange(3))

    web = Web(seed, [], 3)
    base = datetime(2021, 3, 1, 9, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 200))
    meta = {o.key: (_title(o), _site_name(o), original_date(o.html)) for o in originals}
    for o in originals:
        page = Page(o.host, o.path, o.html, "original", "original", (o.key,),
                    date=meta[o.key][2], site="original", layout="real",
                    phase=phase_of[o.host])
        web.pages.append(page)
        web.originals[o.key] = page

    def add(site: Site, kind: str, story: RealPage, paras: list[str], title: str,
            also: RealPage | None = None) -> None:
        prof = PROFILES[site.profile]
        behaviour = "undated" if kind == "silent" else rng.choice(prof.behaviours)
        o_date = meta[story.key][2]
        date = copy_date(behaviour, o_date, base, seed, rng)
        name, domain = meta[story.key][1], story.host.removeprefix("www.")
        credit, head, names = "", "", []
        if kind == "licensed":
            markup = rng.choice(copies.LICENSED_MARKUP.half(seed))
            head = markup.format(url=html.escape(story.url, quote=True))
            names.append(story.key)
        elif kind == "excerpt":
            credit = rng.choice(perturbed("read_more", seed, READ_MORE.half(seed))).format(
                url=html.escape(story.url, quote=True), name=html.escape(name))
            names.append(story.key)
        elif kind == "digest":
            assert also is not None
            credit = " ".join(f"<a href='{html.escape(s.url, quote=True)}'>"
                              f"{html.escape(meta[s.key][1])}</a>" for s in (story, also))
            credit = f"Sources: {credit}"
            names += [story.key, also.key]
        elif kind != "silent" and site.profile != "backdater" and rng.random() < prof.credit:
            credit = html.escape(site.phrasing.format(name=name, domain=domain))
            names.append(story.key)
        parts = Parts(title, paras, site.name, date, credit, site.placement, head, seed)
        path = site.path(title, date)
        page_html = site.render(parts)
        shown = date.shown or (PageDate(date.url_day, "day") if date.url_day else None) or \
            _stray_date(page_html)
        web.pages.append(Page(site.host, path, page_html.encode(), kind,
                              copies.KINDS[kind], (story.key, *((also.key,) if also else ())),
                              behaviour, shown, tuple(names), site.profile, site.layout,
                              phase_of[site.host]))

    by_profile = {s.profile: s for s in reversed(sites)}
    for i, o in enumerate(originals):
        paras = copies.paragraphs(o.body)
        title = meta[o.key][0]
        for site in rng.sample(sites, rng.randint(2, 4)):
            kind = rng.choice(PROFILES[site.profile].kinds)
            if kind == "excerpt":
                add(site, kind, o, copies.excerpt(paras, rng.uniform(0.25, 0.45)), title)
            elif kind == "digest":
                nxt = originals[(i + 1) % len(originals)]
                add(site, kind, o, copies.digest(paras, copies.paragraphs(nxt.body)),
                    f"Morning briefing: {title[:60]}", nxt)
            elif kind == "rewrite":
                own = copies.filler(texts, rng)
                add(site, kind, o, copies.rewrite(paras, own, seed, rng),
                    f"What we know: {title[:80]}")
            elif kind == "light-edit":
                add(site, kind, o, copies.light_edit(paras, seed, rng), title)
            else:
                add(site, kind, o, paras, title)
    _negatives(web, sites, originals, texts, seed, rng, base, phase_of, by_profile)
    return web


def _negatives(web: Web, sites: list[Site], originals: list[RealPage], texts: list[str],
               seed: int, rng: random.Random, base: datetime, phase_of: dict[str, int],
               by_profile: dict[str, Site]) -> None:
    """Each site's own story on its own template (the template is shared, the text is
    not), and an article on the same event as an original, one sentence of it quoted."""

    def own_page(site: Site, title: str, paras: list[str], behaviour: str) -> None:
        date = copy_date(behaviour, None, base, seed, rng)
        parts = Parts(title, paras, site.name, date, "", site.placement, "", seed)
        web.pages.append(Page(site.host, site.path(title, date), site.render(parts).encode(),
                              "negative", None, date=date.shown, site=site.profile,
                              layout=site.layout, phase=phase_of[site.host]))

    for site in sites:
        own = [copies.filler(texts, rng, rng.randint(50, 90)) for _ in range(rng.randint(4, 7))]
        own_page(site, f"{site.name} report: {own[0][:50]}", own, "hours")
    for o in originals[:2]:
        quote = max(copies.paragraphs(o.body), key=len).split(". ")[0] + "."
        own = [copies.filler(texts, rng, rng.randint(50, 90)) for _ in range(5)]
        own.insert(2, quote)
        own_page(by_profile.get("rewriter") or sites[0], f"Reaction: {own[0][:60]}", own,
                 "days")
