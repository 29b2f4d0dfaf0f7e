"""Republisher sites: who they are, how they look, and their habits (which copy kinds they
make, how they date and attribute them). One site keeps its habits on every page, as real
sites do, so that what a site does elsewhere is evidence.

Profiles (the same on both halves):

    syndicator  licensed or attributed copies, dated minutes to days after the original
    farm        copies with or without a credit, often undated, day-only or dated in the
                URL; the silent copies
    backdater   unattributed copies dated hours to days before the original
    aggregator  excerpts with a "read more" link, digests of two stories
    rewriter    partial rewrites, dated hours to days after, credited half the time
"""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from wiretrace_testing.webgen import transplant
from wiretrace_testing.webgen.dates import CopyDate, local
from wiretrace_testing.webgen.layouts import LAYOUTS, Parts
from wiretrace_testing.webgen.pools import PHRASINGS, PLACEMENTS, URL_STYLES, RealPage, perturbed


@dataclass(frozen=True)
class Profile:
    kinds: tuple[str, ...]  # copy kinds, drawn with these weights (repeats weigh more)
    behaviours: tuple[str, ...]  # date behaviours, likewise
    credit: float  # share of its copies that carry an attribution line


PROFILES = {
    "syndicator": Profile(("verbatim", "licensed", "licensed", "light-edit"),
                          ("minutes", "hours", "hours", "timezone", "days"), 0.8),
    "farm": Profile(("verbatim", "silent", "silent", "light-edit"),
                    ("undated", "day-only", "url-date", "hours", "minutes"), 0.5),
    "backdater": Profile(("verbatim", "light-edit"), ("backdated",), 0.0),
    "aggregator": Profile(("excerpt", "excerpt", "digest"),
                          ("minutes", "hours", "day-only", "undated"), 1.0),
    "rewriter": Profile(("rewrite",), ("hours", "days", "day-only"), 0.5),
}


@dataclass
class Site:
    name: str
    host: str
    profile: str
    render: Callable[[Parts], str]  # a layout, or transplant.render on a real page
    layout: str  # a written layout's name, or "real:<url>" for a real page as template
    url_style: str
    phrasing: str
    placement: str
    counter: int = 0

    def path(self, title: str, date: CopyDate) -> str:
        """A new article's path, its date in it when the style has one and the page is
        dated (a site that does not date its pages has no dates in its URLs)."""
        self.counter += 1
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "story"
        n = 1000 + 37 * self.counter
        day = date.shown.when if date.shown else date.url_day
        if day is not None:
            day = local(day, date.zone) if date.shown and date.shown.precision == "time" \
                else day
            return self.url_style.format(y=day.strftime("%Y"), m=day.strftime("%m"),
                                         d=day.strftime("%d"), n=n, slug=slug)
        return f"/a/{n}/{slug}" if "{slug}" in self.url_style else f"/item?id={n}"


def make_site(profile: str, publisher: tuple[str, str], seed: int, rng: random.Random,
              templates: list[RealPage]) -> Site:
    """A republisher with ``profile``: a written layout of the seed's half, or (one time in
    three, when ``templates`` has one) a real page of that half as its template."""
    fn: Callable[[Parts], str]
    if templates and rng.random() < 1 / 3:
        page = rng.choice(templates)
        layout, fn = f"real:{page.url}", partial(transplant.render, page)
    else:
        layout, fn = rng.choice(LAYOUTS.half(seed))
    styles = URL_STYLES.half(seed)
    if "url-date" in PROFILES[profile].behaviours:  # its dates are in its URLs
        styles = tuple(s for s in styles if all(f"{{{k}}}" in s for k in ("y", "m", "d")))
    return Site(publisher[0], publisher[1], profile, fn, layout, rng.choice(styles),
                rng.choice(perturbed("phrasings", seed, PHRASINGS.half(seed))),
                rng.choice(PLACEMENTS.half(seed)))
