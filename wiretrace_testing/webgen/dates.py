"""Dates: what a real page says of its own date (the truth about an original), and how a
republisher dates its copy (a behaviour, a format, a place on the page).

Behaviours (the same on both halves: they are the report's categories):

    minutes    5-55 minutes after the original, a full timestamp
    hours      1-20 hours after, a full timestamp
    days       2-9 days after
    timezone   1-6 hours after, a full timestamp in a zone whose clock reads earlier than
               the original's (a naive comparison of the printed times gets it backwards)
    day-only   a day, no time: the original's day or one to three days after
    url-date   no date on the page, the day in the URL only
    backdated  4 hours to 3 days before the original (a site that dates what it republishes
               early); never attributed
    undated    no date anywhere

The formats and the places a date is printed in are pools split in two halves.
"""

import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import lxml.html

from wiretrace_testing.webgen.pools import Pool

BEHAVIOURS = ("minutes", "hours", "days", "timezone", "day-only", "url-date", "backdated",
              "undated")

# Where a full timestamp goes: structured markup, or visible text only (format below).
TIME_PLACEMENTS: Pool[str] = Pool(
    tuned=("meta-published", "jsonld", "visible"),
    held_out=("time-element", "jsonld-graph", "visible"),
)
# Where a day-only date goes.
DAY_PLACEMENTS: Pool[str] = Pool(
    tuned=("meta-published", "visible"),
    held_out=("itemprop", "visible"),
)
# Visible formats of a timestamp (strftime; %Z-like parts are written by hand below).
TIME_FORMATS: Pool[str] = Pool(
    tuned=("%B %-d, %Y %-I:%M %p {tz}", "%d/%m/%Y %H:%M {tz}", "Published: %Y-%m-%d %H:%M {tz}"),
    held_out=("%a, %-d %b %Y %H:%M {tz}", "%-d %B %Y | %H:%M {tz}",
              "Updated %b %-d, %Y, %H:%M {tz}"),
)
DAY_FORMATS: Pool[str] = Pool(
    tuned=("%B %-d, %Y", "%d/%m/%Y"),
    held_out=("%-d %B %Y", "%a %b %-d %Y"),
)
# Zones a republisher prints its times in (name, offset in hours).
ZONES: Pool[tuple[str, float]] = Pool(
    tuned=(("UTC", 0), ("EST", -5), ("CET", 1), ("IST", 5.5)),
    held_out=(("GMT", 0), ("PST", -8), ("EET", 2), ("JST", 9)),
)


@dataclass(frozen=True)
class PageDate:
    """A date as a page shows it: the instant (UTC) and its precision ("time" or "day")."""

    when: datetime
    precision: str


@dataclass(frozen=True)
class CopyDate:
    behaviour: str
    shown: PageDate | None  # None: the page shows no date (undated, or url-date)
    url_day: datetime | None  # the day the URL carries, if any
    zone: tuple[str, float]
    placement: str  # where the date is printed (see TIME_PLACEMENTS, DAY_PLACEMENTS)
    fmt: str  # the visible format


_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _parse_iso(value: str) -> PageDate | None:
    v = value.strip()
    try:
        d = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None
    precise = bool(_ISO_TIME.match(v))
    if not 1995 <= d.year <= 2035:  # placeholders ("0001-01-01T00:00:00") are no dates
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)  # a naive time is taken as UTC: a guess, as any reader's
    return PageDate(d.astimezone(UTC), "time" if precise else "day")


