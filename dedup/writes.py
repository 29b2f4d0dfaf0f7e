"""A plan turned into one guarded write: what it read (guards) and the operations that make
Redis hold its model, counters included (see :mod:`dedup.lua` apply.lua)."""

import time

from dedup import codec
from dedup.backdating import added_per_site
from dedup.codec import ArticleField as F
from dedup.codec import ClusterField, GuardName, OpName
from dedup.keys import Keys, split_range
from dedup.plan import Plan
from dedup.provenance import Member
from dedup.store import Guard, Op

# Band entries one growth step moves at most (``grow``); a write's step may move three times
# the entries it adds, so that growth keeps pace with the writes. Measured on an idle 2-core
# machine: 64 buckets of 64 entries (4,096 entries) split in 3.6 ms of the server's time, 256
# of them in 60-160 ms (the cost per entry grows with the step), so a step stays far under
# the client's timeout (WIRETRACE_REDIS_TIMEOUT, 2 s) at any index size, also on a machine
# many times slower under load.
SPLIT_ENTRIES = 4096


def guards(plan: Plan) -> list[Guard]:
    """What the plan read, for the write to check."""
    out: list[Guard] = []
    for (kind, key, fld), value in plan.guards.items():
        if kind == GuardName.BANDS and isinstance(fld, bytes):  # fld: the packed bands
            keys, fields = plan.keys.band_keys(fld, plan.raw.buckets)
            out.append((kind, keys, fields, value))
        else:
            out.append((kind, key, fld, value))
    return out


def ops(plan: Plan, old_bands: dict[str, bytes]) -> list[Op]:
    """The writes that turn what a plan read into its model. ``old_bands``: the packed bands
    of the stored articles it replaces or removes."""
    k, n = plan.keys, plan.raw.buckets
    ops: list[Op] = []
    now = time.time()
    for rid, _member in plan.removed.items():
        if rid in old_bands:
            ops.append((OpName.BANDS_REMOVE, *k.band_keys(old_bands[rid], n), bytes.fromhex(rid)))
        if rid not in plan.written:
            ops += [(OpName.DEL, k.sig(rid), "", ""), (OpName.DEL, k.article(rid), "", ""),
                    (OpName.ZREM, k.ids, "", rid)]
    for aid, art in plan.written.items():
        ops.append((OpName.SET, k.sig(aid), "", art.sig.to_bytes()))
        # the record afresh: no cluster field while the article is its own cluster (what
        # every reader takes a missing one for), ~60 bytes less for most articles
        ops += [(OpName.DEL, k.article(aid), "", ""),
                (OpName.HSET, k.article(aid), F.URL, art.meta.url),
                (OpName.HSET, k.article(aid), F.META, art.meta.to_json()),
                (OpName.HSET, k.article(aid), F.TEXT, art.ztext)]
        ops.append((OpName.ZADD_NX, k.ids, str(now), aid))
        ops.append((OpName.BANDS_ADD, *k.band_keys(art.bands, n), bytes.fromhex(aid)))
        for alias in art.aliases:
            ops.append((OpName.SET, k.alias(alias), "", aid))
    for aid in plan.members:
        # a record written above reads as its own cluster; any other, as it was read
        before = aid if aid in plan.written else _raw_cluster(plan, aid)
        if plan.cluster_of[aid] != before:
            ops.append((OpName.HSET, k.article(aid), F.CLUSTER, plan.cluster_of[aid]))
    for cid in sorted(plan.dirty_clusters):
        key = k.cluster(cid)
        ops.append((OpName.DEL, key, "", ""))
        cm = plan.clusters.get(cid)
        if cm is None:
            continue
        ops.append((OpName.HSET, key, ClusterField.VERSION, cm.version + 1))
        ops.append((OpName.HSET, key, ClusterField.ORIGINAL, cm.original or ""))
        for mid, verdict in cm.verdicts.items():
            ops.append((OpName.HSET, key, codec.member_field(mid), verdict.to_json()))
    ops += [(OpName.HINCRBY, k.stats, name, delta) for name, delta in stat_deltas(plan).items()
            if delta]
    ops += [(OpName.HINCRBY, k.site(site), name, delta)
            for (site, name), delta in sorted(site_deltas(plan).items()) if delta]
    return ops


