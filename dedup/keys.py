"""Every Redis key wiretrace uses, in one place. Namespaced and versioned.

``ns`` is the namespace (setting ``namespace``, default ``wt``); tests use one per run.
Every key a script touches is built here and passed in ``KEYS``. On one Redis the index's keys
carry one hash tag, ``{<ns>}``. On a Redis Cluster (``sharded``) only the control keys (meta,
counters, ids, write counter, lease, journal, site counters) keep it; records, clusters, band
hashes and templates are spread over :data:`SHARDS` tags of their own family, each tag's slot
chosen in its own equal part of the 16384 slots (:mod:`dedup.slots`), and a write is applied
slot by slot (:mod:`dedup.journal`). The layout and the bytes each structure costs are in the
README ("Redis layout").
"""

import zlib
from dataclasses import dataclass

import numpy as np

from dedup.codec import BAND_FIELD, INITIAL_BUCKETS
from dedup.slots import spread_tags

SCHEMA = "v2"
FIELD_DTYPE = np.dtype([("band", "u1"), ("tag", "<u4")])
assert FIELD_DTYPE.itemsize == BAND_FIELD

# Tags per family on a cluster: records (signature, record, alias), clusters, band hashes,
# templates. A band hash's tag is its bucket modulo the band count, which divides every
# ``half`` of linear hashing (>= INITIAL_BUCKETS): a bucket and the one it splits into share
# a slot. 12 and 32 give each of 3 masters that own equal slot ranges a third (+-1 tag).
SHARDS = {"r": 12, "c": 12, "b": 32, "t": 12}
assert INITIAL_BUCKETS % SHARDS["b"] == 0


def bucket_of(tags: np.ndarray, buckets: int) -> np.ndarray:
    """Linear hashing: the band hash of each 32-bit tag in an index of ``buckets`` hashes.

    With ``half`` the largest power of two not above ``buckets``, a tag's bucket is its low
    bits modulo ``half``; buckets below ``buckets - half`` have been split, into themselves
    and ``bucket + half``, by the next bit. Growing by one bucket moves about half of one
    hash's entries, read from the fields themselves (apply.lua, OpName.SPLIT).
    """
    half = 1 << (buckets.bit_length() - 1)
    low = tags & np.uint32(half - 1)
    return np.where(low < buckets - half, tags & np.uint32(2 * half - 1), low)


def split_range(buckets: int) -> tuple[int, int]:
    """The next bucket a split of an index of ``buckets`` hashes splits, and ``half`` (its
    new bucket is that plus ``half``; a split stops at ``half``, where the next round starts)."""
    half = 1 << (buckets.bit_length() - 1)
    return buckets - half, half


# Band key names already built, per (namespace, sharded): an ingest names 48 an article, from
# a set of buckets that only grows; cleared past the cap (a few MB).
_BAND_NAMES: dict[tuple[str, bool], dict[int, str]] = {}
_BAND_NAMES_MAX = 1 << 17
# The band keys of the last packed band lists, per (namespace, sharded, buckets, packed): a
# batch's read names them, then its guards and its write name the same (a few MB at most).
_BAND_KEYS: dict[tuple[str, bool, int, bytes], tuple[str, ...]] = {}
_BAND_KEYS_MAX = 4096


