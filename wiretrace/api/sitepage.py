"""A site's page (``/sites/{site}``): the weekly chart drawn on the server as SVG (no script,
under the page's Content-Security-Policy: presentation attributes and classes only, no inline
style) and the Atom feed of its newest copies (feedgen, a maintained Atom writer: it escapes
hostile titles and gets the required elements right)."""

from datetime import UTC, datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from dedup.copyindex import SiteReport
from wiretrace.api import page

WIDTH, HEIGHT, TOP, AXIS = 640, 180, 12, 28


def chart(weeks: list[tuple[str, int]]) -> dict[str, object]:
    """Bars for copies per week, in SVG user units (the template draws them)."""
    most = max((n for _, n in weeks), default=0)
    slot = WIDTH / max(1, len(weeks))
    plot = HEIGHT - TOP - AXIS
    bars = []
    for i, (week, n) in enumerate(weeks):
        h = 0 if not most else round(plot * n / most, 1)
        bars.append({"x": round(i * slot + slot * 0.1, 1), "w": round(slot * 0.8, 1),
                     "y": round(TOP + plot - h, 1), "h": h, "week": week, "n": n})
    # first, middle and last week under the axis, anchored so that none is cut at an edge
    ticks = [{"x": x, "anchor": a, "week": bars[i]["week"]} for i, x, a in (
        (0, 0, "start"), (len(bars) // 2, WIDTH / 2, "middle"),
        (len(bars) - 1, WIDTH, "end"))] if bars else []
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "most": most, "ticks": ticks,
            "base": HEIGHT - AXIS, "total": sum(n for _, n in weeks)}


def render(report: SiteReport, prev_offset: int | None, next_offset: int | None) -> str:
    return page.render("site.html", r=report, chart=chart(report.weeks),
                       prev_offset=prev_offset, next_offset=next_offset,
                       site_q=quote(report.site, safe=""))


def _iso(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def atom(report: SiteReport, base_url: str) -> bytes:
    """The newest copies of a site's articles as an Atom feed."""
    site_url = f"{base_url.rstrip('/')}/sites/{quote(report.site, safe='')}"
    fg = FeedGenerator()
    fg.id(f"{site_url}/copies.atom")
    fg.title(f"Copies of {report.site}'s articles")
    fg.subtitle(f"Newest copies and partials of {report.site}'s articles found by wiretrace")
    fg.link(href=f"{site_url}/copies.atom", rel="self", type="application/atom+xml")
    fg.link(href=site_url, rel="alternate", type="text/html")
    fg.author(name="wiretrace")
    newest = max((c.found for c in report.copies), default=0.0)
    fg.updated(_iso(newest))
    for c in reversed(report.copies):  # feedgen lists the last added first
        e = fg.add_entry()
        e.id(f"urn:wiretrace:copy:{report.site}:{c.copy.id}:{c.original.id}")
        e.title(f"{c.copy.site or '?'} {'copied' if c.copy.role == 'copy' else 'excerpted'}: "
                f"{c.original.title or c.original.url}")
        e.link(href=c.copy.url)  # one link: feedgen 1.0 writes no rel on an entry's links
        e.author(name=c.copy.site or "unknown")
        e.updated(_iso(c.found))
        share = "?" if c.copy.containment is None else f"{c.copy.containment:.0%}"
        e.summary(f"{c.copy.url} reproduces {share} of {c.original.url} "
                  f"({c.copy.role}; found {_iso(c.found):%Y-%m-%d %H:%M} UTC).")
    return bytes(fg.atom_str(pretty=True))
