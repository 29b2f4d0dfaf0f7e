"""Every pool the generator draws from, each split in two halves fixed in the source: seeds
0-99 draw only from ``tuned``, seeds 100 and up only from ``held_out``. The real pages are
split by host (a host's pages all fall in one half), by a hash of the host name, so the split
does not move when pages are added elsewhere.

The ``held_out`` halves were written together with the ``tuned`` ones, before any score
existed, and are not to be edited to follow a score: a change to a pool moves reporting to a
fresh seed range (see the README, "Benchmarks you can't tune to").
"""

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
HELD_OUT_FROM = 100  # the first held-out seed


@dataclass(frozen=True)
class Pool(Generic[T]):
    tuned: tuple[T, ...]
    held_out: tuple[T, ...]

    def half(self, seed: int) -> tuple[T, ...]:
        """The half a seed may draw from."""
        return self.tuned if seed < HELD_OUT_FROM else self.held_out


def held_out(seed: int) -> bool:
    return seed >= HELD_OUT_FROM


@dataclass(frozen=True)
class RealPage:
    key: str  # the corpus's file name
    url: str  # the real URL
    host: str
    html: bytes
    body: str  # the human ground truth of its article

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + ("?" + parts.query if parts.query else "")

    @property
    def words(self) -> int:
        return len(self.body.split())


def _host_hash(host: str) -> str:
    return hashlib.sha256(host.removeprefix("www.").encode()).hexdigest()


