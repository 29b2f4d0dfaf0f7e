"""Checking an index: every article has its record, id, signature, band entries and cluster
membership; nothing points at an article that is not there; the counters match.

Example:
    >>> problems = Fsck(client, keys, PARAMS).run()                  # doctest: +SKIP
    >>> problems                                                     # doctest: +SKIP
    {}
"""

import json
from collections import Counter

import numpy as np
import redis

from dedup import codec
from dedup.codec import ArticleField as F
from dedup.codec import ClusterField
from dedup.keys import FIELD_DTYPE, Keys, bucket_of
from dedup.params import SignatureParams
from dedup.signature import Signature, packed_bands

COUNTERS = ("articles", "clusters", "copies", "partials", "originals")
_PLURAL = {"copy": "copies", "partial": "partials", "original": "originals"}


class Fsck:
    """One consistency check of one namespace; problems counted by class."""

    def __init__(self, client: redis.Redis, keys: Keys, params: SignatureParams) -> None:
        self.client = client
        self.keys = keys
        self.params = params

    def scan_ids(self, family: str) -> set[str]:
        """The ids of one key family (``article:``, ``sig:``, ``cluster:``)."""
        return {self.keys.id_of(k, family) for k in
                self.client.scan_iter(match=self.keys.index_pattern(family), count=1000)}

    def run(self) -> dict[str, int]:
        """Problem class -> count; empty when the index is consistent."""
        k, found = self.keys, Counter[str]()
        buckets = int(self.client.hget(k.meta, codec.BUCKETS) or codec.INITIAL_BUCKETS)
        ids = {i.decode() for i in self.client.zrange(k.ids, 0, -1)}
        records = {i for i in self.scan_ids("article:")}
        sigs = {i for i in self.scan_ids("sig:")}
        found["ids without a record"] = len(ids - records)
        found["records without an id"] = len(records - ids)
        found["signatures without a record"] = len(sigs - records)
        indexed = ids & records & sigs
        found["articles without a signature"] = len((ids & records) - sigs)
        clusters_of: dict[str, str] = {}
        chunk = sorted(indexed)
        for start in range(0, len(chunk), 500):
            part = chunk[start:start + 500]
            pipe = self.client.pipeline(transaction=False)
            for aid in part:
                pipe.get(k.sig(aid))
                pipe.hmget(k.article(aid), [F.URL, F.META, F.TEXT, F.CLUSTER])
            res = pipe.execute()
            bands = self.client.pipeline(transaction=False)
            for j, aid in enumerate(part):
                sig, (url, meta, text, cid) = res[2 * j], res[2 * j + 1]
                if not (url and meta and text):
                    found["records without url, metadata or text"] += 1
                clusters_of[aid] = cid.decode() if cid else aid
                keys, fields = k.band_keys(packed_bands(Signature.from_bytes(sig), self.params),
                                           buckets)
                for b, key in enumerate(keys):
                    bands.hget(key, fields[b * codec.BAND_FIELD:(b + 1) * codec.BAND_FIELD])
            per = self.params.bands
            values = bands.execute()
            for j, aid in enumerate(part):
                raw = bytes.fromhex(aid)
                if any(not _holds(v, raw) for v in values[j * per:(j + 1) * per]):
                    found["articles missing band entries"] += 1
        counts = self._clusters(indexed, clusters_of, found)
        self._band_hashes(indexed, buckets, found)
        stats = {key.decode(): int(v) for key, v in self.client.hgetall(k.stats).items()}
        off = [name for name in COUNTERS if stats.get(name, 0) != counts[name]]
        found["counters off (" + ", ".join(off) + ")"] = int(bool(off))
        found["cluster writes not finished (the next write replays them)"] = int(
            self.client.exists(k.journal))
        return {name: n for name, n in found.items() if n}

    def _clusters(self, indexed: set[str], clusters_of: dict[str, str],
                  found: Counter[str]) -> Counter[str]:
        counts = Counter[str](articles=len(indexed))
        member_of: dict[str, str] = {}
        for cid in self.scan_ids("cluster:"):
            fields = {f.decode(): v for f, v in
                      self.client.hgetall(self.keys.cluster(cid)).items()}
            verdicts = codec.members(fields)
            if not verdicts:
                continue
            counts["clusters"] += 1
            if ClusterField.VERSION not in fields:
                found["clusters without a version"] += 1
            for mid, v in verdicts.items():
                member_of[mid] = cid
                role = json.loads(v).get("role")
                if role in _PLURAL:
                    counts[_PLURAL[role]] += 1
                if mid not in indexed:
                    found["cluster members that are not indexed"] += 1
        for aid, cid in clusters_of.items():
            if member_of.get(aid, aid) != cid:
                found["articles outside their cluster"] += 1
        return counts

    def _band_hashes(self, indexed: set[str], buckets: int, found: Counter[str]) -> None:
        """Every band hash is one of the index's ``buckets``, every entry in the hash its
        tag addresses (dedup.keys.bucket_of), every id in it an indexed article's, at most
        ``codec.BAND_IDS`` of them (then ``codec.FULL``), none twice."""
        known = {bytes.fromhex(i) for i in indexed}
        for key in self.client.scan_iter(match=self.keys.index_pattern("band:"), count=1000):
            bucket = self.keys.id_of(key, "band:")
            if not bucket.isdigit() or int(bucket) >= buckets or self.keys.band(
                    int(bucket)) != key.decode():
                found["band hashes outside the bucket count"] += 1
                continue
            entries = self.client.hgetall(key)
            fields = [f for f in entries if len(f) == codec.BAND_FIELD]
            tags = np.frombuffer(b"".join(fields), dtype=FIELD_DTYPE)["tag"]
            found["band entries in the wrong hash"] += len(entries) - len(fields) + int(
                np.count_nonzero(bucket_of(tags, buckets) != int(bucket)))
            for v in entries.values():
                ids = _ids(v)
                found["band entries naming unknown articles"] += sum(i not in known for i in ids)
                found["band values malformed or over the cap"] += int(
                    len(ids) > codec.BAND_IDS or len(v) % codec.ID_BYTES != 0
                    or codec.FULL in ids or len(set(ids)) != len(ids))


def _ids(value: bytes) -> list[bytes]:
    """The article ids a band value lists (FULL, when it ends it, left out)."""
    if value.endswith(codec.FULL):
        value = value[:-codec.ID_BYTES]
    return [value[p:p + codec.ID_BYTES] for p in range(0, len(value), codec.ID_BYTES)]


def _holds(value: bytes | None, raw_id: bytes) -> bool:
    """The band value lists the article, or is FULL (others shared it first)."""
    return value is not None and (value.endswith(codec.FULL) or raw_id in _ids(value))