@dataclass(frozen=True, slots=True)
class Keys:
    """Key templates bound to one namespace."""

    ns: str = "wt"
    sharded: bool = False  # a Redis Cluster: families spread over tags of their own

    @property
    def prefix(self) -> str:
        """Every key of the namespace's current schema starts with this."""
        return f"{self.ns}:{SCHEMA}:"

    @property
    def index_prefix(self) -> str:
        """The index's control keys: the namespace's own hash tag."""
        return f"{self.prefix}{{{self.ns}}}:"

    def _ix(self, name: str) -> str:
        return self.index_prefix + name

    def _tag(self, family: str, shard: int) -> str:
        if not self.sharded:
            return self.index_prefix
        return f"{self.prefix}{{{spread_tags(self.ns, family, SHARDS[family])[shard]}}}:"

    def _by_id(self, family: str, ident: str, name: str) -> str:
        shard = zlib.crc32(ident.encode()) % SHARDS[family] if self.sharded else 0
        return f"{self._tag(family, shard)}{name}:{ident}"

    def tags(self) -> list[str]:
        """Every tag's key prefix (one, unless sharded): the control tag first."""
        out = [self.index_prefix]
        if self.sharded:
            out += [self._tag(f, s) for f, n in SHARDS.items() for s in range(n)]
        return out

    def applied(self, key: str) -> str:
        """The marker of the last journal applied in ``key``'s slot (dedup.journal)."""
        return key[:key.index("}:") + 2] + "applied"

    @property
    def journal(self) -> str:
        """A cluster write being applied slot by slot (dedup.journal), until it is done."""
        return self._ix("journal")

    # -- the index ----------------------------------------------------------------------
    @property
    def meta(self) -> str:
        return self._ix("meta")

    @property
    def stats(self) -> str:
        return self._ix("stats")

    @property
    def ids(self) -> str:
        return self._ix("ids")

    @property
    def epoch(self) -> str:
        return self._ix("epoch")

    @property
    def lease(self) -> str:
        """The write lease: held by ``reindex``; every writer waits while another holds it."""
        return self._ix("lease")

    @property
    def reindex_state(self) -> str:
        """A running reindex's checkpoint (phase, articles done)."""
        return self._ix("reindex")

    def band(self, bucket: int) -> str:
        return f"{self._tag('b', bucket % SHARDS['b'])}band:{bucket}"

    def band_keys(self, packed: bytes, buckets: int) -> tuple[tuple[str, ...], bytes]:
        """The band keys of a packed band list (its band entries' fields, 5 bytes each: band
        number, 32-bit tag) in an index of ``buckets`` band hashes, and the fields."""
        seen = _BAND_KEYS.get((self.ns, self.sharded, buckets, packed))
        if seen is not None:  # a write names the keys its read named
            return seen, packed
        names = _BAND_NAMES.setdefault((self.ns, self.sharded), {})
        if len(names) > _BAND_NAMES_MAX:
            names.clear()
        index = bucket_of(np.frombuffer(packed, dtype=FIELD_DTYPE)["tag"], buckets).tolist()
        try:
            out = tuple(map(names.__getitem__, index))
        except KeyError:
            for b in index:
                if b not in names:
                    names[b] = self.band(b)
            out = tuple(map(names.__getitem__, index))
        if len(_BAND_KEYS) >= _BAND_KEYS_MAX:
            _BAND_KEYS.clear()
        _BAND_KEYS[(self.ns, self.sharded, buckets, packed)] = out
        return out, packed

    def split_keys(self, buckets: int, count: int) -> tuple[str, ...]:
        """The keys of a split of ``count`` buckets from ``buckets``: the buckets split, then
        the new ones (:func:`split_range`)."""
        first, half = split_range(buckets)
        return (tuple(self.band(b) for b in range(first, first + count))
                + tuple(self.band(b + half) for b in range(first, first + count)))

    def sig(self, article_id: str) -> str:
        return self._by_id("r", article_id, "sig")

    def article(self, article_id: str) -> str:
        return self._by_id("r", article_id, "article")

    def alias(self, article_id: str) -> str:
        return self._by_id("r", article_id, "alias")

    def cluster(self, cluster_id: str) -> str:
        return self._by_id("c", cluster_id, "cluster")

    def site(self, site: str) -> str:
        return self._ix(f"site:{site}")

    def template(self, site: str) -> str:
        return self._by_id("t", site, "tpl")

    def template_seen(self, site: str) -> str:
        return self.template(site) + ":seen"

    def index_pattern(self, family: str = "") -> str:
        """A SCAN pattern for one key family of the index, under every tag (all of the
        index when empty)."""
        if not self.sharded:
            return self._ix(f"{family}*")
        return f"{self.prefix}{{{self.ns}*}}:{family}*"

    @staticmethod
    def id_of(key: bytes | str, family: str) -> str:
        """What follows the family in a key of it (an article, cluster or bucket)."""
        name = key.decode() if isinstance(key, bytes) else key
        return name.split("}:", 1)[1][len(family):]

    # -- watches and notifications (issue W2): a hash tag per family, not the index's -----
    def _watch(self, name: str) -> str:
        """One slot for the watch family: its script touches the sent map and the stream."""
        return f"{self.prefix}{{{self.ns}:watch}}:{name}"

    @property
    def watches(self) -> str:
        """Hash: site -> the watch as JSON (webhook, secret, created)."""
        return self._watch("sites")

    @property
    def watch_events(self) -> str:
        """Stream of copy events for the notifier (consumer group ``notify``)."""
        return self._watch("events")

    @property
    def watch_sent(self) -> str:
        """Hash: copy id -> ``epoch cluster version`` of the newest notices step that saw it,
        then ``site original`` when its last queued event names a watched site."""
        return self._watch("sent")

    @property
    def watch_stamps(self) -> str:
        """Sorted set: copies whose ``sent`` entry is a bare stamp (no watched site), by when
        (ms); a stamp is dropped after ``dedup.notices.STAMP_KEEP_MS``."""
        return self._watch("stamps")

    @property
    def watch_delivered(self) -> str:
        """Sorted set: webhook-id by when a receiver answered 2xx (the notifier's dedup),
        trimmed with the stream."""
        return self._watch("delivered_at")

    @property
    def watch_tries(self) -> str:
        """Hash: webhook-id -> failed deliveries so far and when the next may start."""
        return self._watch("tries")

    def watch_log(self, site: str) -> str:
        """List: the newest deliveries to a site's webhook, capped."""
        return self._watch(f"log:{site}")

    def site_copies(self, site: str) -> tuple[str, str, str, str]:
        """A site's copies, one slot a site: rows (hash copy id -> JSON), by time (sorted
        set), republishers (sorted set of sites by copies), weeks (hash week -> copies)."""
        base = f"{self.prefix}{{{self.ns}:copies:{site}}}:"
        return base + "rows", base + "time", base + "by", base + "weeks"

    # -- the crawler (no scripts) ---------------------------------------------------------
    def crawl_fetched(self, source: str) -> str:
        return f"{self.prefix}crawl:f:{source}"

    def crawl_shared(self, source: str, run: str) -> str:
        """Prefix of a shared crawl's keys (scrapy-redis queue and duplicate filter)."""
        return f"{self.prefix}crawl:shared:{source}:{run}:"

    @property
    def crawl_runs(self) -> str:
        return f"{self.prefix}crawl:runs"

    # -- the API (no scripts of ours) ------------------------------------------------------
    @property
    def rate_limits(self) -> str:
        """Prefix of the API's rate-limit keys (the ``limits`` library adds the rest:
        ``limit/fetch/<client>/<n>/1/minute``, a moving window that expires)."""
        return f"{self.prefix}limit"


@dataclass(frozen=True, slots=True)
class LegacyKeys:
    """Schema v1's keys that ``reindex`` migrates (records, aliases, order, crawl state);
    the rest of a v1 index is rebuilt, then every v1 key deleted."""

    ns: str = "wt"

    @property
    def prefix(self) -> str:
        return f"{self.ns}:v1:"

    @property
    def ids(self) -> str:
        return f"{self.prefix}ids"

    def article(self, article_id: str) -> str:
        return f"{self.prefix}a:{article_id}"

    @property
    def alias_pattern(self) -> str:
        return f"{self.prefix}u:*"

    @property
    def crawl_pattern(self) -> str:
        return f"{self.prefix}crawl:*"

    # v1 article hash fields
    URL, META, TEXT = "u", "m", "t"
