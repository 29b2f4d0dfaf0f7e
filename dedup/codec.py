"""What travels to Redis, by name: write operations, guards, record and cluster fields,
verdict fields. One table for Python and the Lua scripts (:func:`lua_prelude` is prepended
to every script, so a name changed here changes on both sides)."""

from enum import StrEnum


class OpName(StrEnum):
    """A write operation of ``apply.lua``: (name, key, field, value)."""

    HSET = "hset"
    SET = "set"
    DEL = "del"  # the whole key
    HINCRBY = "hincrby"
    ZADD_NX = "zadd_nx"  # field = score; an article keeps its first-seen time
    ZREM = "zrem"
    BANDS_ADD = "bands_add"  # key = consecutive band keys, field = their 5-byte fields
    BANDS_REMOVE = "bands_remove"
    # Grow the band hashes: key = the k buckets split then their k new buckets, field = the
    # bucket count it splits from, value = k (last op of a write; see keys.bucket_of).
    SPLIT = "split"


class GuardName(StrEnum):
    """A read a write checks before it applies: (name, key, field, expected)."""

    EPOCH = "epoch"  # the write counter as read; when unchanged, every bands guard holds
    HGET = "hget"
    GET = "get"
    BANDS = "bands"  # digest of the values of consecutive band keys' fields


class ArticleField(StrEnum):
    """Fields of an article's hash."""

    URL = "url"
    META = "meta"
    TEXT = "text"  # compressed, marked (dedup/texts.py)
    CLUSTER = "cluster"


class ClusterField(StrEnum):
    """Fields of a cluster's hash besides its members' verdicts."""

    VERSION = "version"
    ORIGINAL = "original"


MEMBER = "member:"  # cluster hash field prefix: member:<article id> -> verdict JSON
BAND_FIELD = 5  # bytes of a band entry's field: band number, 32-bit tag (its bucket's address)
INITIAL_BUCKETS = 64  # band hashes of an empty index; the count only grows (meta BUCKETS)
BUCKETS = "buckets"  # the index meta field holding the band hash count
ID_BYTES = 8  # an article id, packed in band entries
# A band entry's value lists at most BAND_IDS article ids, the first to share it; when more
# share it, FULL follows them (7 * 8 + 8 = 64 bytes: every value fits Redis's
# hash-max-listpack-value, so a hot band value never turns its band hash into a hashtable).
BAND_IDS = 7
FULL = b"\xff" * ID_BYTES
LEASE_REFUSED = "lease"  # apply.lua's answer when another process holds the write lease
LAYOUT_CHANGED = "layout"  # ... when the band hashes grew since the write's read
# A site's counters hash (keys.site): what the republisher prior reads (dedup/sites.py)
SITE_COUNTERS = ("articles", "copies", "credited", "backdated")


def member_field(article_id: str) -> str:
    return MEMBER + article_id


def members(fields: dict[str, bytes]) -> dict[str, bytes]:
    """The member verdicts of a cluster hash (decoded field names), by article id."""
    n = len(MEMBER)
    return {k[n:]: v for k, v in fields.items() if k.startswith(MEMBER)}


def lua_prelude() -> str:
    """Lua constants with the same names: ``OP.HSET``, ``GUARD.EPOCH``, ``FIELD.CLUSTER``..."""
    def table(name: str, enum: type[StrEnum]) -> str:
        items = ", ".join(f"{m.name} = '{m.value}'" for m in enum)
        return f"local {name} = {{{items}}}\n"

    return (table("OP", OpName) + table("GUARD", GuardName) + table("FIELD", ArticleField)
            + table("CLUSTER", ClusterField)
            + f"local BAND_FIELD, ID_BYTES = {BAND_FIELD}, {ID_BYTES}\n"
            + f"local BAND_IDS, FULL = {BAND_IDS}, string.rep('\\255', {ID_BYTES})\n"
            + f"local INITIAL_BUCKETS, BUCKETS = {INITIAL_BUCKETS}, '{BUCKETS}'\n"
            + f"local LEASE_REFUSED, LAYOUT_CHANGED = '{LEASE_REFUSED}', '{LAYOUT_CHANGED}'\n"
            + f"local MEMBER = '{MEMBER}'\n"
            + f"local SITE_COUNTERS = {{{', '.join(repr(c) for c in SITE_COUNTERS)}}}\n")
