"""The Redis side of the engine: four Lua scripts and the raw data they return.

Reads and writes go through these scripts only, so an ingest is one read round trip and one
atomic, guarded write; a lookup is one round trip. Nothing read back is unpickled: values are
packed binary, JSON or zlib text.
"""

from dataclasses import dataclass
from importlib import resources
from typing import Any

import msgpack
import redis

from dedup.errors import IndexMismatchError, StoreUnavailableError
from dedup.keys import Keys


def _script(name: str) -> str:
    return resources.files("dedup").joinpath("lua", name).read_text()


@dataclass(slots=True)
class RawRecord:
    id: str
    sig: bytes
    url: str
    meta: bytes
    cluster: str


@dataclass(slots=True)
class RawState:
    bands: list[tuple[bytes, list[str]]]  # per article: band digest, candidate ids
    records: dict[str, RawRecord]
    clusters: dict[str, dict[str, bytes]]
    epoch: bytes = b""  # the write counter when this was read


Guard = tuple[str, str, str | bytes, bytes]
Op = tuple[str, str, str | bytes, str | bytes | int | float]


class Store:
    """Thin wrapper over the scripts; turns redis errors into StoreUnavailableError."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self._read = client.register_script(_script("read_state.lua"))
        self._apply = client.register_script(_script("apply.lua"))
        self._lookup = client.register_script(_script("lookup.lua"))
        self._templates = client.register_script(_script("templates.lua"))
        self._params_checked = False

    def check_params(self, fingerprint: str, claim: bool = True) -> None:
        """Refuse an index written with other signature parameters; stamp an empty one with
        these (unless ``claim`` is false: a reader leaves an empty index unstamped)."""
        if self._params_checked:
            return
        stored = self.client.hget(self.keys.meta, "params")
        mine = fingerprint.encode()
        if stored is None:
            if not claim:
                return
            self.client.hsetnx(self.keys.meta, "params", mine)
            stored = self.client.hget(self.keys.meta, "params")
        if stored is None or stored != mine:
            raise IndexMismatchError(
                f"the index in namespace {self.keys.ns!r} was written with other "
                f"parameters ({(stored or b'').decode(errors='replace')}); this version uses "
                f"{fingerprint}. Run `wiretrace reindex` to rebuild it from the stored texts."
            )
        self._params_checked = True

    def forget_params(self) -> None:
        """Check the parameters again on the next write (the index was rebuilt)."""
        self._params_checked = False

    def resolve(self, article_id: str) -> str:
        """The id an article is stored under: its own, or the one an alias points to."""
        alias = self.client.get(self.keys.alias(article_id))
        return alias.decode() if alias else article_id

    def read_state(self, articles: list[tuple[str, bytes, bytes]], cap: int = 50,
                   min_equal: int = 8) -> RawState:
        """For each article (id, signature values, packed bands): a digest of its band
        entries and its candidates with at least ``min_equal`` equal MinHash values; and the
        records and clusters of all of them."""
        args: list[str | bytes | int | float] = [self.keys.prefix, cap, min_equal,
                                                 len(articles)]
        for article in articles:
            args += list(article)
        bands_raw, recs, clusters, epoch = self._call(self._read, args)
        bands_out = [(d, [c.decode() for c in cands]) for d, cands in bands_raw]
        records = {}
        for i in range(0, len(recs), 5):
            rid = recs[i].decode()
            records[rid] = RawRecord(rid, recs[i + 1], recs[i + 2].decode(), recs[i + 3],
                                     recs[i + 4].decode())
        cl = {}
        for i in range(0, len(clusters), 2):
            flat = clusters[i + 1]
            cl[clusters[i].decode()] = {flat[j].decode(): flat[j + 1]
                                       for j in range(0, len(flat), 2)}
        return RawState(bands_out, records, cl, epoch)

    def apply(self, guards: list[Guard], ops: list[Op]) -> int | None:
        """Apply ops if every guard holds; return None, or the index of the failed guard."""
        flat: list[str | bytes | int | float] = [len(guards)]
        for g in guards:
            flat += g
        flat.append(len(ops))
        for o in ops:
            flat += o
        res = self._call(self._apply, [msgpack.packb(flat, use_bin_type=False)])
        return None if res[0] == 1 else int(res[1]) - 1

    def site_templates(self, sites: dict[str, list[tuple[bytes, bytes]]], min_pages: int,
                       cap: int, learn: bool) -> dict[str, set[bytes]]:
        """Per site, the template line keys among the given articles' lines (each article:
        a 4-byte tag and its concatenated 8-byte line keys), the articles counted first; or,
        without ``learn``, all the site's template line keys. One round trip."""
        args: list[str | bytes | int | float] = [self.keys.prefix, min_pages, cap,
                                                 1 if learn else 0, len(sites)]
        for site, articles in sites.items():
            args += [site, len(articles)]
            for tag, lines in articles:
                args += [tag, lines]
        res = self._call(self._templates, args)
        return {site: {raw[k:k + 8] for k in range(0, len(raw), 8)}
                for site, raw in zip(sites, res, strict=True) if raw}

    def lookup(self, ids: list[str]) -> list[list[object]]:
        return list(self._call(self._lookup, [self.keys.prefix, *ids]))

    def _call(self, script: "redis.commands.core.Script",
              args: list[str | bytes | int | float]) -> list[Any]:
        try:
            return script(args=args)  # type: ignore[no-any-return,unused-ignore]
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreUnavailableError(f"Redis is unavailable: {exc}") from exc
