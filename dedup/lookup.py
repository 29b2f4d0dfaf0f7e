"""Answers: what the index says of a URL, an article id, a cluster, or a text that may not be
indexed (``check``, which writes nothing). Typed results (:mod:`dedup.results`) in one or
two round trips."""

from collections.abc import Callable, Sequence
from functools import partial

import redis

from dedup import codec
from dedup.citations import with_citers
from dedup.codec import ArticleField, ClusterField
from dedup.config import Settings
from dedup.errors import InputError
from dedup.keys import Keys
from dedup.models import ArticleInput, ArticleMeta, Draft, Prepared, Verdict
from dedup.params import SignatureParams
from dedup.plan import Plan
from dedup.prepare import draft_with_lines, sign
from dedup.publishers import identity_variants
from dedup.reads import RawLookup, read_alone, read_lookup, read_texts
from dedup.results import ClusterResult, CopyRef, LookupResult, OriginalRef
from dedup.sites import SiteMemory
from dedup.store import Store
from dedup.texts import unpack_text
from dedup.urls import article_id, normalize_url


class Lookup:
    """The read side of the engine."""

    def __init__(self, client: redis.Redis, store: Store, sites: SiteMemory,
                 settings: Settings, params: SignatureParams, min_equal: int) -> None:
        self.client = client
        self.store = store
        self.keys: Keys = store.keys
        self.sites = sites
        self.settings = settings
        self.params = params
        self.min_equal = min_equal  # see Ingest: candidates with fewer equal values are not

    def lookup(self, urls: list[str]) -> list[LookupResult]:
        """The answer for each URL (pipelined reads); a URL not found as written is looked
        up as the other ways of writing it (:func:`dedup.publishers.identity_variants`:
        scheme, ``www.``, trailing ``/``) in a second read."""
        norm = []
        for u in urls:
            try:
                norm.append(normalize_url(u))
            except InputError:
                norm.append(u)
        rows = read_lookup(self.store, [article_id(u) for u in norm])
        missing = {i: _variants(u) for i, (u, row) in enumerate(zip(norm, rows, strict=True))
                   if row is None}
        wanted = [article_id(v) for vs in missing.values() for v in vs]
        found = dict(zip(wanted, read_lookup(self.store, wanted), strict=True)) if wanted else {}
        for i, vs in missing.items():
            rows[i] = next((r for v in vs if (r := found[article_id(v)]) is not None), rows[i])
        return [self._result(u, row) for u, row in zip(norm, rows, strict=True)]

    def lookup_ids(self, ids: list[str]) -> list[LookupResult]:
        """The answer for each article id, in one round trip."""
        rows = read_lookup(self.store, ids)
        return [self._result(i, row) for i, row in zip(ids, rows, strict=True)]

    def _result(self, url: str, row: RawLookup | None) -> LookupResult:
        if row is None:
            return LookupResult(url=url, indexed=False)
        meta = ArticleMeta.from_json(row.meta)
        metas = {m: ArticleMeta.from_json(v) for m, v in row.member_meta.items()}
        verdicts = {k: Verdict.from_json(v) for k, v in codec.members(row.cluster_fields).items()}
        return compose(row.id, meta, row.cluster, verdicts, metas, indexed=True)

    def check(self, item: ArticleInput) -> LookupResult:
        """The answer for a text or page that may not be indexed; writes nothing."""
        res = self.check_many([item])[0]
        if isinstance(res, InputError):
            raise res
        return res

    def check_many(self, items: Sequence[ArticleInput]) -> list[LookupResult | InputError]:
        """:meth:`check` of each item, each answered as if checked alone (the others are not
        indexed), with the round trips of one check for them all; an item that cannot be
        checked gives its :class:`InputError` in its place."""
        self.store.check_params(self.params.fingerprint(), claim=False)
        out: list[LookupResult | InputError | None] = [None] * len(items)
        drafts: list[tuple[int, Draft, list[str]]] = []
        for j, item in enumerate(items):
            try:
                draft, lines = draft_with_lines(item, self.settings, compress=False)
            except InputError as exc:
                out[j] = exc
                continue
            drafts.append((j, draft, lines))
        templates = self.sites.known_templates([d for _, d, _ in drafts])
        arts = [(j, sign(d, self.params, templates.get(d.meta.site, set()), lines))
                for j, d, lines in drafts]
        prior = self.sites.prior()
        sites = {a.meta.site for _, a in arts}
        raw = self.store.read_state([(a.id, a.sig.values_bytes(), a.bands) for _, a in arts],
                                    min_equal=self.min_equal,
                                    sites=sites if prior is not None else None,
                                    guarded=False)
        plans = [Plan(with_citers(self.store, read_alone(raw, k, a.id), [a.id]), self.keys,
                      self.settings) for k, (_, a) in enumerate(arts)]
        for p in plans:
            p.shapes.read_texts = partial(read_texts, self.store, known=raw.texts)
        if prior is not None:  # one read for every plan's sites, when the first asks
            batch = _Priors(prior, sites.union(
                *({m.meta.site for m in p.members.values()} for p in plans)))
            if raw.sites is not None:  # on one Redis, read with the records
                batch.known.update({s: self.sites.republishes(v) for s, v in raw.sites.items()})
            for p in plans:
                p.republisher = batch
        for (j, art), plan in zip(arts, plans, strict=True):
            out[j] = _answer(art, plan)
        return [r for r in out if r is not None]

    def cluster(self, cluster_id: str) -> ClusterResult | None:
        """A cluster: its original (or None) and every member with its role and scores."""
        fields = {k.decode(): v for k, v in
                  self.client.hgetall(self.keys.cluster(cluster_id)).items()}
        members = sorted(codec.members(fields))
        if not members:
            return None
        original = (fields.get(ClusterField.ORIGINAL) or b"").decode() or None
        return ClusterResult(cluster_id, original, self.lookup_ids(members))

    def text_of(self, article_id: str) -> str | None:
        """The stored text of an article (the lookup service diffs texts)."""
        raw = self.client.hget(self.keys.article(article_id), ArticleField.TEXT)
        return unpack_text(raw) if raw else None


