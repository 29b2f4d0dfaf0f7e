"""Who is the original of a cluster, and why; and each member's role relative to it.

A pure function of the members and the site priors passed in (no Redis, no clock).
Evidence, strongest first: explicit attribution weighed across the cluster (a member others
name by URL, domain or publisher name, through a cross-domain canonical or og:url,
original-source/syndication-source meta, schema.org isBasedOn, an attribution line, a wire
byline or a credit link, is the original unless it names another itself; more independent
sites naming it, more confidence); then published dates with their precision (timestamps
by minutes, days with a margin; see :mod:`dedup.dates`; a known republisher's unattributed
date does not lead); then excerpt structure; then, only to break what nothing else decides,
the time wiretrace first saw each article. ``confidence`` says which of these decided and
how clearly; ``evidence`` lists what decided, in order.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dedup.claims import Claim, claim_names, claims_of, is_specific
from dedup.config import Settings
from dedup.dates import Dated, dated, leads
from dedup.models import ArticleMeta, Role, Verdict
from dedup.ordering import CONF_DATES, Choice, by_date_and_structure
from dedup.passages import Shape
from dedup.scoring import PairScore, full_copy
from dedup.signature import Signature

# A page outside a cluster naming one of its members as its source: (its site, the claim).
Citation = tuple[str, str]


@dataclass(slots=True)
class Member:
    """An indexed (or about to be indexed) article, as the decision sees it."""

    id: str
    sig: Signature
    meta: ArticleMeta


def choose_original(
    members: list[Member],
    pair: Callable[[Member, Member], PairScore],
    settings: Settings,
    republishers: Collection[str] = (),
    cited: Mapping[str, list[Citation]] | None = None,
) -> Choice:
    """Pick the original of a cluster with a confidence and the evidence behind it.

    A pure function of the members and the site priors passed in: ``republishers`` are the
    sites known to mostly republish others' articles (without explicit attribution, such a
    site's member is the original only when no other can be, and its date is weak);
    ``cited``: per member, the indexed pages outside the cluster that name it by URL as
    their source and reproduce part of it (a digest or an excerpt that joined another story
    or none, :func:`dedup.citations.cited_from_outside`)."""
    by_id = {m.id: m for m in members}
    claims = {m.id: claims_of(m.meta) for m in members}
    names: dict[str, dict[str, list[Claim]]] = {m.id: {} for m in members}
    external: dict[str, Claim] = {}
    for m in members:
        for c in claims[m.id]:
            targets = [o.id for o in members if o.id != m.id and claim_names(c, o.meta)]
            for t in targets:
                names[m.id].setdefault(t, []).append(c)
            if not targets and c.strong and m.id not in external:
                external[m.id] = c
    day = timedelta(hours=settings.date_margin_hours)
    dates = {m.id: dated(m.meta.published, day) for m in members}

    # 1. Explicit attribution, weighed across the cluster: a member others name is the
    # original unless it names another itself; the more independent sites name it, the
    # surer; a tie goes to the earlier date, then the id (never the crawl order).
    votes: dict[str, list[str]] = {}
    for m_id, named in names.items():
        for target, cl in named.items():
            votes.setdefault(target, []).extend(f"{c.describe()} (from {by_id[m_id].meta.site})"
                                                for c in cl)
    if votes:
        voters = {t: {by_id[m].meta.site for m in names if t in names[m]} for t in votes}
        roots = [t for t in votes if not names[t] and t not in external] or \
            [t for t in votes if not names[t]] or list(votes)
        best = min(roots, key=lambda t: (-len(voters[t]), _when(dates[t]), t))
        exact = any(c.is_url and c.value == by_id[best].meta.url
                    for n in names.values() for c in n.get(best, []))
        conf = 0.97 if exact or len(voters[best]) >= 2 else 0.93
        return _finish(Choice(best, conf, votes[best]), members, names, external)
    # 2. Where no member names another, a page elsewhere in the index that takes part of the
    # text and names a member as where it took it from: republishers credit the page they
    # copied, and a copier that credits nobody is credited by nobody.
    outside = {t: c for t, c in (cited or {}).items()
               if t in by_id and c and not names[t] and t not in external}
    if outside:
        best = min(outside, key=lambda t: (-len({s for s, _ in outside[t]}), _when(dates[t]), t))
        ev = [f"{what} (from {site}, outside the cluster)" for site, what in outside[best]]
        return _finish(Choice(best, ATTRIBUTED, ev), members, names, external)

    eligible = [m for m in members if m.id not in external]
    # A member dated after a member that credits a named site outside the index (a canonical
    # there, its domain, a wire) is not where the text first appeared either, whatever it
    # says of itself. A credit by a publisher's name is not enough: it may be this member's
    # site under a name wiretrace cannot match, credited by a copier that backdates.
    credited = [d for m in members if m.id in external and is_specific(external[m.id])
                and (d := dates[m.id])]
    if credited:
        first = min(credited, key=lambda d: d.when)
        eligible = [m for m in eligible if not (d := dates[m.id]) or not leads(first, d)]
    lead: list[str] = []
    if not eligible:
        # A wire story (AP, Reuters, AFP) whose wire page is not indexed: its subscribers
        # publish it as their own, and the earliest of them is where it first appeared here.
        # A page that names another publication as its origin never becomes the original.
        eligible = [m for m in members if m.id in external
                    and all(c.kind == "wire" for c in claims[m.id] if c.strong)]
        wires = sorted({external[m.id].value for m in eligible})
        if not eligible or len(wires) > 1:
            return _finish(Choice(None, 0.8, ["attribution: every member names a source that "
                                               "is not indexed"]), members, names, external)
        lead = [f"wire: every indexed publication carries the {wires[0]} byline and "
                f"{wires[0]}'s own page is not indexed"]
    if len(eligible) > 1 and not all(m.meta.noindex for m in eligible):
        eligible = [m for m in eligible if not m.meta.noindex] or eligible
    choice = by_date_and_structure(eligible, dates, pair, set(republishers))
    if lead:
        choice.evidence[:0] = lead
        # the earliest subscriber of a wire story: right 0 times in 4 on tuned seeds 60-79
        choice.confidence = min(choice.confidence, CONF_DATES)
    return _finish(choice, members, names, external)


def _when(d: Dated | None) -> datetime:
    return d.when if d else datetime.max.replace(tzinfo=UTC)


def _finish(choice: Choice, members: list[Member], names: dict[str, dict[str, list[Claim]]],
            external: dict[str, Claim]) -> Choice:
    by_id = {m.id: m for m in members}
    sources = {c.value for c in external.values()}
    choice.self_credited = set(external)
    for m in members:
        if m.id == choice.original:
            if m.id in external:  # a wire story's first indexed publication
                choice.attributed_to[m.id] = external[m.id].value
            continue
        if choice.original and choice.original in names[m.id]:
            choice.names[m.id] = names[m.id][choice.original]
            choice.attributed_to[m.id] = by_id[choice.original].meta.site
        elif m.id in external:
            choice.attributed_to[m.id] = external[m.id].value
        elif names[m.id]:
            choice.attributed_to[m.id] = by_id[next(iter(names[m.id]))].meta.site
        elif choice.original is None and len(sources) == 1:
            # says nothing of itself; the cluster's one named source is where its text is from
            choice.attributed_to[m.id] = next(iter(sources))
    return choice


# Confidence of an original that explicit attribution chose (:func:`choose_original`).
ATTRIBUTED = 0.9
# A site with this many articles dated surely before the original their cluster credits
# (:func:`dated_before_credited`) dates its copies early: its date is a republisher's, weak
# where no page credits anyone. Chosen on tuned seeds 0-59 ingested: no original's site
# reaches it; 48 of the 71 backdating sites do, and 6 other republishing sites.
BACKDATED = 2


def dates_before(member: ArticleMeta, original: ArticleMeta, confidence: float,
                 settings: Settings) -> bool:
    """Whether a member's published date surely precedes its cluster's original, where
    explicit attribution (other pages crediting it) chose that original: the member's date
    is not when its text appeared. A site doing so in other stories backdates its copies
    (or its dates are wrong), and its date is weak where no page credits anyone
    (:meth:`dedup.sites.SiteMemory.republishes`)."""
    if confidence < ATTRIBUTED:
        return False
    day = timedelta(hours=settings.date_margin_hours)
    mine, theirs = dated(member.published, day), dated(original.published, day)
    return bool(mine and theirs and leads(mine, theirs))


def reference(members: list[Member], choice: Choice) -> Member:
    """What each member's role is measured against: the chosen original, or, with none
    indexed, the most complete member."""
    if choice.original:
        return next(m for m in members if m.id == choice.original)
    return max(members, key=lambda m: (m.sig.size, m.id))


def assign_roles(
    members: list[Member],
    choice: Choice,
    pair: Callable[[Member, Member], PairScore],
    settings: Settings,
    shapes: Mapping[str, Shape] | None = None,
) -> dict[str, Verdict]:
    """Each member's verdict relative to the chosen original (or, with none indexed, to the
    most complete member). ``shapes``: per member, how its text reproduces the reference's
    (:func:`dedup.passages.shape`), measured beforehand for the members whose containment
    alone does not decide (:func:`dedup.scoring.in_shape_band`); it decides their role and
    is kept in their verdict."""
    if len(members) < 2:
        return {m.id: Verdict("unique") for m in members}
    ref = reference(members, choice)
    shapes = shapes or {}
    verdicts: dict[str, Verdict] = {}
    for m in members:
        if choice.original and m.id == ref.id:
            verdicts[m.id] = Verdict("original", confidence=round(choice.confidence, 3),
                                     evidence=list(choice.evidence),
                                     attributed_to=choice.attributed_to.get(m.id))
            continue
        other = ref if m.id != ref.id else max(
            (o for o in members if o.id != m.id), key=lambda o: pair(m, o).shared)
        s = pair(m, other)
        containment = s.b_in_a  # share of the reference's text that m reproduces
        shape = shapes.get(m.id) if other is ref else None
        role: Role = "copy" if full_copy(s, settings, shape) else "partial"
        evidence = [c.describe() for c in choice.names.get(m.id, [])]
        if choice.original:
            evidence += [e for e in choice.evidence if not e.endswith(f"(from {m.meta.site})")]
        elif m.id in choice.attributed_to:
            named = choice.attributed_to[m.id]
            evidence.append(
                f"attribution: names {named}, not indexed" if m.id in choice.self_credited
                else f"attribution: the cluster names {named} as the source, not indexed")
        if shape is not None:
            evidence.append(shape.describe())
        verdicts[m.id] = Verdict(
            role, original=choice.original, similarity=round(s.similarity, 3),
            containment=round(containment, 3), confidence=round(choice.confidence, 3),
            evidence=list(dict.fromkeys(evidence)), attributed_to=choice.attributed_to.get(m.id),
            left_out=shape.left_out if shape else None, in_place=shape.in_place if shape else None,
            in_article=shape.in_article if shape else None,
            added=shape.added if shape else None,
        )
    return verdicts
