"""Who is the original of a cluster, and why; and each member's role relative to it.

Evidence, strongest first: explicit attribution (a member names another member: cross-domain
canonical or og:url, original-source/syndication-source meta, schema.org isBasedOn, an
attribution line, a wire byline, a link); then published dates, differences within a margin
counting as unknown; then excerpt structure (an excerpt is not the source of the full text);
then the time wiretrace first saw each article.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dedup.claims import Claim, claim_names, claims_of, is_specific
from dedup.config import Settings
from dedup.models import ArticleMeta, Role, Verdict
from dedup.scoring import PairScore, is_excerpt_of
from dedup.signature import Signature


@dataclass(slots=True)
class Member:
    """An indexed (or about to be indexed) article, as the decision sees it."""

    id: str
    sig: Signature
    meta: ArticleMeta


@dataclass(slots=True)
class Choice:
    """The original of a cluster (None when it is not indexed) and what the members name."""

    original: str | None
    confidence: float
    evidence: list[str]
    names: dict[str, list[Claim]] = field(default_factory=dict)  # member -> claims on original
    attributed_to: dict[str, str] = field(default_factory=dict)
    self_credited: set[str] = field(default_factory=set)  # members naming a source themselves


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=datetime.now().astimezone().tzinfo)


def choose_original(
    members: list[Member],
    pair: Callable[[Member, Member], PairScore],
    settings: Settings,
    republisher: Callable[[str], bool] | None = None,
) -> Choice:
    """Pick the original of a cluster with a confidence and the evidence behind it.

    ``republisher(site)``: whether a site mostly republishes others' articles; without
    explicit attribution, such a site's member is the original only when no other can be."""
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

    # 1. Explicit attribution: follow "names" links to a member that names nobody.
    votes: dict[str, list[str]] = {}
    for m_id, named in names.items():
        for target, cl in named.items():
            votes.setdefault(target, []).extend(f"{c.describe()} (from {by_id[m_id].meta.site})"
                                                for c in cl)
    if votes:
        roots = [t for t in votes if not names[t]] or list(votes)
        best = max(roots, key=lambda t: (len(votes[t]), -_first_seen_key(by_id[t])))
        exact = any(c.is_url and c.value == by_id[best].meta.url
                    for n in names.values() for c in n.get(best, []))
        return _finish(Choice(best, 0.97 if exact else 0.9, votes[best]), members, names,
                       external)

    eligible = [m for m in members if m.id not in external]
    margin = timedelta(hours=settings.date_margin_hours)
    # A member dated after a member that credits a named site outside the index (a canonical
    # there, its domain, a wire) is not where the text first appeared either, whatever it
    # says of itself. A credit by a publisher's name is not enough: it may be this member's
    # site under a name wiretrace cannot match, credited by a copier that backdates.
    credited = [d for m in members if m.id in external and is_specific(external[m.id])
                and (d := _parse_date(m.meta.published))]
    if credited:
        first_credited = min(credited)
        eligible = [m for m in eligible if not (d := _parse_date(m.meta.published))
                    or d - first_credited <= margin]
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
    choice = _by_date_and_structure(eligible, pair, margin, republisher)
    if lead:
        choice.evidence[:0] = lead
        choice.confidence = min(choice.confidence, 0.6)
    return _finish(choice, members, names, external)


def _by_date_and_structure(eligible: list[Member], pair: Callable[[Member, Member], PairScore],
                           margin: timedelta,
                           republisher: Callable[[str], bool] | None = None) -> Choice:
    """The original among members that make no claim against it: the earliest published date
    when it leads by more than the margin; else, leaving out sites that mostly republish when
    another site carries the story too, the fullest text first seen."""
    dated = sorted(((d, m) for m in eligible if (d := _parse_date(m.meta.published))),
                   key=lambda x: x[0])
    fullest = sorted(eligible, key=lambda m: -m.sig.size)[:4]
    if len(dated) >= 2 and dated[1][0] - dated[0][0] > margin:
        first = dated[0][1]
        if not any(is_excerpt_of(pair(first, o)) for o in fullest if o.id != first.id):
            ev = [f"published: {first.meta.published} is earlier than "
                  f"{dated[1][1].meta.published} ({dated[1][1].meta.site})"]
            return Choice(first.id, 0.75, ev)
    lead = []
    sites = {m.meta.site for m in eligible}
    if republisher is not None and len(sites) > 1:
        farms = sorted(site for site in sites if republisher(site))
        if farms and len(farms) < len(sites):
            eligible = [m for m in eligible if m.meta.site not in farms]
            fullest = sorted(eligible, key=lambda m: -m.sig.size)[:4]
            lead.append(f"prior: {', '.join(farms)} mostly republishes other sites' articles")
    # An excerpt of another member is not the original of it. The fullest members are the
    # only ones worth comparing with (bounded work in big clusters).
    full = [m for m in eligible
            if not any(o.id != m.id and is_excerpt_of(pair(m, o)) for o in fullest)]
    pool = full or eligible
    # First seen (ties: the earliest published date, then the id for stability).
    first = min(pool, key=lambda m: (m.meta.first_seen, m.meta.published or "~", m.id))
    ev = [*lead, f"first_seen: {first.meta.first_seen} is the earliest"]
    if len(full) < len(eligible):
        ev.insert(len(lead), "structure: the others are excerpts of it")
    return Choice(first.id, 0.6 if len(full) < len(eligible) or lead else 0.5, ev)


def _first_seen_key(m: Member) -> float:
    dt = _parse_date(m.meta.first_seen)
    return -dt.timestamp() if dt else 0.0


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


def assign_roles(
    members: list[Member],
    choice: Choice,
    pair: Callable[[Member, Member], PairScore],
    settings: Settings,
) -> dict[str, Verdict]:
    """Each member's verdict relative to the chosen original (or, with none indexed, to the
    most complete member)."""
    if len(members) < 2:
        return {m.id: Verdict("unique") for m in members}
    by_id = {m.id: m for m in members}
    ref = by_id[choice.original] if choice.original else max(
        members, key=lambda m: (m.sig.size, m.id))
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
        full = containment >= settings.copy_containment or (
            containment >= settings.copy_subset_containment and s.a_in_b >= 0.95)
        role: Role = "copy" if full else "partial"
        evidence = [c.describe() for c in choice.names.get(m.id, [])]
        if choice.original:
            evidence += [e for e in choice.evidence if not e.endswith(f"(from {m.meta.site})")]
        elif m.id in choice.attributed_to:
            named = choice.attributed_to[m.id]
            evidence.append(
                f"attribution: names {named}, not indexed" if m.id in choice.self_credited
                else f"attribution: the cluster names {named} as the source, not indexed")
        verdicts[m.id] = Verdict(
            role, original=choice.original, similarity=round(s.similarity, 3),
            containment=round(containment, 3), confidence=round(choice.confidence, 3),
            evidence=list(dict.fromkeys(evidence)), attributed_to=choice.attributed_to.get(m.id),
        )
    return verdicts