def split_op(keys: Keys, buckets: int, entries: int, fill: int,
             budget: int = SPLIT_ENTRIES) -> Op | None:
    """The next growth step of an index of ``buckets`` band hashes holding about ``entries``
    band entries: split enough buckets for a mean of at most ``fill`` entries a hash, as many
    as move about ``budget`` entries at most (a bucket not split yet in this round holds up
    to twice the mean; at least one bucket); None when it has enough."""
    wanted = -(-entries // max(1, fill))
    if wanted <= buckets:
        return None
    first, half = split_range(buckets)
    per_bucket = max(1, -(-2 * entries // buckets))
    count = min(wanted - buckets, half - first, max(1, budget // per_bucket))
    return (OpName.SPLIT, keys.split_keys(buckets, count), str(buckets), count)


def grow_op(plan: Plan, bands: int, fill: int) -> list[Op]:
    """The growth step a write of ``plan`` brings with it (last op), if any: its articles
    counted with the index's; it moves at most three times the band entries the write adds
    (at least SPLIT_ENTRIES), which keeps pace with the writes."""
    added = stat_deltas(plan)["articles"]
    op = split_op(plan.keys, plan.raw.buckets, (plan.raw.articles + added) * bands, fill,
                  max(SPLIT_ENTRIES, 3 * added * bands))
    return [op] if op else []


def _raw_cluster(plan: Plan, aid: str) -> str | None:
    r = plan.raw.records.get(aid)
    return r.cluster if r else None


def _role_changes(plan: Plan) -> list[tuple[Member, str | None, str | None]]:
    """Every article whose role this plan changes: (article, role before, role after);
    None is "not indexed"."""
    out = []
    for aid in set(plan.initial_roles) | set(plan.members) | set(plan.removed):
        m = plan.members.get(aid) or plan.removed.get(aid)
        before, after = plan.initial_roles.get(aid), plan.role_of(aid)
        if m is not None and before != after:
            out.append((m, before, after))
    return out


def site_deltas(plan: Plan) -> dict[tuple[str, str], int]:
    """Per site: articles, copies (copy or partial: the site republished it), articles
    that credit another publication, and articles dated before the original their cluster
    credits (:func:`dedup.backdating.added_per_site`)."""
    deltas: dict[tuple[str, str], int] = {}
    for m, before, after in _role_changes(plan):
        a = int(after is not None) - int(before is not None)
        c = int(after in ("copy", "partial")) - int(before in ("copy", "partial"))
        for name, d in (("articles", a), ("copies", c)):
            if d:
                deltas[(m.meta.site, name)] = deltas.get((m.meta.site, name), 0) + d
    for site, d in plan.credit_deltas.items():
        deltas[(site, "credited")] = d
    for site, d in added_per_site(plan).items():
        deltas[(site, "backdated")] = d
    return deltas


def stat_deltas(plan: Plan) -> dict[str, int]:
    deltas = {"articles": 0, "clusters": 0, "copies": 0, "partials": 0, "originals": 0}
    plural = {"copy": "copies", "partial": "partials", "original": "originals"}
    for _, before, after in _role_changes(plan):
        if before is None:
            deltas["articles"] += 1
        if after is None:
            deltas["articles"] -= 1
        if before in plural:
            deltas[plural[before]] -= 1
        if after in plural:
            deltas[plural[after]] += 1
    read_clusters = {c for c in plan.raw.clusters if plan.raw.clusters[c]}
    for cid in plan.dirty_clusters:
        was = cid in read_clusters and bool(codec.members(plan.raw.clusters[cid]))
        deltas["clusters"] += int(cid in plan.clusters) - int(was)
    return deltas