@cache
def real_pages(pages_dir: Path) -> Pool[RealPage]:
    """The corpus's pages, split by host into the two halves."""
    gt = json.loads((pages_dir / "ground-truth.json").read_text())
    pages = []
    for key in sorted(gt):
        url = gt[key]["url"]
        pages.append(RealPage(key, url, (urlsplit(url).hostname or "").lower(),
                              gzip.decompress((pages_dir / "html" / f"{key}.html.gz")
                                              .read_bytes()), gt[key]["articleBody"]))
    hosts = sorted({p.host for p in pages}, key=_host_hash)
    first = set(hosts[: (len(hosts) + 1) // 2])
    return Pool(tuple(p for p in pages if p.host in first),
                tuple(p for p in pages if p.host not in first))


# Republishers' names and hosts: (publisher name, host).
PUBLISHERS: Pool[tuple[str, str]] = Pool(
    tuned=(
        ("Daily Viral News", "dailyviralnews.test"), ("The Morning Ledger", "morningledger.test"),
        ("NewsNow Hub", "newsnowhub.test"), ("Trending Today", "trendingtoday.test"),
        ("Metro Wire", "metrowire.test"), ("The Global Digest", "globaldigest.test"),
        ("Buzz Central", "buzzcentral.test"), ("Headline Hive", "headlinehive.test"),
        ("Partner Press", "partnerpress.test"), ("Sunrise Times", "sunrisetimes.test"),
        ("InfoStream 24", "infostream24.test"), ("Clickworthy", "clickworthy.test"),
    ),
    held_out=(
        ("Valley Courier", "valleycourier.test"), ("NewsPile", "newspile.test"),
        ("The Evening Standard-Bearer", "eveningbearer.test"), ("Feedlines", "feedlines.test"),
        ("WorldScan Daily", "worldscan.test"), ("Current Affairs Now", "currentaffairsnow.test"),
        ("Topstory Network", "topstorynet.test"), ("The Harbour Gazette", "harbourgazette.test"),
        ("Syndicate Plus", "syndicateplus.test"), ("Readers' Corner", "readerscorner.test"),
        ("Pulse Aggregator", "pulseagg.test"), ("Northside Post", "northsidepost.test"),
    ),
)

# Attribution lines. {name}: the original publisher's name; {domain}: its domain.
PHRASINGS: Pool[str] = Pool(
    tuned=(
        "Source: {name}",
        "This story originally appeared on {name}.",
        "This article was first published on {domain}.",
        "Republished with permission from {name}.",
        "Source: | This article originally belongs to {name}",
        "(Story courtesy of {name})",
        "Originally published at {domain}",
        "This content was first published by {name} and is reproduced here with permission.",
    ),
    held_out=(
        "Credit: {name}",
        "Read the full story at {name}.",
        "This post first appeared on {domain}.",
        "Via {name}",
        "Article sourced from {name}. All rights belong to the original publisher.",
        "Reprinted from {domain} under licence.",
        "Originally posted on {name}. Reposted with permission.",
        "Content provided by {name}.",
    ),
)

# Where the attribution line sits on the page (see layouts.py).
PLACEMENTS: Pool[str] = Pool(
    tuned=("after", "before", "byline"),
    held_out=("after", "before", "footer-note"),
)

# URL shapes of a republisher's article pages: {y}{m}{d} its date, {n} a number, {slug}.
URL_STYLES: Pool[str] = Pool(
    tuned=(
        "/{y}/{m}/{d}/{slug}/", "/news/{n}.html", "/story/{slug}-{n}",
        "/article.php?id={n}&cat=world", "/{y}/{m}/{slug}.html",
    ),
    held_out=(
        "/{y}{m}{d}/{slug}", "/view.aspx?no={n}&sec=news", "/posts/{n}/{slug}",
        "/{y}-{m}-{d}/{slug}.htm", "/index.php?option=article&id={n}&page=1",
    ),
)

# Words a light copy-edit swaps (what an editor or a spinner does).
SYNONYMS: Pool[tuple[tuple[str, str], ...]] = Pool(
    tuned=((("said", "stated"), ("says", "states"), ("people", "individuals"),
            ("about", "around"), ("big", "large"), ("also", "as well"), ("but", "however"),
            ("start", "begin"), ("help", "assist"), ("show", "demonstrate")),),
    held_out=((("said", "noted"), ("says", "notes"), ("many", "numerous"),
               ("buy", "purchase"), ("get", "obtain"), ("need", "require"),
               ("because", "since"), ("before", "prior to"), ("after", "following"),
               ("new", "fresh")),),
)

# A rewrite's new opening paragraph ({name}: the original publisher).
REWRITE_INTROS: Pool[str] = Pool(
    tuned=(
        "Here is what you need to know about the story everyone is sharing today.",
        "A new report is making the rounds, and it raises more questions than it answers.",
        "Readers have been asking us about this one, so we took a closer look.",
    ),
    held_out=(
        "In case you missed it, this is the story that got people talking this week.",
        "We have pulled together the key points of a report that is drawing attention.",
        "The details are still coming in, but the outline of the story is already clear.",
    ),
)

# "Read more" lines under an excerpt ({name}, {url}).
READ_MORE: Pool[str] = Pool(
    tuned=(
        "Read more at <a href='{url}'>{name}</a>",
        "Continue reading on <a href='{url}'>{name}</a>",
    ),
    held_out=(
        "Read the full story at <a href='{url}'>{name}</a>",
        "<a href='{url}'>Full article: {name}</a>",
    ),
)


# Perturbation pools (session 22, issue 12 fourth pass): phrasings written for tuned seeds
# only, after the third pass, to check whether the rules read credits they were not written
# for, without the held-out halves. Used only when WEBGEN_PERTURB=1 and only for tuned seeds;
# a web generated with them is not the web of its seed (figures so made are labelled so).
PERTURBED: dict[str, tuple[object, ...]] = {
    "phrasings": (
        "The post appeared first on {name}.",
        "This story appeared first in {name}.",
        "Reproduced with permission from {name}.",
        "Reposted from {domain}",
        "Via {name}",
        "Courtesy: {name}",
        "This report first ran in {name}.",
        "Content from {name}, used with permission.",
        "Adapted from a story by {name}.",
        "This article is republished from {name} under a Creative Commons license.",
        "Originally seen on {domain}",
        "Published in partnership with {name}.",
    ),
    "read_more": (
        "Read the rest at <a href='{url}'>{name}</a>",
        "Full story: <a href='{url}'>{name}</a>",
        "See the original article at <a href='{url}'>{name}</a>",
        "More at <a href='{url}'>{name}</a>",
    ),
}


def perturbed(pool: str, seed: int, default: tuple[T, ...]) -> tuple[T, ...]:
    """``default`` (a tuned or held-out half), or the perturbation pool of that name for a
    tuned seed when WEBGEN_PERTURB=1."""
    import os

    if seed < HELD_OUT_FROM and os.environ.get("WEBGEN_PERTURB") == "1" and pool in PERTURBED:
        return PERTURBED[pool]  # type: ignore[return-value]
    return default
