"""Which stories' originals can be told at all from what the pages say.

A story is *decidable* when something points to its original over every full copy of it
(verbatim, light-edit, licensed, silent: the pages that could pass for the original):

- a page of the story names the original (a credit line, a link, a canonical, og:url or
  original-source): then the original is known whatever the dates say; or
- for each full copy, its date says it came after the original's (dates.later_by_dates:
  timestamps on both sides, any later instant; a day on either side, two days later), or the
  original was crawled in an earlier phase than the copy.

Partial copies (excerpts, rewrites, digests) never pass for the original: the original holds
all of what they took and more. Otherwise the story is *undecidable* (a silent copy crawled
before its original with no date, a backdated copy nobody contradicts): its pages are left
out of "right original", and any linking of its pages to one another counts as found.
"""

from wiretrace_testing.webgen.dates import later_by_dates
from wiretrace_testing.webgen.web import Page, Web

FULL_COPIES = ("verbatim", "light-edit", "licensed", "silent")


def decidable(web: Web) -> dict[str, bool]:
    """Story key -> whether its original can be told (see the module docstring)."""
    out = {}
    for key, original in web.originals.items():
        members = [p for p in web.pages if key in p.stories and p is not original]
        if any(key in p.names for p in members):
            out[key] = True
            continue
        out[key] = all(later_by_dates(p.date, original.date) or original.phase < p.phase
                       for p in members if p.kind in FULL_COPIES)
    return out


def story_pages(web: Web) -> dict[str, list[Page]]:
    out: dict[str, list[Page]] = {k: [] for k in web.originals}
    for p in web.pages:
        for k in p.stories:
            out[k].append(p)
    return out