def original_date(html: bytes) -> PageDate | None:
    """The publication date a real page gives in its markup (Open Graph, JSON-LD,
    itemprop, <time>), else the day htmldate finds; None when the page gives none."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None
    candidates = [str(v) for v in tree.xpath(
        "//meta[@property='article:published_time' or @name='article:published_time' or "
        "@itemprop='datePublished' or @name='pubdate' or @name='publishdate' or "
        "@name='date']/@content")]
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    candidates.append(item["datePublished"])
                stack.extend(v for v in item.values() if isinstance(v, list | dict))
    candidates += [str(v) for v in tree.xpath("//time[@itemprop='datePublished']/@datetime"
                                               " | //*[@itemprop='datePublished']/@content")]
    for c in candidates:
        found = _parse_iso(c)
        if found:
            return found
    from htmldate import find_date

    day = find_date(html.decode("utf-8", "replace"), original_date=True)
    if day and not re.fullmatch(r"\d{4}-01-01", day):  # a copyright year is not a date
        return PageDate(datetime.fromisoformat(day).replace(tzinfo=UTC), "day")
    return None


def copy_date(behaviour: str, original: PageDate | None, base: datetime, seed: int,
              rng: random.Random) -> CopyDate:
    """How a copy of an original dated ``original`` (``base`` when it has no date) is dated."""
    at = original.when if original else base
    zone = rng.choice(ZONES.half(seed))
    day_of = at.replace(hour=0, minute=0, second=0, microsecond=0)
    placement = rng.choice(TIME_PLACEMENTS.half(seed))
    fmt = rng.choice(TIME_FORMATS.half(seed))
    shown: PageDate | None = None
    url_day = None
    if behaviour == "minutes":
        shown = PageDate(at + timedelta(minutes=rng.randint(5, 55)), "time")
    elif behaviour == "hours":
        shown = PageDate(at + timedelta(minutes=rng.randint(60, 20 * 60)), "time")
    elif behaviour == "days":
        shown = PageDate(at + timedelta(hours=rng.randint(48, 9 * 24)), "time")
    elif behaviour == "timezone":
        shown = PageDate(at + timedelta(minutes=rng.randint(60, 6 * 60)), "time")
        zone = ("PDT", -7) if rng.random() < 0.5 else ("HST", -10)
        placement = rng.choice([p for p in TIME_PLACEMENTS.half(seed) if p != "visible"])
    elif behaviour == "day-only":
        shown = PageDate(day_of + timedelta(days=rng.randint(0, 3)), "day")
        placement = rng.choice(DAY_PLACEMENTS.half(seed))
        fmt = rng.choice(DAY_FORMATS.half(seed))
    elif behaviour == "url-date":
        url_day = day_of + timedelta(days=rng.randint(0, 3))
    elif behaviour == "backdated":
        shown = PageDate(at - timedelta(minutes=rng.randint(4 * 60, 72 * 60)), "time")
    elif behaviour != "undated":
        raise ValueError(f"unknown date behaviour {behaviour!r}; one of {BEHAVIOURS}")
    if shown and shown.precision == "day":
        url_day = None
    return CopyDate(behaviour, shown, url_day, zone, placement, fmt)


def local(d: datetime, zone: tuple[str, float]) -> datetime:
    return d.astimezone(timezone(timedelta(hours=zone[1])))


def iso(d: PageDate, zone: tuple[str, float]) -> str:
    """The date as ISO 8601 in the republisher's zone (a day alone for a day)."""
    if d.precision == "day":
        return d.when.strftime("%Y-%m-%d")
    return local(d.when, zone).isoformat(timespec="seconds")


def visible(d: PageDate, zone: tuple[str, float], fmt: str) -> str:
    if d.precision == "day":
        return d.when.strftime(fmt)
    return local(d.when, zone).strftime(fmt).replace("{tz}", zone[0])


def later_by_dates(copy: PageDate | None, original: PageDate | None) -> bool:
    """Whether the dates alone say the copy came after the original: a full timestamp on
    both sides, any later instant; a day on either side, two days later at least (a day
    printed without a zone may be a day off)."""
    if copy is None or original is None:
        return False
    if copy.precision == "time" and original.precision == "time":
        return copy.when > original.when
    return copy.when.date() >= original.when.date() + timedelta(days=2)
