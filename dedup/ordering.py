"""The original among members that make no claim against one another: by published date
(each date's precision allowed for), then text structure, then, only to break what nothing
else decides, the time wiretrace first saw each article (a page that gives its time before
an undated one). Pure: no Redis, no clock."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dedup.dates import Dated, leads
from dedup.scoring import PairScore, is_excerpt_of, is_partial_of, same_text

if TYPE_CHECKING:
    from dedup.claims import Claim
    from dedup.provenance import Member


# What each kind of evidence is worth when nothing explicit (a credit, a canonical) decides:
# the share of right originals it gave, measured on tuned seeds only (60-79 crawled, four
# runs: before and after the fourth pass's credit changes, with and without the perturbed
# credit phrasings; 875 pages judged at 0.9 or more, all right). Below them every answer is
# a guess and says so; 0.9 and up means explicit attribution. Dates alone (either
# precision; with or against the order of discovery) were right 7 times in 65: in clusters
# where no page credits another, a backdating copier is the common reason dates decide.
# A first_seen pick among the members dates left: 0 in 22; excerpt structure, then
# first_seen: 14 in 34; first_seen alone: 4 in 7 (after a date set aside: 3 in 3); the
# republisher prior: 3 in 3.
CONF_DATES = 0.2
CONF_STRUCTURE = 0.4
CONF_FIRST_SEEN = 0.5
CONF_PRIOR = 0.6


@dataclass(slots=True)
class Choice:
    """The original of a cluster (None when it is not indexed) and what the members name."""

    original: str | None
    confidence: float
    evidence: list[str]
    names: "dict[str, list[Claim]]" = field(default_factory=dict)  # member -> claims on it
    attributed_to: dict[str, str] = field(default_factory=dict)
    self_credited: set[str] = field(default_factory=set)  # members naming a source themselves


def by_date_and_structure(eligible: "list[Member]", dates: dict[str, Dated | None],
                          pair: "Callable[[Member, Member], PairScore]",
                          republishers: set[str], doubted: bool = False) -> Choice:
    """The earliest published member when its date surely leads every other dated one (a
    republisher's unattributed date counts only when no other site carries the story);
    else, leaving out sites that mostly republish, the fullest text, first seen (an
    undated page after one that gives its time).

    A day-precision date that the order of discovery contradicts between two full texts
    (the earliest dated, found after a copy of the same text dated less than twice the
    margin later) is not used (``doubted``: one such date has already been set aside)."""
    sites = {m.meta.site for m in eligible}
    farms = sorted(s for s in sites if s in republishers) if len(sites) > 1 else []
    if len(farms) == len(sites):
        farms = []
    trusted = [m for m in eligible if m.meta.site not in farms]
    fullest = sorted(eligible, key=lambda m: (-m.sig.size, m.id))[:4]
    dated_ = sorted(((d, m) for m in trusted if (d := dates[m.id])),
                    key=lambda x: (x[0].when, x[1].id))
    # Only members no other date surely follows can be first; one alone is the original
    # (a day-only date of an excerpt, within its margin, does not keep it from being so).
    firsts = [(d, m) for d, m in dated_ if not any(leads(o, d) for o, _ in dated_)]
    if len(dated_) >= 2 and len(firsts) == 1:
        d0, first = firsts[0]
        later = [(d, m) for d, m in dated_ if m.id != first.id and leads(d0, d)]
        if later and not any(is_excerpt_of(pair(first, o)) for o in fullest
                             if o.id != first.id):
            d1, second = later[0]
            found_before = [m for _, m in later if m.meta.first_seen < first.meta.first_seen]
            # a day-precision date against the order of discovery must lead by twice its
            # margin: two doubts, the date's precision and the order it contradicts
            same = [m for d, m in later if m in found_before and not d0.precise
                    and d.when - d0.when <= 2 * max(d0.margin, d.margin)
                    and same_text(pair(first, m))]
            if same and not doubted:
                return _set_aside(first, d0, same[0], eligible, dates, pair, republishers)
            both = d0.precise and d1.precise
            ev = [f"published: {d0.text} is earlier than {d1.text} ({second.meta.site})"
                  + ("" if both else " (day precision)")]
            if found_before:
                # dates that disagree with the order pages were found in: a backdated copy
                # looks like this; the date decides all the same
                ev.append("first_seen: a later-dated member was found before it")
            return Choice(first.id, CONF_DATES, ev)
    lead = []
    # A member whose date another member's date surely precedes is not where the story first
    # appeared, whatever the order it was found in: what dates leave undecided is decided
    # among the members no date rules out (the undated ones included).
    later_ids = {m.id for d, m in dated_ if any(leads(o, d) for o, _ in dated_)}
    pool = [m for m in trusted if m.id not in later_ids] or trusted
    if farms:
        lead.append(f"prior: {', '.join(farms)} republishes other sites' articles (copies, "
                    "credits or dates before the credited original)")
        fullest = sorted(trusted, key=lambda m: (-m.sig.size, m.id))[:4]
    # An excerpt of another member is not the original of it. The fullest members are the
    # only ones worth comparing with (bounded work in big clusters).
    full = [m for m in pool
            if not any(o.id != m.id and is_partial_of(pair(m, o)) for o in fullest)]
    chosen = full or pool
    # A page that gives its time claims when it appeared, and no date surely contradicts it;
    # an undated page claims nothing: it does not lead such a page on the order pages were
    # found in (a day without a time does not lead either way: the day of a backdated copy
    # may be that of the original's time).
    timed = any((d := dates[m.id]) and d.precise for m in chosen)
    first = min(chosen, key=lambda m: (timed and not dates[m.id], *_seen(m)))
    seen = min(chosen, key=_seen)
    ev = [*lead, f"first_seen: {first.meta.first_seen} is the earliest"]
    if seen.id != first.id and (d := dates[first.id]):
        ev[len(lead):] = [f"published: {d.text}, no date surely earlier; "
                          f"{seen.meta.site}'s page, found first, gives none",
                          f"first_seen: {first.meta.first_seen} is the earliest of the dated"]
    if len(full) < len(pool):
        ev.insert(len(lead), "structure: the others are excerpts of it")
    if len(pool) < len(trusted):
        ev.append(f"published: {len(trusted) - len(pool)} member(s) dated surely later left out")
    conf = CONF_PRIOR if lead else CONF_STRUCTURE if len(full) < len(pool) else \
        CONF_DATES if len(pool) < len(trusted) else CONF_FIRST_SEEN
    return Choice(first.id, conf, ev)


def _seen(m: "Member") -> tuple[str, str, str]:
    """First seen, then the published value and the id: a total order."""
    return (m.meta.first_seen, m.meta.published or "~", m.id)


def _set_aside(first: "Member", d0: Dated, seen: "Member", eligible: "list[Member]",
               dates: dict[str, Dated | None], pair: "Callable[[Member, Member], PairScore]",
               republishers: set[str]) -> Choice:
    """The decision without the date of ``first``: a day-precision date (a day, a midnight, a
    time without a zone) before that of ``seen``, a copy of the same text wiretrace found
    before it. Such a date is a weak claim of the page (dates are wrong one time in ten, and
    copiers backdate: a site that republishes everything dates its copies early,
    unattributed); finding the text elsewhere first is an observation. Between two full
    texts the weak date does not lead; what else there is decides, first_seen last, with
    low confidence. A precise timestamp keeps deciding (syndication takes minutes to hours,
    and the site of the original is often crawled after its copies')."""
    choice = by_date_and_structure(eligible, {**dates, first.id: None}, pair, republishers,
                                   doubted=True)
    choice.evidence.insert(0, f"first_seen: {first.meta.site} dates the text {d0.text}, "
                              f"earlier, but {seen.meta.site}'s copy of it was found first: "
                              f"that date is set aside")
    choice.confidence = min(choice.confidence, 0.6)
    return choice
