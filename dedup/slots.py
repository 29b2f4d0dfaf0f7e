"""Hash tags whose Redis Cluster slots are spread evenly: tag ``i`` of ``n`` lands in the
middle half of the ``i``-th of ``n`` equal parts of the 16384 slots.

A cluster whose masters own contiguous, near-equal slot ranges (what ``redis-cli --cluster
create`` makes) then holds about ``1/masters`` of a family's tags on each master, by
construction rather than by the luck of CRC16.
"""

from functools import lru_cache

from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot


@lru_cache(maxsize=64)
def spread_tags(ns: str, family: str, n: int) -> tuple[str, ...]:
    """``n`` tags ``<ns>:<family><i>.<salt>``, the salt the first that puts tag ``i`` in the
    middle half of slot range ``i`` (a few dozen tries each)."""
    width = REDIS_CLUSTER_HASH_SLOTS / n
    tags = []
    for i in range(n):
        low, high = (i + 0.25) * width, (i + 0.75) * width
        salt = 0
        while not low <= key_slot(f"{ns}:{family}{i}.{salt}".encode()) < high:
            salt += 1
        tags.append(f"{ns}:{family}{i}.{salt}")
    return tuple(tags)


def by_slot(keys: list[str]) -> dict[int, list[int]]:
    """Positions of ``keys`` grouped by slot, for one script call a slot (a single group on
    one Redis, where the index has one tag)."""
    out: dict[int, list[int]] = {}
    for j, key in enumerate(keys):
        out.setdefault(key_slot(key.encode()), []).append(j)
    return out