class _Priors:
    """The republisher prior of a batch of plans: the first question reads the sites of all
    of them in one round trip."""

    def __init__(self, read: Callable[[set[str]], dict[str, bool]], sites: set[str]) -> None:
        self.read = read
        self.sites = sites
        self.known: dict[str, bool] = {}

    def __call__(self, wanted: set[str]) -> dict[str, bool]:
        if wanted - self.known.keys():
            self.known.update(self.read((wanted | self.sites) - self.known.keys()))
        return {s: self.known[s] for s in wanted}


def _answer(art: Prepared, plan: Plan) -> LookupResult:
    """The answer for a checked article from a plan of what was read for it alone."""
    already = art.id in plan.members
    plan.add(art, *plan.raw.bands[0])
    cid = plan.cluster_of.get(art.id)
    cm = plan.clusters.get(cid or "")
    verdicts = cm.verdicts if cm else {}
    metas = {i: plan.members[i].meta for i in (cm.members if cm else []) if i in plan.members}
    res = compose(art.id, art.meta, cid if cm else None, verdicts, metas, indexed=already)
    if not already:
        res.id = None
    return res


def _variants(url: str) -> list[str]:
    try:
        return identity_variants(url)
    except (InputError, ValueError):  # not an http(s) URL (`http://[::1`): nothing else to try
        return []


def compose(aid: str | None, meta: ArticleMeta, cid: str | None, verdicts: dict[str, Verdict],
            metas: dict[str, ArticleMeta], indexed: bool) -> LookupResult:
    """The answer for one article from its cluster's verdicts and members' metadata."""
    res = LookupResult(url=meta.url, indexed=indexed, id=aid, cluster=cid,
                       first_seen=meta.first_seen or None, title=meta.title,
                       site=meta.site, published=meta.published)
    v = verdicts.get(aid or "")
    if v is None:
        res.role = "unique"
        return res
    res.role = v.role
    res.confidence, res.evidence, res.attributed_to = v.confidence, v.evidence, v.attributed_to
    if v.role == "original":
        res.copies = sorted(
            (CopyRef(url=metas[m].url, site=metas[m].site, role=mv.role,
                     similarity=mv.similarity, containment=mv.containment,
                     published=metas[m].published)
             for m, mv in verdicts.items() if m != aid and m in metas
             and mv.role in ("copy", "partial")),
            key=lambda c: (c["role"], -(c["containment"] or 0), c["url"]))
        return res
    res.similarity, res.containment = v.similarity, v.containment
    if v.original and v.original in metas:
        o = metas[v.original]
        res.original = OriginalRef(url=o.url, site=o.site, title=o.title, published=o.published)
    return res
