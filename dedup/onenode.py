"""The reads of an ingest or a check on one Redis, where the whole index is one slot: the
candidates' comparison (candidates.lua) reads on, in the same call, the records of the
queries and of the candidates kept, their clusters, those clusters' other members, and when
asked the counters of their sites. A check is then two round trips: the band entries, this.
(On a Redis Cluster each family has tags of its own: dedup/slotreads.py and Store._records
read the same in one call a slot and pipelines.)"""

from typing import Any

from dedup.keys import Keys
from dedup.pernode import Call
from dedup.slotreads import candidate_calls, merge_candidates

Records = list[tuple[str, bytes, str, bytes, str]]  # id, signature, url, meta, cluster id
Counters = dict[str, list[bytes | None]]  # site -> its codec.SITE_COUNTERS as read


def id_prefixes(keys: Keys) -> tuple[str, str, str, str]:
    """The signature, record, cluster and site counter keys of :class:`Keys` less their id
    (or site): on one Redis, where the index is one slot, the script names the keys of ids it
    finds in what it reads (clusters' members) by these. Not on a cluster, where the id
    chooses the tag."""
    if keys.sharded:
        raise ValueError("a cluster's keys are not a prefix and an id")
    return keys.sig(""), keys.article(""), keys.cluster(""), keys.site("")


def follow_call(keys: Keys, articles: list[tuple[str, bytes, bytes]], ranked: list[list[str]],
                min_equal: int, sites: set[str] | None, originals: bool = False
                ) -> tuple[list[str], Call]:
    """The candidates' ids (in the order of their positions in KEYS) and the candidates.lua
    call that compares them and reads on; with ``sites`` (else no counters), the counters of
    these sites and of every record's; with ``originals``, the stored texts of the clusters'
    originals (of an article alone, its own)."""
    ids = list(dict.fromkeys(c for cands in ranked for c in cands))
    _, [(sig_keys, args)] = candidate_calls(keys, ids, articles, ranked, min_equal)
    wanted = list(dict.fromkeys(a[0] for a in articles))
    named = sorted(sites or ())
    sig, record, cluster, site = id_prefixes(keys)
    args += [len(ids), len(wanted), len(named), sig, record, cluster,
             site if sites is not None else "", "1" if originals else "", *ids, *wanted,
             *named]
    call_keys = [*sig_keys, *map(keys.article, ids)]
    for aid in wanted:
        call_keys += [keys.sig(aid), keys.article(aid)]
    call_keys += map(keys.site, named)
    return ids, (call_keys, args)


def read_follow(ranked: list[list[str]], ids: list[str], res: list[Any]
                ) -> tuple[list[list[str]], Records, dict[str, dict[str, bytes]],
                           Counters, dict[str, bytes]]:
    """What the call of :func:`follow_call` answered: per article its candidates kept (in
    ranked order), the records read, the clusters (fields decoded), the counters read (none
    when not asked) and the originals' stored texts (as stored; none when not asked)."""
    kept_pos, records, clusters, counters, texts = res
    kept, _ = merge_candidates(ranked, [ids], [(kept_pos, [])])
    return (kept,
            [(r[0].decode(), r[1], r[2].decode(), r[3], r[4].decode()) for r in records],
            {c[0].decode(): {c[1][j].decode(): c[1][j + 1] for j in range(0, len(c[1]), 2)}
             for c in clusters},
            {c[0].decode(): c[1] for c in counters},
            {t[0].decode(): t[1] for t in texts if t[1]})
